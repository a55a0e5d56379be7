#!/bin/sh
# The hang variant of serve_outage.sh (a backend that accepts calls and never answers).
exec "$(dirname "$0")/serve_outage.sh" hang
