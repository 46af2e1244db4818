# The README's commands: `make test` and `make demo`. Both install missing Debian packages first.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Warnings are errors in CI (CI=true) and wherever WERROR=ON is given.
WERROR ?= $(if $(CI),ON,OFF)

.PHONY: all deps configure build test demo bench format clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOOPPOST_WERROR=$(WERROR) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD)

bench: configure
	@scripts/install-deps.sh --bench
	@cmake --build $(BUILD) -j $(JOBS)
	@bench/startup.sh $(BUILD)
	@bench/queue.sh $(BUILD)
	@bench/publish.sh $(BUILD)
	@bench/snapshot.sh $(BUILD)
	@bench/stats.sh $(BUILD)

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf $(BUILD)
