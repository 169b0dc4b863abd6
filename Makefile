# Thin wrapper over CMake + Ninja. Every target installs what it needs first (idempotent).
#   make run     build and serve the C++ prime checker on port 7000
#   make test    build everything and run every test
#   make build   build the gateway, the SDK and the examples
#   make bench   run the benchmarks side by side with the original runner (bench/README.md)
#   make asan    build and test with AddressSanitizer + UndefinedBehaviorSanitizer
#   make format  apply .clang-format (make format-check: fail if anything is not formatted)
BUILD ?= build
PORT ?= 7000
JOBS ?= $(shell nproc)

.PHONY: deps build run test asan bench format format-check clean
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

bench: build
	bash bench/run.sh

format:
	clang-format -i $(CXX_SOURCES)

format-check:
	@clang-format --dry-run --Werror $(CXX_SOURCES) && echo "format-check: all C++ files follow .clang-format"

clean:
	rm -rf $(BUILD) $(BUILD)-asan
