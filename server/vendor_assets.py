#!/usr/bin/env python3
"""Vendor the browser assets from npm at pinned versions (ARCHITECTURE.md, decision 8).

    python server/vendor_assets.py           # npm pack, verify, extract, write lock + VENDOR.md
    python server/vendor_assets.py --check   # offline: committed files match the recorded hashes

Each tarball is checked against the registry's sha512 integrity before anything is extracted.
The lock (static/vendor/vendor-lock.json) records what was extracted; VENDOR.md is rendered
from it. Standard library only, so it runs before the project is installed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypedDict, cast


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    files: tuple[str, ...]  # paths inside the tarball; each lands as vendor/<name>/<basename>
    note: str = ""


PACKAGES: tuple[Package, ...] = (
    Package(
        "@zazuko/yasgui",
        "4.6.2",
        ("build/yasgui.min.js", "build/yasgui.min.css"),
        "UMD bundle, defines global `Yasgui`. "
        "The tarball has no LICENSE file; MIT per package.json.",
    ),
    Package(
        "graphiql",
        "4.1.2",
        ("graphiql.min.js", "graphiql.min.css", "LICENSE"),
        "UMD, defines global `GraphiQL` from globals `React`/`ReactDOM`. Newest 4.x; "
        "graphiql 5.x ships ESM only (no UMD build).",
    ),
    Package(
        "react",
        "18.3.1",
        ("umd/react.production.min.js", "LICENSE"),
        "Global `React`. 18.x is the last major with UMD builds (React 19 dropped them).",
    ),
    Package(
        "react-dom",
        "18.3.1",
        ("umd/react-dom.production.min.js", "LICENSE"),
        "Global `ReactDOM`.",
    ),
    Package(
        "world-atlas",
        "2.0.2",
        ("countries-110m.json", "countries-50m.json", "LICENSE"),
        "TopoJSON. Data: Natural Earth, public domain; package: ISC. "
        "countries-50m.json kept because it is under 1 MB.",
    ),
    Package(
        "topojson-client",
        "3.1.0",
        ("dist/topojson-client.min.js", "LICENSE"),
        "UMD, global `topojson`.",
    ),
    Package(
        "d3-array",
        "3.2.5",
        ("dist/d3-array.min.js", "LICENSE"),
        "UMD, adds to global `d3`; load before d3-geo.",
    ),
    Package(
        "d3-geo",
        "3.1.2",
        ("dist/d3-geo.min.js", "LICENSE"),
        "UMD, adds to global `d3` (needs d3-array).",
    ),
)

MAX_TOTAL_BYTES = 5_000_000  # guard against vendoring something huge by accident

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = STATIC / "vendor"
LOCK = VENDOR / "vendor-lock.json"
VENDOR_MD = STATIC / "VENDOR.md"


class FileRecord(TypedDict):
    source: str  # path inside the tarball
    sha256: str
    bytes: int


class PackageRecord(TypedDict):
    name: str
    version: str
    license: str
    integrity: str
    files: dict[str, FileRecord]  # keyed by the file's name under vendor/<name>/


def npm(*args: str, cwd: Path) -> str:
    done = subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout


def sri_sha512(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch(pkg: Package, work: Path, stage: Path) -> PackageRecord:
    """Pack one package, verify the tarball, and copy its listed files into `stage`."""
    spec = f"{pkg.name}@{pkg.version}"
    expected = cast(str, json.loads(npm("view", spec, "dist.integrity", "--json", cwd=work)))
    packed = json.loads(npm("pack", spec, "--json", "--ignore-scripts", cwd=work))
    tarball = (work / cast(str, packed[0]["filename"])).read_bytes()
    actual = sri_sha512(tarball)
    if actual != expected:
        raise SystemExit(f"{spec}: tarball integrity {actual} != registry {expected}")

    files: dict[str, FileRecord] = {}
    with tarfile.open(work / cast(str, packed[0]["filename"]), "r:gz") as tar:
        top = tar.getnames()[0].split("/")[0]  # "package" for almost every tarball

        def read(rel: str) -> bytes:
            member = tar.getmember(f"{top}/{rel}")  # KeyError names a missing file
            handle = tar.extractfile(member)
            if handle is None:
                raise SystemExit(f"{spec}: {rel} is not a regular file")
            return handle.read()

        manifest = json.loads(read("package.json"))
        for rel in pkg.files:
            # Flat per package: the repository's .gitignore ignores build/ and dist/ folders.
            name = PurePosixPath(rel).name
            if name in files:
                raise SystemExit(f"{spec}: two files named {name}")
            data = read(rel)
            target = stage / pkg.name / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            digest = hashlib.sha256(data).hexdigest()
            files[name] = {"source": rel, "sha256": digest, "bytes": len(data)}
    if manifest.get("version") != pkg.version:
        raise SystemExit(f"{spec}: package.json says version {manifest.get('version')}")
    return {
        "name": pkg.name,
        "version": pkg.version,
        "license": licence_of(manifest),
        "integrity": actual,
        "files": files,
    }


def licence_of(manifest: dict[str, object]) -> str:
    licence = manifest.get("license")
    if isinstance(licence, str):
        return licence
    old = manifest.get("licenses")  # pre-SPDX form: [{"type": "MIT", ...}]
    if isinstance(old, list):
        return " OR ".join(str(entry.get("type")) for entry in old if isinstance(entry, dict))
    return "UNKNOWN"


def render(records: list[PackageRecord]) -> str:
    notes = {pkg.name: pkg.note for pkg in PACKAGES}
    total = sum(f["bytes"] for r in records for f in r["files"].values())
    count = sum(len(r["files"]) for r in records)
    lines = [
        "# Vendored browser assets",
        "",
        "Generated by `python server/vendor_assets.py` from the npm registry; do not edit by hand.",
        "Versions are pinned in the `PACKAGES` table at the top of that script. Each tarball was",
        "checked against the registry's sha512 integrity before extraction.",
        "`python server/vendor_assets.py --check` verifies the files below offline.",
        "",
        f"Total: {count} files, {total:,} bytes.",
        "",
        "## Packages",
        "",
        "| Package | Version | Licence | Tarball integrity (SRI) | Notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in records:
        lines.append(
            f"| {r['name']} | {r['version']} | {r['license']} | `{r['integrity']}` "
            f"| {notes.get(r['name'], '')} |"
        )
    lines += [
        "",
        "## Files",
        "",
        "| File (under `static/vendor/`) | From (in the tarball) | Bytes | SHA-256 |",
        "| --- | --- | ---: | --- |",
    ]
    for r in records:
        for name, f in r["files"].items():
            lines.append(
                f"| `{r['name']}/{name}` | `{f['source']}` | {f['bytes']:,} | `{f['sha256']}` |"
            )
    return "\n".join(lines) + "\n"


def vendor() -> None:
    with tempfile.TemporaryDirectory(prefix="vendor-assets-") as tmp:
        work, stage = Path(tmp) / "work", Path(tmp) / "stage"
        work.mkdir()
        stage.mkdir()
        records = [fetch(pkg, work, stage) for pkg in PACKAGES]
        total = sum(f["bytes"] for r in records for f in r["files"].values())
        if total > MAX_TOTAL_BYTES:
            raise SystemExit(f"vendored total {total:,} bytes exceeds {MAX_TOTAL_BYTES:,}")
        (stage / LOCK.name).write_text(json.dumps({"packages": records}, indent=2) + "\n")
        # Replace the folder only once every package has been verified.
        if VENDOR.exists():
            shutil.rmtree(VENDOR)
        shutil.copytree(stage, VENDOR)
    VENDOR_MD.write_text(render(records))
    print(f"vendored {len(records)} packages, {total:,} bytes into {VENDOR}")


def check() -> list[str]:
    """Problems with the committed files, without touching the network."""
    if not LOCK.is_file():
        return [f"{LOCK} is missing: run python server/vendor_assets.py"]
    records = cast(list[PackageRecord], json.loads(LOCK.read_text())["packages"])
    problems: list[str] = []
    pinned = [(p.name, p.version, sorted(p.files)) for p in PACKAGES]
    locked = [
        (r["name"], r["version"], sorted(f["source"] for f in r["files"].values())) for r in records
    ]
    if pinned != locked:
        problems.append("pins in PACKAGES differ from the lock: run python server/vendor_assets.py")
    expected = {LOCK}
    for r in records:
        for name, f in r["files"].items():
            path = VENDOR / r["name"] / name
            expected.add(path)
            if not path.is_file():
                problems.append(f"missing {path}")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != f["sha256"]:
                problems.append(f"sha256 mismatch: {path}")
    for path in sorted(p for p in VENDOR.rglob("*") if p.is_file()):
        if path not in expected:
            problems.append(f"unexpected file {path}")
    if not VENDOR_MD.is_file() or VENDOR_MD.read_text() != render(records):
        problems.append(f"{VENDOR_MD} is out of date with the lock")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="verify offline, change nothing")
    args = parser.parse_args(argv)
    if not args.check:
        vendor()
        return 0
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("vendored assets match vendor-lock.json")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
