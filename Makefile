# Thin wrapper over CMake + Ninja. Every target installs what it needs first (idempotent).
#   make run     build and serve the C++ prime checker on port 7000
#   make test    build everything and run every test
#   make build   build the gateway, the SDK and the examples
#   make bench   run the benchmarks side by side with the original runner (bench/README.md)
#   make asan    build and test with AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz    build the libFuzzer targets (clang, build-fuzz) and run each FUZZ_SECONDS (30)
#   make format  apply .clang-format (make format-check: fail if anything is not formatted)
BUILD ?= build
PORT ?= 7000
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 30

.PHONY: deps build run test asan fuzz bench format format-check clean
CXX_SOURCES = $(shell find gateway worker-sdk/cpp examples common tests \( -name '*.cc' -o -name '*.h' \) -not -path '*/node_modules/*')

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

run: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS) gateway prime_job
	$(BUILD)/gateway/gateway --port $(PORT) --worker $(BUILD)/examples/cpp/prime_job

test: build
	cd $(BUILD) && ctest --output-on-failure --no-tests=error -j $(JOBS)

asan: deps
	cmake -S . -B $(BUILD)-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRT_SANITIZE=ON
	ninja -C $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure --no-tests=error -j $(JOBS)

fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DRT_FUZZ=ON -DRT_BUILD_TESTS=OFF
	ninja -C $(BUILD)-fuzz -j $(JOBS) fuzzers
	bash tests/fuzz/run.sh $(BUILD)-fuzz $(FUZZ_SECONDS)

bench: build
	bash bench/run.sh

format:
	clang-format -i $(CXX_SOURCES)

format-check:
	@clang-format --dry-run --Werror $(CXX_SOURCES) && echo "format-check: all C++ files follow .clang-format"

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz
