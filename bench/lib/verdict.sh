# The verdict of one benchmark: sourced (through common.sh), not run.
#
# Contract: a benchmark calls bench_begin NAME TARGETS first, records each figure with
# bench_check / bench_check_between / bench_check_equal, and ends with bench_end. Its last
# line is then "NAME: figure (target ...), ...: PASS" and it exits 0, or the same line
# ending in FAIL and it exits 1 when any figure missed its target. A benchmark that cannot
# measure (a missing peer, a server that did not start, a command that failed) ends with
# "NAME: no figure: REASON (target TARGETS): FAIL" and exits non-zero (2 from
# bench_abort, else the status of the command that stopped it under set -e): it never
# exits 0 without its figures.
# Every file a benchmark writes goes into BENCH_WORK, a directory made fresh for the run
# and removed at exit (kept when BENCH_KEEP_WORK=1), so no figure is read from an old run.

# bench_begin NAME TARGETS: TARGETS is how the targets read in a verdict line.
bench_begin() {
  BENCH_NAME=$1
  BENCH_TARGETS=$2
  BENCH_FIGURES=
  BENCH_MISSED=0
  BENCH_FINISHED=0
  BENCH_CLEANUP=:
  BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/ragscale-bench-$1.XXXXXX")
  [ "${BENCH_KEEP_WORK:-0}" = 1 ] && echo "outputs kept in $BENCH_WORK"
  trap bench_on_exit EXIT
  trap 'exit 130' INT TERM
}

# bench_at_exit COMMAND: runs COMMAND (a shell command line) when the benchmark exits,
# before its work directory is removed; later registrations run first.
bench_at_exit() {
  BENCH_CLEANUP="$1; $BENCH_CLEANUP"
}

bench_on_exit() {
  status=$?
  set +e
  eval "$BENCH_CLEANUP" > /dev/null 2>&1
  [ "${BENCH_KEEP_WORK:-0}" = 1 ] || rm -rf "$BENCH_WORK"
  if [ "$BENCH_FINISHED" != 1 ]; then
    [ "$status" = 0 ] && status=2
    echo "$BENCH_NAME: no figure: stopped with exit status $status before the end (see above) (target $BENCH_TARGETS): FAIL"
    exit "$status"
  fi
}

# bench_abort REASON: ends the benchmark as unmeasured (exit 2).
bench_abort() {
  echo "$BENCH_NAME: no figure: $1 (target $BENCH_TARGETS): FAIL"
  BENCH_FINISHED=1
  exit 2
}

# bench_require_tools TOOL...: aborts naming the first tool not on PATH.
bench_require_tools() {
  for tool in "$@"; do
    command -v "$tool" > /dev/null 2>&1 || bench_abort "$tool is not installed (make test-deps installs the benchmarks' peers)"
  done
}

# bench_require_executable PATH...: aborts naming the first file that is not an executable.
bench_require_executable() {
  for file in "$@"; do
    [ -x "$file" ] || bench_abort "$file is missing (make build builds ragscale, make test-deps installs the peers)"
  done
}

# bench_require_number WHAT VALUE: ends the benchmark as unmeasured when VALUE, the figure
# WHAT, could not be read as a number.
bench_require_number() {
  bench_is_number "$2" || bench_abort "could not read $1 (got '$2')"
}

bench_record() {
  BENCH_FIGURES="${BENCH_FIGURES:+$BENCH_FIGURES, }$1"
  if [ "$2" = 1 ]; then
    echo "  check: $1: met"
  else
    echo "  check: $1: MISSED"
    BENCH_MISSED=1
  fi
}

# bench_number VALUE: VALUE with thousands separators when it is a number of 10,000 or
# more, else VALUE as it is ("n/a" for an empty one).
bench_number() {
  awk -v v="$1" 'BEGIN {
    if (v == "") { print "n/a"; exit }
    if (v !~ /^-?[0-9]+(\.[0-9]+)?$/ || (v < 10000 && v > -10000)) { print v; exit }
    sign = ""; if (v ~ /^-/) { sign = "-"; v = substr(v, 2) }
    dot = index(v, "."); whole = dot ? substr(v, 1, dot - 1) : v; rest = dot ? substr(v, dot) : ""
    out = ""
    while (length(whole) > 3) { out = "," substr(whole, length(whole) - 2) out; whole = substr(whole, 1, length(whole) - 3) }
    print sign whole out rest }'
}

bench_is_number() {
  printf '%s' "$1" | grep -Eq '^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$'
}

# bench_check LABEL VALUE OP LIMIT [UNIT]: OP is one of < <= > >= ==; a VALUE that is not
# a number (a figure that could not be read) misses its target. UNIT x or % follows the
# number directly ("1.09x"), any other after a space ("12 ms").
bench_check() {
  label=$1; value=$2; op=$3; limit=$4; unit=${5:+ $5}
  case "${5:-}" in x | %) unit=$5 ;; esac
  met=0
  if bench_is_number "$value"; then
    met=$(awk -v v="$value" -v l="$limit" -v op="$op" 'BEGIN {
      v += 0; l += 0
      if (op == "<") r = v < l; else if (op == "<=") r = v <= l; else if (op == ">") r = v > l
      else if (op == ">=") r = v >= l; else if (op == "==") r = v == l; else r = 0
      print r ? 1 : 0 }')
  fi
  bench_record "$label $(bench_number "$value")$unit (target $op $(bench_number "$limit")$unit)" "$met"
}

# bench_check_between LABEL VALUE LOW HIGH [UNIT]: met when LOW <= VALUE <= HIGH.
bench_check_between() {
  label=$1; value=$2; low=$3; high=$4; unit=${5:+ $5}
  met=0
  if bench_is_number "$value"; then
    met=$(awk -v v="$value" -v lo="$low" -v hi="$high" 'BEGIN { print (v + 0 >= lo + 0 && v + 0 <= hi + 0) ? 1 : 0 }')
  fi
  bench_record "$label $(bench_number "$value")$unit (target $low..$high$unit)" "$met"
}

# bench_check_equal LABEL VALUE EXPECTED: met when the two strings are equal.
bench_check_equal() {
  met=0
  [ "$2" = "$3" ] && met=1
  bench_record "$1 ${2:-n/a} (target $3)" "$met"
}

# bench_end: prints the verdict line and exits 0 (every target met) or 1.
bench_end() {
  BENCH_FINISHED=1
  if [ -z "$BENCH_FIGURES" ]; then
    echo "$BENCH_NAME: no figure recorded (target $BENCH_TARGETS): FAIL"
    exit 2
  fi
  if [ "$BENCH_MISSED" = 0 ]; then
    echo "$BENCH_NAME: $BENCH_FIGURES: PASS"
    exit 0
  fi
  echo "$BENCH_NAME: $BENCH_FIGURES: FAIL"
  exit 1
}

# bench_ratio A B [DIGITS]: A / B rounded to DIGITS (3) decimals; empty when B is 0 or
# either is not a number.
bench_ratio() {
  bench_is_number "$1" && bench_is_number "$2" || return 0
  awk -v a="$1" -v b="$2" -v d="${3:-3}" 'BEGIN { if (b + 0 != 0) printf("%." d "f\n", a / b) }'
}
