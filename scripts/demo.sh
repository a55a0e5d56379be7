#!/usr/bin/env bash
# `make demo`: runs `ragscale demo` (a RAG service under load, end to end; see
# `build/ragscale demo --help`). Extra arguments are passed on, e.g. --quick.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${RAGSCALE_BIN:-build/ragscale}" demo "$@"
