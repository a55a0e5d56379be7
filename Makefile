# The two commands a newcomer needs: `make demo` and `make test`.
# Both install missing Debian packages first (scripts/install-deps.sh).

BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
JOBS      ?= $(shell nproc)

.PHONY: all deps test-deps build asan test unit integration demo bench clean

all: build

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --with-test-peers

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps
	@cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRAGSCALE_SANITIZE=ON -DRAGSCALE_ONLY_TESTS=ON >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS) --target ragscale_tests

unit: build
	@cd $(BUILD_DIR) && ctest -L unit --output-on-failure -j $(JOBS)

integration: build test-deps
	@cd $(BUILD_DIR) && ctest -L integration --output-on-failure

test: build test-deps asan
	@cd $(BUILD_DIR) && ctest --output-on-failure -L unit -j $(JOBS)
	@cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -L unit -j $(JOBS)
	@cd $(BUILD_DIR) && ctest --output-on-failure -L integration

demo: build
	@scripts/demo.sh

# Every benchmark, or only those named: make bench BENCH="load_speed serve_ingest".
# Exits non-zero when any missed its target; the last lines say which.
bench: build test-deps
	@bench/run_all.sh $(BENCH)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
