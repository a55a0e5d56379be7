#!/usr/bin/env bash
# Runs the libFuzzer targets built into BUILD_DIR/fuzz (make fuzz / make test).
#
#   fuzz/run_fuzzers.sh regress [TARGET...]  each target over its seed corpus, then
#                                            FUZZ_SECONDS (default 3; 0: the corpus only) of fuzzing
#   fuzz/run_fuzzers.sh fuzz [TARGET...]     each target for FUZZ_SECONDS (default 60),
#                                            growing a working corpus in BUILD_DIR
#
# Targets run one after another; the script fails when any of them finds a crash, leak,
# timeout or out-of-memory input, and names the saved input (BUILD_DIR/fuzz-artifacts/).
# The committed corpora under fuzz/corpus/ are only read. Environment: BUILD_DIR
# (build-fuzz), FUZZ_SECONDS, FUZZ_CPU (a CPU to pin each run to with taskset).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
mode="${1:-}"
shift || true
build_dir="${BUILD_DIR:-$here/../build-fuzz}"
bin_dir="$build_dir/fuzz"
case "$mode" in
  regress) seconds="${FUZZ_SECONDS:-3}" ;;
  fuzz) seconds="${FUZZ_SECONDS:-60}" ;;
  *) echo "usage: $0 regress|fuzz [TARGET...]" >&2; exit 2 ;;
esac

# Per target: dictionary and longest input. 8 KB covers every realistic head, body and
# stream piece; JSON nested deeper than ~100k levels overflows rapidjson's recursive
# parser (a known crash, see docs/fuzzing.md), which these limits keep out of reach.
declare -A dict=(
  [request_head_fuzzer]=http [chunked_decoder_fuzzer]=http [http_response_fuzzer]=http [http_chunked_fuzzer]=http
  [sse_stream_fuzzer]=sse [json_input_fuzzer]=json [openai_request_fuzzer]=json
  [multipart_fuzzer]=multipart [scenario_fuzzer]=scenario [scenario_body_fuzzer]=scenario
  [template_fuzzer]=template [response_checks_fuzzer]=json)
declare -A max_len=([scenario_fuzzer]=16384 [template_fuzzer]=2048 [scenario_body_fuzzer]=4096)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for path in "$here"/*_fuzzer.cpp; do targets+=("$(basename "$path" .cpp)"); done
fi

pin=()
if [ -n "${FUZZ_CPU:-}" ]; then pin=(taskset -c "$FUZZ_CPU"); fi

failed=()
for target in "${targets[@]}"; do
  binary="$bin_dir/$target"
  if [ ! -x "$binary" ]; then
    echo "run_fuzzers: $binary is missing; build it with make fuzz" >&2
    exit 2
  fi
  artifacts="$build_dir/fuzz-artifacts/$target"
  mkdir -p "$artifacts"
  if [ "$mode" = fuzz ]; then
    work="$build_dir/fuzz-corpus/$target"  # kept between runs, so each run starts ahead
  else
    work="$(mktemp -d)"
  fi
  mkdir -p "$work"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${max_len[$target]:-8192}"
        -print_final_stats=1 -artifact_prefix="$artifacts/")
  if [ -n "${dict[$target]:-}" ]; then args+=(-dict="$here/dict/${dict[$target]}.dict"); fi
  # regress with FUZZ_SECONDS=0 (make test): replay the seed corpus only, no new inputs,
  # so the check is deterministic; open-ended search is make fuzz's job.
  if [ "$mode" = regress ] && [ "$seconds" = 0 ]; then args=(-runs=0 "${args[@]:1}"); fi
  log="$build_dir/fuzz-artifacts/$target.log"
  started=$SECONDS
  # New inputs go to the first folder ($work); the committed seeds are read only.
  "${pin[@]}" "$binary" "${args[@]}" "$work" "$here/corpus/$target" > "$log" 2>&1
  status=$?
  [ "$mode" = regress ] && rm -rf "$work"
  stats="$(grep -E '^#[0-9]+.*(DONE|INITED)' "$log" | tail -1 | sed -E 's/ +/ /g')"
  runs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')"
  printf 'fuzz %-24s %3ds %9s runs  %s\n' "$target" $((SECONDS - started)) "${runs:-?}" "${stats#* }"
  if [ $status -ne 0 ]; then
    saved="$(grep -oE "Test unit written to .*" "$log" | sed 's/Test unit written to //')"
    echo "fuzz $target FAILED (exit $status): ${saved:-see $log}" >&2
    grep -E "ERROR:|runtime error|FUZZ PROPERTY BROKEN|SUMMARY" "$log" | head -5 >&2
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: findings in ${failed[*]} (inputs and logs in $build_dir/fuzz-artifacts/)" >&2
  exit 1
fi
