"""A deterministic synthetic dataset in the CSV input format of `data/`, at any size.

    python bench/generate.py --partnerships 100000 --out /tmp/hg-100k

writes every file `loaders/csv_map.py` reads (countries, boards, organisations, programmes,
documents, roles, partnerships, memberships, posts, guidance) with the same columns and the
same raw value shapes (prose country cells, `;` lists, dates like `since 2006` or
`01/04/2015`, amounts like `£1.2 million`). The same `--seed` and size always give the same
bytes. The real loaders load it, with every check.

Every theme of the shipped data is used at least once (the first partnerships carry them),
because the SKOS scheme in `ontology/themes.ttl` refers to them: N must be at least their
number (217).

Sizes: organisations = max(300, N / 8); memberships 2-4 per partnership (mean 3); about 200
countries. Words in names and summaries come from a fixed health vocabulary, so text
searches ("eye", "malaria") have realistic hit rates.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final, TextIO

SOURCE: Final = "https://example.org/healthgraph-bench/"
SYLLABLES: Final = (
    "ba", "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "za", "do", "fe", "gu", "ha", "ji",
    "ko", "li", "mo", "nu", "pe", "ri", "se", "ta", "wa", "yo", "bu", "ce", "di",
)
TOPICS: Final = (
    "eye care", "malaria", "maternal health", "surgery", "nursing", "midwifery", "mental health",
    "emergency medicine", "cervical screening", "hearing care", "oxygen supply", "paediatrics",
    "pharmacy", "laboratory services", "anaesthesia", "radiology", "physiotherapy", "dentistry",
    "public health", "tuberculosis", "hiv care", "diabetes", "cancer care", "trauma care",
    "palliative care", "infection control", "medical education", "health informatics",
    "blood transfusion", "neonatal care",
)
KINDS: Final = ("partnership", "link", "project", "twinning", "programme of support", "collaboration")
VERBS: Final = (
    "trains", "equips", "supports", "mentors", "connects", "funds", "strengthens", "improves",
)
OBJECTS: Final = (
    "clinical staff", "district hospitals", "health centres", "community health workers",
    "nurse tutors", "laboratory teams", "theatre teams", "rural clinics",
)
ORG_TYPES: Final = (
    "university", "hospital", "charity", "ngo", "government", "professional-body",
    "international-organisation", "research-institute", "ministry-of-health", "other",
)
ROLES: Final = ("partner", "funder", "implementer", "member")
MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
STATUSES: Final = ("", "", "Successfully Completed", "trialling", "newly emerging", "handed over")
DOC_TYPES: Final = ("principles", "guide", "toolkit", "framework", "report", "policy", "package")
SHIPPED_PARTNERSHIPS: Final = Path(__file__).resolve().parent.parent / "data" / "partnerships.csv"


def shipped_themes() -> list[str]:
    """The themes of the shipped data: `ontology/themes.ttl` (the SKOS scheme loaded with every
    build) refers to each of them, so every generated dataset uses each one at least once."""
    themes: dict[str, None] = {}
    with SHIPPED_PARTNERSHIPS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for item in row["themes"].split(";"):
                if item.strip():
                    themes.setdefault(item.strip(), None)
    return list(themes)


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


class Generator:
    """Writes one dataset; every choice comes from one seeded random generator."""

    def __init__(self, partnerships: int, seed: int = 7) -> None:
        self.n = partnerships
        self.rng = random.Random(seed)
        self.countries: list[tuple[str, str]] = []  # (name, iso)
        self.organisations: list[tuple[str, str]] = []  # (key, name)
        self.programmes: list[str] = []  # names
        self.documents: list[str] = []  # keys

    def write(self, out: Path, progress: TextIO | None = sys.stderr) -> None:
        out.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        for name, method in (
            ("countries", self._countries), ("boards", self._boards),
            ("organisations", self._organisations), ("programmes", self._programmes),
            ("documents", self._documents), ("roles", self._roles),
            ("partnerships", self._partnerships), ("memberships", self._memberships),
            ("posts", self._posts), ("guidance", self._guidance),
        ):
            with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                rows = 0
                for row in method():
                    writer.writerow(row)
                    rows += 1
            if progress:
                print(f"[{time.monotonic() - started:6.1f}s] {name}.csv: {rows - 1} rows",
                      file=progress, flush=True)

    # -- reference files ---------------------------------------------------------------

    def _countries(self) -> Iterator[list[str]]:
        yield ["name", "iso_3166", "alpha3", "wikidata", "also_known_as", "source_url"]
        fixed = [("Scotland", "GB-SCT", "", "Q22"), ("United Kingdom", "GB", "GBR", "Q145")]
        for name, iso, alpha3, wikidata in fixed:
            self.countries.append((name, iso))
            aka = "UK" if iso == "GB" else ""
            yield [name, iso, alpha3, wikidata, aka, f"{SOURCE}country/{iso.lower()}"]
        seen = {"scotland", "united kingdom", "uk"}
        letters = "ABCDEFHIJKLMNOPQRSTUVWXYZ"  # no G: GB is taken above
        codes = (a + b for a in letters for b in letters)
        while len(self.countries) < 200:
            name = _word(self.rng, 3).capitalize() + "ia"
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            iso = next(codes)
            self.countries.append((name, iso))
            yield [name, iso, iso + "X", f"Q{900000 + len(self.countries)}",
                   f"Republic of {name}", f"{SOURCE}country/{iso.lower()}"]

    def _boards(self) -> Iterator[list[str]]:
        yield ["key", "name", "gss_code", "kind", "area", "website", "source_url"]
        for i in range(14):
            area = _word(self.rng, 2).capitalize() + f" {i}"
            key = f"nhs-board-{i:02d}"
            yield [key, f"NHS {area}", f"S080000{15 + i:02d}", "territorial", area,
                   f"https://board{i}.example.scot", f"{SOURCE}boards"]
        for i in range(6):
            yield [f"nhs-special-{i}", f"NHS Special Board {i}", "", "special",
                   "Scotland (national)", "", f"{SOURCE}boards"]

    def _organisations(self) -> Iterator[list[str]]:
        yield ["key", "name", "also_known_as", "type", "country", "city", "website", "source_url"]
        for i in range(14):
            key = f"nhs-board-{i:02d}"
            self.organisations.append((key, f"NHS board {i}"))
            yield [key, f"NHS board {i}", "", "nhs-board", "Scotland", "", "", f"{SOURCE}boards"]
        count = max(300, self.n // 8)
        for i in range(count):
            kind = ORG_TYPES[i % len(ORG_TYPES)]
            country, _ = self.rng.choice(self.countries)
            base = _word(self.rng, 3).capitalize()
            name = f"{base} {kind.replace('-', ' ').title()} {i}"
            key = f"org-{i:07d}"
            self.organisations.append((key, name))
            aka = f"{base} {i}" if i % 3 == 0 else ""
            yield [key, name, aka, kind, country, base + " City", f"https://{key}.example.org",
                   f"{SOURCE}organisation/{i}"]

    def _programmes(self) -> Iterator[list[str]]:
        yield ["key", "name", "operator", "funder", "start", "end", "budget", "countries", "url",
               "summary", "source_url"]
        for i in range(60):
            topic = TOPICS[i % len(TOPICS)]
            name = f"{topic.title()} Fund {i}"
            self.programmes.append(name)
            operator = self.organisations[14 + i][1]
            countries = "; ".join(c for c, _ in self.rng.sample(self.countries, 3))
            yield [f"programme-{i:03d}", name, operator, "Scottish Government", str(2000 + i % 25),
                   "", f"£{1 + i % 9} million", countries, f"https://fund{i}.example.org",
                   f"A fund for {topic} partnerships.", f"{SOURCE}programme/{i}"]

    def _documents(self) -> Iterator[list[str]]:
        yield ["key", "title", "publisher", "year", "type", "url", "identifier", "summary",
               "source_url"]
        for i in range(120):
            topic = TOPICS[i % len(TOPICS)]
            key = f"document-{i:04d}"
            self.documents.append(key)
            publisher = self.organisations[14 + i % 50][1]
            yield [key, f"Guide to {topic} partnerships, part {i}", publisher, str(2005 + i % 20),
                   DOC_TYPES[i % len(DOC_TYPES)], f"https://docs.example.org/{key}", "",
                   f"Practical guidance on {topic} for health partnerships.", f"{SOURCE}docs"]

    def _roles(self) -> Iterator[list[str]]:
        yield ["key", "name", "programme", "scope", "summary", "source_url"]
        yield ["global-citizenship-lead-champion", "Global Citizenship Lead Champion",
               "programme-000", "health board (one per board)", "First point of contact.",
               f"{SOURCE}roles"]
        yield ["global-citizenship-champion", "Global Citizenship Champion", "programme-000",
               "health board", "Champions network member.", f"{SOURCE}roles"]

    # -- the big files -----------------------------------------------------------------

    def _date(self, year: int) -> str:
        shape = self.rng.randrange(5)
        if shape == 0:
            return str(year)
        if shape == 1:
            return f"since {year}"
        if shape == 2:
            return f"{MONTHS[self.rng.randrange(12)]} {year}"
        if shape == 3:
            return f"{self.rng.randrange(1, 29):02d}/{self.rng.randrange(1, 13):02d}/{year}"
        return f"{year}-{year + self.rng.randrange(1, 5)}"

    def _partnerships(self) -> Iterator[list[str]]:
        yield ["key", "name", "summary", "countries", "places", "start", "end", "status", "themes",
               "programme", "funder", "amount", "source_url", "other_sources"]
        rng = self.rng
        required = shipped_themes()
        for i in range(self.n):
            topic = rng.choice(TOPICS)
            country = rng.choice(self.countries[2:])[0]
            place = _word(rng, 2).capitalize()
            name = f"{place} {topic} {rng.choice(KINDS)} {i}"
            summary = (f"{place} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {topic} with "
                       f"partners in {country}.")
            shape = i % 4
            if shape == 0:
                countries = country
            elif shape == 1:
                countries = f"{place}, {country}"
            elif shape == 2:
                countries = f"{country} and {rng.choice(self.countries[2:])[0]}"
            else:
                countries = f"{country}, Scotland"
            year = 1995 + rng.randrange(30)
            start = self._date(year)
            end = str(year + 3) if i % 3 == 0 and "-" not in start else ""
            themes = "; ".join(rng.sample(TOPICS, 2) + ([required[i]] if i < len(required) else []))
            programme = rng.choice(self.programmes) if i % 2 == 0 else ""
            funder = self.organisations[14 + rng.randrange(40)][1] if i % 5 == 0 else ""
            amount = f"£{rng.randrange(5, 900)},000" if i % 4 == 0 else ""
            yield [f"partnership-{i:07d}", name, summary, countries, f"{place} District Hospital",
                   start, end, rng.choice(STATUSES), themes, programme, funder, amount,
                   f"{SOURCE}partnership/{i}", ""]

    def _memberships(self) -> Iterator[list[str]]:
        yield ["partnership_key", "organisation_key", "role", "source_url"]
        rng = random.Random(self.rng.random())
        organisations = len(self.organisations)
        for i in range(self.n):
            members = rng.randrange(2, 5)
            chosen: set[int] = set()
            while len(chosen) < members:
                chosen.add(rng.randrange(organisations))
            for position, org in enumerate(sorted(chosen)):
                role = "lead" if position == 0 else ROLES[(i + position) % len(ROLES)]
                yield [f"partnership-{i:07d}", self.organisations[org][0], role,
                       f"{SOURCE}partnership/{i}"]

    def _posts(self) -> Iterator[list[str]]:
        yield ["board_key", "role_key", "contact_route", "source_url"]
        for i in range(14):
            yield [f"nhs-board-{i:02d}", "global-citizenship-lead-champion",
                   "Contact via the programme", f"{SOURCE}posts"]

    def _guidance(self) -> Iterator[list[str]]:
        yield ["subject_key", "subject_kind", "document_key", "source_url"]
        for i in range(0, self.n, 20):
            yield [f"partnership-{i:07d}", "partnership", self.documents[i % len(self.documents)],
                   f"{SOURCE}guidance"]
        for i in range(len(self.programmes)):
            yield [f"programme-{i:03d}", "programme", self.documents[i], f"{SOURCE}guidance"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partnerships", "-n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    Generator(args.partnerships, args.seed).write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
