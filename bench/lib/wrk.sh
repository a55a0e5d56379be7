# Running wrk and reading its report: sourced (through common.sh), not run.
# Only successful requests count: wrk's own Requests/sec includes non-2xx answers.

# wrk_run OUT ARGS...: runs wrk with ARGS pinned to CLIENT_CORE, its report into OUT;
# ends the benchmark as unmeasured when wrk itself fails.
wrk_run() {
  out=$1; shift
  taskset -c "$CLIENT_CORE" wrk "$@" > "$out" 2>&1 || bench_abort "wrk $* failed: $(tail -n 1 "$out")"
  grep -q ' requests in ' "$out" || bench_abort "wrk $* printed no request count: $(tail -n 1 "$out")"
}

# wrk_successes_per_s OUT: answers with a 2xx or 3xx status per second of the run.
wrk_successes_per_s() {
  awk '
    / requests in / { requests = $1; d = $4; sub(/,$/, "", d)
                      seconds = d; unit = d; sub(/[a-z]+$/, "", seconds); sub(/^[0-9.]+/, "", unit)
                      seconds *= (unit == "m" ? 60 : unit == "h" ? 3600 : unit == "ms" ? 0.001 : 1) }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    END { if (seconds > 0) printf "%.1f\n", (requests - bad) / seconds }' "$1"
}

# wrk_errors OUT: non-2xx/3xx answers plus socket errors (connect, read, write, timeout).
wrk_errors() {
  awk '
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i += 2) { n = $(i + 1); sub(/,$/, "", n); errors += n } }
    END { print errors + 0 }' "$1"
}

# wrk_percentile_ms OUT PERCENT: a latency percentile from wrk --latency's distribution
# (PERCENT one of 50 75 90 99), in milliseconds.
wrk_percentile_ms() {
  awk -v p="$2%" '
    $1 == p && $2 ~ /^[0-9.]+(us|ms|s|m)$/ {
      value = $2; unit = $2; sub(/[a-z]+$/, "", value); sub(/^[0-9.]+/, "", unit)
      printf "%.3f\n", value * (unit == "us" ? 0.001 : unit == "s" ? 1000 : unit == "m" ? 60000 : 1); exit }' "$1"
}
