# Thin wrapper over CMake + Ninja. Every target installs what it needs first (idempotent).
#   make run     build and serve the C++ prime checker on port 7000
#   make test    build everything and run every test
#   make build   build the gateway, the SDK and the examples
#   make bench   run the benchmarks side by side with the original runner (bench/README.md)
#   make asan    build and test with AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz    build the libFuzzer targets (clang, build-fuzz) and run each FUZZ_SECONDS (30)
#   make tsan    build and run the unit and integration tests with ThreadSanitizer
#   make format  apply .clang-format (make format-check: fail if anything is not formatted)
BUILD ?= build
PORT ?= 7000
JOBS ?= $(shell nproc)
# The Python the extension module is built for: the one tests/python/venv.sh makes its venv from.
PYTHON ?= $(shell command -v python3)
FUZZ_SECONDS ?= 30

.PHONY: deps build run test asan tsan fuzz bench format format-check clean
CXX_SOURCES = $(shell find gateway worker-sdk/cpp examples common tests \( -name '*.cc' -o -name '*.h' \) -not -path '*/node_modules/*')

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython_EXECUTABLE=$(PYTHON)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

run: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS) gateway prime_job
	$(BUILD)/gateway/gateway --port $(PORT) --worker $(BUILD)/examples/cpp/prime_job

test: build
	cd $(BUILD) && ctest --output-on-failure --no-tests=error -j $(JOBS)

# The Python tests of a sanitizer build load the worker runtime of the plain build (build/python):
# an interpreter built without the sanitizer cannot load an instrumented module.
asan: build
	cmake -S . -B $(BUILD)-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRT_SANITIZE=ON
	ninja -C $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure --no-tests=error -j $(JOBS)

fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DRT_FUZZ=ON -DRT_BUILD_TESTS=OFF
	ninja -C $(BUILD)-fuzz -j $(JOBS) fuzzers
	bash tests/fuzz/run.sh $(BUILD)-fuzz $(FUZZ_SECONDS)
# Every process the tests start (the gateway, the workers) writes its ThreadSanitizer reports to
# $(TSAN_REPORTS); any report fails the target, even one from a process whose test passed.
# Thread leaks are not reported: test workers that crash or _exit on purpose leave threads behind.
# gRPC and protobuf come from Debian, built without TSan: tests/tsan.supp names only their frames.
TSAN_REPORTS = $(abspath $(BUILD))-tsan/tsan-reports
tsan: deps
	cmake -S . -B $(BUILD)-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRT_TSAN=ON
	ninja -C $(BUILD)-tsan -j $(JOBS)
	rm -rf $(TSAN_REPORTS) && mkdir -p $(TSAN_REPORTS)
	cd $(BUILD)-tsan && status=0; \
	  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 report_thread_leaks=0 suppressions=$(CURDIR)/tests/tsan.supp log_path=$(TSAN_REPORTS)/tsan $(TSAN_OPTIONS)" \
	    ctest --output-on-failure --no-tests=error -j $(JOBS) -L 'unit|integration' || status=$$?; \
	  if ls $(TSAN_REPORTS)/tsan* >/dev/null 2>&1; then \
	    cat $(TSAN_REPORTS)/tsan*; echo "tsan: ThreadSanitizer reports above (in $(TSAN_REPORTS))"; exit 1; \
	  fi; exit $$status

bench: build
	bash bench/run.sh

format:
	clang-format -i $(CXX_SOURCES)

format-check:
	@clang-format --dry-run --Werror $(CXX_SOURCES) && echo "format-check: all C++ files follow .clang-format"

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-tsan $(BUILD)-fuzz
