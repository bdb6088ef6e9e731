"""The review queue of /contribute: proposals wait in SQLite until someone approves or rejects
them (`healthgraph submissions ...`). Nothing in the queue is in the served store; an approved
proposal becomes a row of `contributions.csv` in the data directory and enters the next build.

One SQLite file under the state directory (`submissions.sqlite`), WAL mode, one short
transaction per change, so many requests can add at once and a build never waits for it.
Only the proposal and an optional contact *role* are stored: no names, e-mail or IP addresses.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from healthgraph.loaders.contributions import Proposal
from healthgraph.loaders.csv_map import CONTRIBUTION_COLUMNS

STATUSES: Final = ("pending", "approved", "rejected")
CONTRIBUTIONS_FILE: Final = "contributions.csv"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
  id TEXT PRIMARY KEY,
  token TEXT UNIQUE,
  kind TEXT NOT NULL,
  partnership TEXT NOT NULL,
  fields TEXT NOT NULL,
  row TEXT NOT NULL,
  contact_role TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'pending',
  submitted_at TEXT NOT NULL,
  decided_at TEXT,
  note TEXT NOT NULL DEFAULT ''
)"""


class UnknownSubmissionError(LookupError):
    """No submission has this id."""


class SubmissionStateError(ValueError):
    """The submission was already decided."""


@dataclass(frozen=True)
class Submission:
    id: str
    kind: str
    partnership: str
    fields: dict[str, str]
    row: dict[str, str]
    contact_role: str
    status: str
    submitted_at: str
    decided_at: str | None
    note: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "partnership": self.partnership,
            "status": self.status, "submitted_at": self.submitted_at,
            "decided_at": self.decided_at, "note": self.note, "contact_role": self.contact_role,
            "fields": self.fields, "row": self.row,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(
        id=row["id"], kind=row["kind"], partnership=row["partnership"],
        fields=json.loads(row["fields"]), row=json.loads(row["row"]),
        contact_role=row["contact_role"], status=row["status"],
        submitted_at=row["submitted_at"], decided_at=row["decided_at"], note=row["note"],
    )


class SubmissionQueue:
    """The queue in `path` (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA busy_timeout = 60000")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute(_SCHEMA)
            yield connection
        finally:
            connection.close()

    def add(self, proposal: Proposal, fields: Mapping[str, str], token: str = "") -> Submission:
        """Queue a checked proposal. The same form `token` twice queues it once (a double
        click, a retried request): the second call returns the first submission."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if token:
                    found = db.execute("SELECT * FROM submissions WHERE token = ?", (token,)).fetchone()
                    if found is not None:
                        db.execute("COMMIT")
                        return _submission(found)
                submission_id = secrets.token_hex(6)
                db.execute(
                    "INSERT INTO submissions (id, token, kind, partnership, fields, row, contact_role,"
                    " submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (submission_id, token or None, proposal.kind, proposal.key,
                     json.dumps(dict(fields), ensure_ascii=False),
                     json.dumps(proposal.row, ensure_ascii=False), proposal.contact_role, _now()),
                )
                row = db.execute("SELECT * FROM submissions WHERE id = ?", (submission_id,)).fetchone()
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return _submission(row)

    def find_token(self, token: str) -> Submission | None:
        """The submission sent with this form token, if any."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM submissions WHERE token = ?", (token,)).fetchone()
        return None if row is None else _submission(row)

    def get(self, submission_id: str) -> Submission:
        with self._connect() as db:
            row = db.execute("SELECT * FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        if row is None:
            raise UnknownSubmissionError(f"no submission has the id {submission_id!r}")
        return _submission(row)

    def list(self, status: str | None = None) -> list[Submission]:
        with self._connect() as db:
            if status:
                rows = db.execute("SELECT * FROM submissions WHERE status = ? ORDER BY submitted_at, id",
                                  (status,)).fetchall()
            else:
                rows = db.execute("SELECT * FROM submissions ORDER BY submitted_at, id").fetchall()
        return [_submission(row) for row in rows]

    def decide(self, submission_id: str, status: str, note: str = "",
               row: Mapping[str, str] | None = None) -> Submission:
        """Mark a pending submission approved or rejected (with the row as approved)."""
        if status not in STATUSES[1:]:
            raise ValueError(f"status must be approved or rejected, not {status!r}")
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                found = db.execute("SELECT * FROM submissions WHERE id = ?", (submission_id,)).fetchone()
                if found is None:
                    raise UnknownSubmissionError(f"no submission has the id {submission_id!r}")
                if found["status"] != "pending":
                    raise SubmissionStateError(f"submission {submission_id} is already {found['status']}")
                db.execute(
                    "UPDATE submissions SET status = ?, decided_at = ?, note = ?, row = ? WHERE id = ?",
                    (status, _now(), note, json.dumps(dict(row or json.loads(found["row"])),
                                                      ensure_ascii=False), submission_id),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return self.get(submission_id)


def append_contribution(data_dir: Path, row: Mapping[str, str]) -> bool:
    """Add an approved row to `data_dir/contributions.csv` (the input format); False when the
    submission's row is already there. The file is replaced atomically, so a build reading it
    sees it before or after, never half-written."""
    path = data_dir / CONTRIBUTIONS_FILE
    with (data_dir / f".{CONTRIBUTIONS_FILE}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        if existing:
            for old in csv.DictReader(io.StringIO(existing)):
                if old.get("submission") == row["submission"]:
                    return False
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CONTRIBUTION_COLUMNS, lineterminator="\n")
        if not existing:
            writer.writeheader()
        writer.writerow({column: row.get(column, "") for column in CONTRIBUTION_COLUMNS})
        temporary = path.with_name(f".{CONTRIBUTIONS_FILE}.{os.getpid()}.tmp")
        temporary.write_text(existing + out.getvalue(), encoding="utf-8")
        os.replace(temporary, path)
        return True
