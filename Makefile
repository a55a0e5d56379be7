# The two commands a newcomer needs: `make demo` and `make test`.
# Both install missing Debian packages first (scripts/install-deps.sh).

BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
TSAN_DIR  ?= build-tsan
FUZZ_DIR  ?= build-fuzz
JOBS      ?= $(shell nproc)
# Seconds each fuzz target runs under `make fuzz` (`make test` replays each seed corpus).
FUZZ_SECONDS ?= 60

.PHONY: all deps test-deps cluster-deps build asan tsan tsan-build fuzz fuzz-build test unit integration demo cluster-demo bench clean

all: build

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --with-test-peers

cluster-deps:
	@scripts/install-deps.sh --with-cluster

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps
	@cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRAGSCALE_SANITIZE=ON -DRAGSCALE_ONLY_TESTS=ON >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS) --target ragscale_tests

# The concurrency-heavy unit tests (chosen in CMakeLists.txt) under ThreadSanitizer;
# any reported race fails the run.
tsan-build: deps
	@cmake -S . -B $(TSAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAGSCALE_TSAN=ON -DRAGSCALE_ONLY_TESTS=ON >/dev/null
	@cmake --build $(TSAN_DIR) -j $(JOBS) --target ragscale_tests

# Timer precision is a timing test, not a concurrency one; ThreadSanitizer slows the
# loop enough to miss its 1 ms bound on a busy machine.
TSAN_SKIP ?= ^EventLoop\.TimerPrecisionIsSubMillisecond$$

tsan: tsan-build
	@cd $(TSAN_DIR) && TSAN_OPTIONS="second_deadlock_stack=1 suppressions=$(CURDIR)/cmake/tsan-suppressions.txt $(TSAN_OPTIONS)" ctest --output-on-failure -L unit -E '$(TSAN_SKIP)' -j $(JOBS)

# libFuzzer targets (fuzz/, clang): `make fuzz` runs each for FUZZ_SECONDS and fails on
# any crash; docs/fuzzing.md says how to reproduce and triage one.
fuzz-build: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAGSCALE_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS)

fuzz: fuzz-build
	@BUILD_DIR=$(FUZZ_DIR) FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run_fuzzers.sh fuzz

unit: build
	@cd $(BUILD_DIR) && ctest -L unit --output-on-failure -j $(JOBS)

integration: build test-deps
	@cd $(BUILD_DIR) && ctest -L integration --output-on-failure

test: build test-deps asan tsan-build fuzz-build
	@cd $(BUILD_DIR) && ctest --output-on-failure -L unit -j $(JOBS)
	@cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -L unit -j $(JOBS)
	@$(MAKE) --no-print-directory tsan
	@BUILD_DIR=$(FUZZ_DIR) FUZZ_SECONDS=0 fuzz/run_fuzzers.sh regress
	@cd $(BUILD_DIR) && ctest --output-on-failure -L integration

demo: build
	@scripts/demo.sh

# The scale-out story on this machine: 1 replica, then 3, a shared cache, a replica killed
# (PostgreSQL, Redis and HAProxy from Debian; see scripts/cluster-demo.sh).
cluster-demo: build cluster-deps
	@scripts/cluster-demo.sh

# Every benchmark, or only those named: make bench BENCH="load_speed serve_ingest".
# Exits non-zero when any missed its target; the last lines say which.
bench: build test-deps
	@bench/run_all.sh $(BENCH)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(TSAN_DIR) $(FUZZ_DIR)
