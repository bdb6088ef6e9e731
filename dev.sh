#!/usr/bin/env bash
# One entry point for a fresh machine: `./dev.sh serve` or `./dev.sh test`.
#   serve       create .venv, install healthgraph, build the store on first start, serve
#   test        install the test dependencies (Python, Debian, npm) and run the whole suite
#   setup-test  only install what `test` needs
#   bench-sparql  the SPARQL endpoint benchmark (our /sparql against oxigraph serve-read-only)
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

make_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      apt_install python3-venv
      "$PYTHON" -m venv "$VENV"
    fi
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
}

setup_test() {
  # the end-to-end tests drive Debian's Chromium through Playwright (never `playwright install`)
  apt_install chromium
  # the remote-store tests start a throw-away Virtuoso (its own database directory, loopback ports)
  apt_install virtuoso-opensource
  make_venv
  "$VENV/bin/pip" install -q -e '.[test]'
  # GraphQL-over-HTTP audit (tests/conformance): Node and the pinned graphql-http package
  command -v node >/dev/null 2>&1 || apt_install nodejs npm
  (cd tests/conformance && npm ci --silent --no-audit --no-fund >/dev/null)
}

case "${1:-}" in
  serve)
    shift
    make_venv
    "$VENV/bin/pip" install -q -e .
    exec "$VENV/bin/healthgraph" serve "$@"
    ;;
  setup-test)
    setup_test
    ;;
  bench-sparql)
    shift
    make_venv
    "$VENV/bin/pip" install -q -e '.[bench]'
    apt_install wrk
    exec "$VENV/bin/python" bench/sparql_endpoint.py "$@"
    ;;
  test)
    shift
    setup_test
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: ./dev.sh serve | test [pytest args] | setup-test | bench-sparql [args]" >&2
    exit 2
    ;;
esac
