"""Reviewing contributions: checking a proposal against today's data, queueing it, and turning
an approved one into a row of the data directory's contributions.csv (for the next build)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from healthgraph.graph.iris import IriMinter
from healthgraph.loaders.contributions import Proposal, check_proposal
from healthgraph.loaders.csv_map import CsvDataset
from healthgraph.server.settings import Settings
from healthgraph.server.submissions import (
    Submission,
    SubmissionQueue,
    SubmissionStateError,
    append_contribution,
)

_lock = threading.Lock()
_datasets: dict[tuple[Path, str], tuple[tuple[tuple[str, int], ...], CsvDataset]] = {}


def _stamp(directory: Path) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in directory.glob("*.csv")))


def dataset(settings: Settings) -> CsvDataset:
    """The data directory as the loader reads it, re-read when a CSV file changes."""
    key = (settings.data_dir, settings.base_iri)
    stamp = _stamp(settings.data_dir)
    with _lock:
        cached = _datasets.get(key)
        if cached is None or cached[0] != stamp:
            found = CsvDataset(settings.data_dir, IriMinter(settings.base_iri))
            found.index()
            _datasets[key] = (stamp, found)
            return found
        return cached[1]


def queue(settings: Settings) -> SubmissionQueue:
    return SubmissionQueue(settings.submissions_path)


def check(settings: Settings, fields: Mapping[str, object]) -> Proposal:
    """`ProposalError` (one message per field) unless the loader and the shapes accept it."""
    shapes = settings.shapes_path if settings.shapes_path.exists() else None
    return check_proposal(dataset(settings), fields, shapes)


def submit(settings: Settings, fields: Mapping[str, object], token: str = "") -> Submission:
    """Check a proposal and queue it for review (never into the store). A form token seen
    before answers with its submission, without checking again."""
    if token:
        earlier = queue(settings).find_token(token)
        if earlier is not None:
            return earlier
    proposal = check(settings, fields)
    text_fields = {k: v for k, v in fields.items() if isinstance(v, str)}
    return queue(settings).add(proposal, text_fields, token)


def approve(settings: Settings, submission_id: str, note: str = "") -> Submission:
    """Re-check the proposal against today's data, write it to contributions.csv with its
    submission id and times (the PROV of the next build), and mark it approved."""
    review = queue(settings)
    submission = review.get(submission_id)
    if submission.status != "pending":
        raise SubmissionStateError(f"submission {submission_id} is already {submission.status}")
    proposal = check(settings, submission.fields)
    row = {
        **proposal.row,
        "submission": submission.id,
        "submitted_at": submission.submitted_at,
        "approved_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    append_contribution(settings.data_dir, row)
    return review.decide(submission_id, "approved", note, row)


def reject(settings: Settings, submission_id: str, note: str = "") -> Submission:
    return queue(settings).decide(submission_id, "rejected", note)
