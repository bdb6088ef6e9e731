"""The `healthgraph` command: load, validate, serve, query, stats."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from healthgraph.graph.iris import IriMinter
from healthgraph.graph.queries import ParameterError, load_named_queries
from healthgraph.graph.store import QuerySyntaxError
from healthgraph.graph.validation import ShapeViolationError
from healthgraph.graph.versions import NoCurrentVersionError
from healthgraph.loaders.contributions import ProposalError
from healthgraph.loaders.errors import LoadError
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings, SettingsError
from healthgraph.server.submissions import SubmissionStateError, UnknownSubmissionError

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp


class Progress:
    """Progress lines on stderr, each with the time since the start."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:7.1f}s] {message}", file=sys.stderr, flush=True)


def _load(settings: Settings, args: argparse.Namespace) -> int:
    info = pipeline.build(settings, Progress())
    print(f"{info.id}: {info.triples} triples")
    return 0


def _validate(settings: Settings, args: argparse.Namespace) -> int:
    """Read and map every input file without building a version."""
    progress = Progress()
    if args.duplicates:
        for line in pipeline.duplicates_report(settings, progress):
            print(line)
        return 0
    for source in pipeline.collect_sources(settings):
        size = sum(len(chunk) for chunk in source.chunks())
        progress(f"{source.path.name}: ok ({size} bytes of RDF)")
    print("all input files are valid")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn
    from healthgraph.server.app import create_app

    versions = pipeline.version_source(settings)
    if not versions.has_current():
        progress = Progress()
        where = settings.store if settings.remote else settings.state_dir
        progress(f"no store yet in {where}: building it from {settings.data_dir}")
        pipeline.build(settings, progress)
    workers = args.workers or 1
    print(f"serving on http://{settings.host}:{settings.port}/ ({workers} worker(s))", file=sys.stderr)
    if settings.log_format == "json":
        from healthgraph.server import json_logs

        json_logs.configure()
    if workers > 1:
        from uvicorn.supervisors import Multiprocess

        # each worker process imports the app and opens the current version read-only;
        # settings reach it through the environment it inherits
        os.environ.update(settings.to_env())
        config = uvicorn_config(settings, "healthgraph.server.app:app_from_env", workers=workers)
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(uvicorn_config(settings, create_app(settings))).run()
    return 0


def uvicorn_config(settings: Settings, app: ASGIApp | str, *, workers: int = 1) -> uvicorn.Config:
    """uvicorn with the limits from the settings (see docs/operations.md); `app` may be the
    import string of a factory (several worker processes)."""
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    return uvicorn.Config(
        app,
        factory=isinstance(app, str),
        workers=workers,
        host=settings.host,
        port=settings.port,
        log_level="info",
        log_config=None if settings.log_format == "json" else LOGGING_CONFIG,
        access_log=settings.log_format != "json",
        timeout_keep_alive=int(max(1, settings.keep_alive_timeout)),
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        timeout_graceful_shutdown=10,
    )


def _stats(settings: Settings, args: argparse.Namespace) -> int:
    """The current version: id, build time, triples, instances per class."""
    info = pipeline.versioned_store(settings).current()
    stats = info.statistics
    summary = {
        "version": info.id,
        "built_at": info.built_at.isoformat(),
        "triples": info.triples,
        "classes": stats.get("classes", {}),
    }
    if args.json:
        print(json.dumps(summary, indent=1, sort_keys=True))
        return 0
    print(f"version   {summary['version']}")
    print(f"built_at  {summary['built_at']}")
    print(f"triples   {summary['triples']}")
    classes = summary["classes"]
    if isinstance(classes, dict):
        for name, count in sorted(classes.items(), key=lambda item: (-int(item[1]), item[0])):
            print(f"{count:>9}  {name}")
    return 0


def _query(settings: Settings, args: argparse.Namespace) -> int:
    from healthgraph.graph.current import CurrentVersion
    from healthgraph.server.sparql import choose_formats

    queries = load_named_queries(settings.queries_dir)
    if args.name not in queries:
        print(f"unknown query {args.name!r}; known: {', '.join(queries)}", file=sys.stderr)
        return 2
    named = queries[args.name]
    values = dict(_param(p) for p in args.param)
    bindings = named.bindings(IriMinter(settings.base_iri), values)
    snapshot = CurrentVersion(pipeline.version_source(settings)).snapshot()
    formats = choose_formats(None, None, args.format)
    result = snapshot.store.serialize(named.text, formats, bindings=bindings)
    sys.stdout.buffer.write(result.body)
    return 0


def _submissions(settings: Settings, args: argparse.Namespace) -> int:
    """The review queue of /contribute: list, show, approve, reject."""
    from healthgraph.server import review

    if args.action == "list":
        found = review.queue(settings).list(args.status)
        for item in found:
            print(f"{item.id}  {item.status:<8}  {item.submitted_at}  {item.kind:<10}  {item.partnership}")
        print(f"{len(found)} submission(s)", file=sys.stderr)
        return 0
    if not args.id:
        raise SettingsError(f"submissions {args.action} needs a submission id")
    if args.action == "show":
        print(json.dumps(review.queue(settings).get(args.id).as_json(), indent=1, ensure_ascii=False))
        return 0
    if args.action == "approve":
        approved = review.approve(settings, args.id, args.note)
        print(f"{approved.id} approved: {approved.row['correction_of'] or approved.row['key']} "
              f"is in {settings.data_dir / 'contributions.csv'}; `healthgraph load` publishes it")
        return 0
    rejected = review.reject(settings, args.id, args.note)
    print(f"{rejected.id} rejected")
    return 0


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise SettingsError(f"--param needs NAME=VALUE, got {text!r}")
    return name.strip(), value


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="healthgraph", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("load", help="build a new store version from the data directory")
    validate = commands.add_parser("validate", help="check every input file without building")
    validate.add_argument("--duplicates", action="store_true",
                          help="print the probable duplicates in the input files (nothing is merged)")
    serve = commands.add_parser("serve", help="serve the current version (built on first start)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1,
                       help="uvicorn worker processes, each reading the current version")
    query = commands.add_parser("query", help="run a named query from queries/")
    query.add_argument("name")
    query.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    query.add_argument("--format", default="csv", help="json, xml, csv, tsv, turtle, ...")
    submissions = commands.add_parser("submissions", help="review the proposals sent to /contribute")
    submissions.add_argument("action", choices=["list", "show", "approve", "reject"])
    submissions.add_argument("id", nargs="?", help="submission id (show, approve, reject)")
    submissions.add_argument("--status", choices=["pending", "approved", "rejected"],
                             help="list only these")
    submissions.add_argument("--note", default="", help="a note kept with the decision")
    stats = commands.add_parser("stats", help="the current version: id, built_at, triples, counts")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    return top


HANDLERS = {"load": _load, "validate": _validate, "serve": _serve, "query": _query,
            "submissions": _submissions, "stats": _stats}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        overrides = {k: v for k in ("host", "port") if (v := getattr(args, k, None)) is not None}
        settings = Settings.from_env(**overrides)
        return HANDLERS[args.command](settings, args)
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (ShapeViolationError, SettingsError, ParameterError, QuerySyntaxError,
            NoCurrentVersionError, ProposalError, UnknownSubmissionError,
            SubmissionStateError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
