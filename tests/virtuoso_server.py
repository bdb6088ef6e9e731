"""A throw-away Virtuoso for tests: the Debian package's server in its own database directory,
on loopback ports, with a writer user (Digest auth for updates and Graph Store writes).

The recipe is the one in ../shared/engines/virtuoso.md: copy the packaged virtuoso.ini, point
every file at the fresh directory, bind both ports to 127.0.0.1, drop the VAD directory, raise
the row caps (the packaged 10000 silently truncates), start `virtuoso-t +foreground`, wait for
`ASK {}`, create the writer with isql-vt. Stopped by its pid.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx

from tests.live_server import free_port

PACKAGED_INI: Final = Path("/usr/share/virtuoso-opensource-7/virtuoso.ini")
WRITER: Final = ("writer", "wpass")
MAX_ROWS: Final = 1_000_000


class VirtuosoUnavailableError(RuntimeError):
    """The Virtuoso package is missing or the server did not start."""


@dataclass
class VirtuosoServer:
    """A running instance: its HTTP root, SQL port and process."""

    root: str
    sql_port: int
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        return f"{self.root}sparql"

    @property
    def update_url(self) -> str:
        return f"{self.root}sparql-auth"

    @property
    def store_url(self) -> str:
        return f"{self.root}sparql-graph-crud-auth"

    def isql(self, statements: str) -> None:
        subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
                       check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _set(text: str, section: str, key: str, value: str) -> str:
    """`key = value` inside `[section]` (replaced if present, else added at its top)."""
    start = text.index(f"[{section}]")
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end
    body = text[start:end]
    line = re.compile(rf"^;?\s*{re.escape(key)}\s*=.*$", re.MULTILINE)
    if line.search(body):
        body = line.sub(f"{key} = {value}", body, count=1)
    else:
        body = body.replace(f"[{section}]", f"[{section}]\n{key} = {value}", 1)
    return text[:start] + body + text[end:]


def configure(directory: Path, sql_port: int, http_port: int, max_rows: int = MAX_ROWS,
              buffers: int | None = None) -> Path:
    """A virtuoso.ini for a fresh database in `directory`; `buffers` (8 kB pages) sets
    NumberOfBuffers (packaged: 10000, fine for tests; the ini suggests 170000 per 2 GB free)."""
    text = PACKAGED_INI.read_text()
    if buffers is not None:
        text = re.sub(r"^NumberOfBuffers\s*=.*$", f"NumberOfBuffers = {buffers}", text, flags=re.MULTILINE)
        text = re.sub(r"^MaxDirtyBuffers\s*=.*$", f"MaxDirtyBuffers = {buffers * 3 // 4}", text,
                      flags=re.MULTILINE)
    for section, name in (("Database", "virtuoso"), ("TempDatabase", "virtuoso-temp")):
        text = _set(text, section, "DatabaseFile", str(directory / f"{name}.db"))
        text = _set(text, section, "TransactionFile", str(directory / f"{name}.trx"))
    text = _set(text, "Database", "LockFile", str(directory / "virtuoso.lck"))
    text = _set(text, "Database", "ErrorLogFile", str(directory / "virtuoso.log"))
    text = _set(text, "Database", "xa_persistent_file", str(directory / "virtuoso.pxa"))
    text = _set(text, "Parameters", "ServerPort", f"127.0.0.1:{sql_port}")
    text = _set(text, "Parameters", "DirsAllowed", f"., {directory}")
    text = _set(text, "Parameters", "MaxSortedTopRows", str(max_rows))
    text = re.sub(r"^VADInstallDir.*$", "", text, flags=re.MULTILINE)
    text = _set(text, "HTTPServer", "ServerPort", f"127.0.0.1:{http_port}")
    text = _set(text, "SPARQL", "ResultSetMaxRows", str(max_rows))
    # the packaged 400 s cost estimate refuses some of our joins up front ("estimated execution
    # time ... exceeds the limit"), however fast they run; 0 turns the estimate check off
    text = _set(text, "SPARQL", "MaxQueryCostEstimationTime", "0")
    ini = directory / "virtuoso.ini"
    ini.write_text(text)
    return ini


def start(directory: Path, *, max_rows: int = MAX_ROWS, buffers: int | None = None,
          wait: float = 60.0) -> VirtuosoServer:
    """Start a fresh instance in `directory` and create the writer user."""
    if not PACKAGED_INI.exists() or shutil.which("virtuoso-t") is None:
        raise VirtuosoUnavailableError("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    sql_port, http_port = free_port(), free_port()
    ini = configure(directory, sql_port, http_port, max_rows, buffers)
    process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)],
                               cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = VirtuosoServer(f"http://127.0.0.1:{http_port}/", sql_port, process)
    deadline = time.monotonic() + wait
    while True:
        try:
            answer = httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=2,
                               headers={"Accept": "application/sparql-results+json"})
            if answer.status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise VirtuosoUnavailableError(f"virtuoso-t did not start (see {directory}/virtuoso.log)")
        time.sleep(0.2)
    user, password = WRITER
    server.isql(f"DB.DBA.USER_CREATE('{user}','{password}'); GRANT SPARQL_UPDATE TO \"{user}\";")
    return server
