# Every target prints the commands it runs. `make test-all` is what CI runs.

CARGO       ?= cargo
MDBOOK_VERSION    := 0.4.52
LINKCHECK_VERSION := 0.7.7
# The quick scale for run-all: every lesson that sleeps in a few seconds.
QUICK_SCALE ?= 0.1
LESSONS     := $(sort $(notdir $(wildcard lessons/*)))
LESSON      ?= 00-sequential
# A lesson's number is enough: LESSON=01 finds 01-threads.
LESSON_DIR   = $(firstword $(filter $(LESSON)%,$(LESSONS)))
PACKAGE      = lesson-$(or $(LESSON_DIR),$(error no lesson matches LESSON=$(LESSON); lessons: $(LESSONS)))
# Options for the lesson: make run LESSON=01 ARGS="--time-scale 0.1"
ARGS        ?=

.DEFAULT_GOAL := help
.PHONY: help run run-all build test lint fmt docs docs-serve docs-output overhead tools test-all
.PHONY: bench bench-quick bench-table bench-venv
.PHONY: exercises exercise check-exercises
RUNS        ?= 3

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  lessons: $(LESSONS)"

run: ## Run one lesson: make run LESSON=01 ARGS="--time-scale 0.1"
	$(CARGO) run --locked -q -p $(PACKAGE) -- $(ARGS)

run-all: ## Run every lesson in turn at a quick time scale
	$(CARGO) build --locked -q --workspace --bins
	@for lesson in $(LESSONS); do \
		echo "$(CARGO) run --locked -q -p lesson-$$lesson -- --time-scale $(QUICK_SCALE)"; \
		$(CARGO) run --locked -q -p lesson-$$lesson -- --time-scale $(QUICK_SCALE) || exit 1; \
		echo; \
	done

build: ## Build every lesson and example
	$(CARGO) build --locked --workspace --bins --examples

test: ## Unit and end-to-end tests
	$(CARGO) test --locked --workspace

lint: ## Formatting and clippy, warnings denied
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt --all
	cd exercises && $(CARGO) fmt --all
	rustfmt --edition 2024 exercises/*/solution.rs exercises/*/wrong/*.rs

docs: tools ## Build the book and check its links and includes
	mdbook build docs
	@if grep -rl '{{#' docs/book/html --include='*.html'; then \
		echo "error: an include was left unresolved in the pages above"; exit 1; fi
	python3 scripts/mdbook-dedent.py --check docs/book/html

docs-serve: tools ## Serve the book on http://127.0.0.1:3000
	mdbook serve docs --hostname 127.0.0.1

docs-output: ## Rerun the lessons at full time and rewrite their output.txt
	$(CARGO) build --locked -q --workspace --bins
	scripts/docs-output.sh lessons/00-sequential/output.txt lesson-00-sequential
	scripts/docs-output.sh lessons/01-threads/output.txt lesson-01-threads
	scripts/docs-output.sh lessons/02-processes/output.txt lesson-02-processes
	scripts/docs-output.sh lessons/03-threadpool/output.txt lesson-03-threadpool
	scripts/docs-output.sh lessons/03-threadpool/output-as-completed.txt lesson-03-threadpool --as-completed --slow-task 1
	EXPECT_STATUS=1 scripts/docs-output.sh lessons/03-threadpool/output-panic.txt lesson-03-threadpool --panic-task 5
	scripts/docs-output.sh lessons/04-processpool/output.txt lesson-04-processpool
	scripts/docs-output.sh lessons/04-processpool/output-crash.txt lesson-04-processpool --crash-task 5
	EXPECT_STATUS=1 scripts/docs-output.sh lessons/04-processpool/output-poison.txt lesson-04-processpool --poison-task 5
	scripts/docs-output.sh lessons/05-locked-counter/output.txt lesson-05-locked-counter
	scripts/docs-output.sh lessons/05-locked-counter/output-without-lock.txt lesson-05-locked-counter --print-demo without-lock
	scripts/docs-output.sh lessons/05-locked-counter/output-with-lock.txt lesson-05-locked-counter --print-demo with-lock
	scripts/docs-output.sh lessons/07-queue/output.txt lesson-07-queue
	scripts/docs-output.sh lessons/07-queue/output-hold-lock.txt lesson-07-queue --hold-lock
	scripts/docs-output.sh lessons/08-rayon/output.txt lesson-08-rayon --bound 200000
	{ echo '$$ cargo run --release -p lesson-08-rayon'; \
	  $(CARGO) run --locked -q --release -p lesson-08-rayon 2>&1; } > lessons/08-rayon/release.txt
	scripts/docs-output.sh lessons/06-scraper/output.txt lesson-06-scraper
	EXPECT_STATUS=1 scripts/docs-output.sh lessons/06-scraper/output-failures.txt lesson-06-scraper http://no-such-host.invalid/ http://127.0.0.1:9/
	scripts/docs-output.sh lessons/09-async/output.txt lesson-09-async --part cell
	scripts/docs-output.sh lessons/09-async/output-runtimes.txt lesson-09-async --part runtimes --workers 2
	scripts/docs-output.sh lessons/09-async/output-blocking.txt lesson-09-async --part blocking --workers 2
	scripts/docs-output.sh lessons/09-async/output-scraper.txt lesson-09-async --part scraper
	EXPECT_STATUS=1 scripts/docs-output.sh lessons/09-async/output-failures.txt lesson-09-async --part scraper http://no-such-host.invalid/ http://127.0.0.1:9/
	{ echo '$$ cargo run --release -p lesson-09-async -- --part waits'; \
	  $(CARGO) run --locked -q --release -p lesson-09-async -- --part waits 2>&1; } > lessons/09-async/release-waits.txt
	scripts/docs-output.sh lessons/10-sync/output.txt lesson-10-sync
	scripts/docs-output.sh lessons/10-sync/output-deadlock.txt lesson-10-sync --part deadlock
	scripts/docs-output.sh lessons/10-sync/output-condvar.txt lesson-10-sync --part condvar
	scripts/docs-output.sh lessons/10-sync/output-backpressure.txt lesson-10-sync --part backpressure
	scripts/docs-output.sh lessons/10-sync/output-rwlock.txt lesson-10-sync --part rwlock
	scripts/docs-output.sh lessons/10-sync/output-ordering.txt lesson-10-sync --part ordering
	scripts/docs-output.sh lessons/10-sync/output-once.txt lesson-10-sync --part once
	{ echo '$$ cargo run --release -p lesson-10-sync -- --part ordering'; \
	  $(CARGO) run --locked -q --release -p lesson-10-sync -- --part ordering 2>&1; } > lessons/10-sync/release-ordering.txt
	scripts/docs-output.sh lessons/11-anatomy/output-parts.txt lesson-11-anatomy --part parts
	scripts/docs-output.sh lessons/11-anatomy/output-pcb.txt lesson-11-anatomy --part pcb
	scripts/docs-output.sh lessons/11-anatomy/output-states.txt lesson-11-anatomy --part states
	scripts/docs-output.sh lessons/11-anatomy/output-scheduler.txt lesson-11-anatomy --part scheduler
	scripts/docs-output.sh lessons/11-anatomy/output-isolation.txt lesson-11-anatomy --part isolation
	scripts/docs-output.sh lessons/11-anatomy/output-program.txt lesson-11-anatomy --part program
	scripts/docs-output.sh lessons/11-anatomy/output-spawn.txt lesson-11-anatomy --part spawn
	@# Each run again with --json, drawn as an SVG timeline beside its output.txt.
	$(CARGO) run --locked -q -p lesson-00-sequential -- --json | $(TIMELINE) lessons/00-sequential/output.svg
	$(CARGO) run --locked -q -p lesson-01-threads -- --json | $(TIMELINE) lessons/01-threads/output.svg
	$(CARGO) run --locked -q -p lesson-02-processes -- --json | $(TIMELINE) lessons/02-processes/output.svg
	$(CARGO) run --locked -q -p lesson-03-threadpool -- --json | $(TIMELINE) lessons/03-threadpool/output.svg
	$(CARGO) run --locked -q -p lesson-03-threadpool -- --json --as-completed --slow-task 1 | $(TIMELINE) lessons/03-threadpool/output-as-completed.svg --title "lesson-03-threadpool --as-completed --slow-task 1"
	$(CARGO) run --locked -q -p lesson-03-threadpool -- --json --panic-task 5 | $(TIMELINE) lessons/03-threadpool/output-panic.svg --title "lesson-03-threadpool --panic-task 5"
	$(CARGO) run --locked -q -p lesson-04-processpool -- --json | $(TIMELINE) lessons/04-processpool/output.svg
	$(CARGO) run --locked -q -p lesson-04-processpool -- --json --crash-task 5 | $(TIMELINE) lessons/04-processpool/output-crash.svg --title "lesson-04-processpool --crash-task 5"
	$(CARGO) run --locked -q -p lesson-04-processpool -- --json --poison-task 5 | $(TIMELINE) lessons/04-processpool/output-poison.svg --title "lesson-04-processpool --poison-task 5"
	$(CARGO) run --locked -q -p lesson-05-locked-counter -- --json | $(TIMELINE) lessons/05-locked-counter/output.svg
	$(CARGO) run --locked -q -p lesson-06-scraper -- --json | $(TIMELINE) lessons/06-scraper/output.svg
	$(CARGO) run --locked -q -p lesson-07-queue -- --json | $(TIMELINE) lessons/07-queue/output.svg
	$(CARGO) run --locked -q -p lesson-07-queue -- --json --hold-lock | $(TIMELINE) lessons/07-queue/output-hold-lock.svg --title "lesson-07-queue --hold-lock"
	$(CARGO) run --locked -q -p lesson-08-rayon -- --json --bound 200000 | $(TIMELINE) lessons/08-rayon/output.svg --title "lesson-08-rayon --bound 200000"
	$(CARGO) run --locked -q -p lesson-09-async -- --json --part cell | $(TIMELINE) lessons/09-async/output.svg --title "lesson-09-async --part cell"
	$(CARGO) run --locked -q -p lesson-09-async -- --json --part runtimes --workers 2 | $(TIMELINE) lessons/09-async/output-runtimes.svg --title "lesson-09-async --part runtimes --workers 2"
	$(CARGO) run --locked -q -p lesson-09-async -- --json --part blocking --workers 2 | $(TIMELINE) lessons/09-async/output-blocking.svg --title "lesson-09-async --part blocking --workers 2"
	$(CARGO) run --locked -q -p lesson-10-sync -- --json --part backpressure | $(TIMELINE) lessons/10-sync/output-backpressure.svg --title "lesson-10-sync --part backpressure"
	$(CARGO) run --locked -q -p lesson-10-sync -- --json --part rwlock | $(TIMELINE) lessons/10-sync/output-rwlock.svg --title "lesson-10-sync --part rwlock"
	$(CARGO) run --locked -q -p lesson-11-anatomy -- --json --part scheduler | $(TIMELINE) lessons/11-anatomy/output-scheduler.svg --title "lesson-11-anatomy --part scheduler"

# The errors the chapters show: each lessons/NN-name/compile_fail/NAME.rs is
# compiled with the command below, must fail, and its stderr is NAME.stderr
# (tests/compile_fail.rs runs the same command and compares).
.PHONY: compile-fail-output
compile-fail-output: ## Rewrite the compiler errors and clippy warnings the chapters show (compile_fail/, lint/)
	@for src in lessons/*/compile_fail/*.rs; do \
		dir=$$(dirname $$src); name=$$(basename $$src .rs); \
		echo "cd $$dir && rustc --edition 2024 --crate-type bin --emit metadata --out-dir /tmp/cf $$name.rs 2> $$name.stderr"; \
		if (cd $$dir && rustc --edition 2024 --crate-type bin --emit metadata --out-dir /tmp/cf $$name.rs 2> $$name.stderr); then \
			echo "error: $$src compiles, but its chapter shows it failing"; exit 1; \
		fi; \
	done
	@# Clippy's warnings the chapters show: lessons/NN-name/lint/NAME.rs compiles,
	@# and clippy-driver's stderr is NAME.stderr (tests/lesson_09.rs compares).
	@for src in lessons/*/lint/*.rs; do \
		dir=$$(dirname $$src); name=$$(basename $$src .rs); \
		echo "cd $$dir && clippy-driver --edition 2024 --crate-type lib --emit metadata --out-dir /tmp/cf $$name.rs 2> $$name.stderr"; \
		(cd $$dir && "$$(rustc --print sysroot)/bin/clippy-driver" --edition 2024 --crate-type lib --emit metadata --out-dir /tmp/cf $$name.rs 2> $$name.stderr) || exit 1; \
	done

overhead: ## Time a lesson at full scale, RUNS times: make overhead LESSON=01
	scripts/overhead.sh $(PACKAGE) $(RUNS)

tools: ## Install the pinned mdbook and mdbook-linkcheck if missing
	@command -v mdbook >/dev/null && mdbook --version | grep -q 'v$(MDBOOK_VERSION)' || \
		{ echo "$(CARGO) install --locked mdbook --version $(MDBOOK_VERSION)"; \
		  $(CARGO) install --locked mdbook --version $(MDBOOK_VERSION); }
	@command -v mdbook-linkcheck >/dev/null && mdbook-linkcheck --version | grep -q '$(LINKCHECK_VERSION)' || \
		{ echo "$(CARGO) install --locked mdbook-linkcheck --version $(LINKCHECK_VERSION)"; \
		  $(CARGO) install --locked mdbook-linkcheck --version $(LINKCHECK_VERSION); }

# The benchmark (bench/, package course-bench) runs release builds only.
# Python is optional: without it the Rust side runs and the table says so.
TIMELINE        = $(CARGO) run --locked -q -p course-bench -- timeline
BENCH_VENV     := target/bench-venv
BENCH_PYTHON   ?= $(if $(wildcard $(BENCH_VENV)/bin/python3),$(BENCH_VENV)/bin/python3,python3)
BENCH_OUT      ?= docs/src/measured
BENCH_QUICK_OUT := target/bench-quick
BENCH_FILES    := table.md targets.md results.json speedup.svg spawn.svg pools.svg cpu.svg

bench: ## Every lesson beside its Python twin, spawn costs, pools: the Measured chapter (about 12 minutes)
	$(CARGO) build --locked --release --workspace --bins
	target/release/course-bench --python $(BENCH_PYTHON) --out $(BENCH_OUT)

bench-table: ## Render the Measured table and bench targets again from results.json (no measuring)
	$(CARGO) run --locked -q -p course-bench -- table $(BENCH_OUT)

# test-all smoke-tests the benchmark on the debug build `make test` made:
# the figures are not the point there, and a release build would add
# minutes to every CI run. `make bench-quick` alone uses release, as `bench`.
BENCH_QUICK_PROFILE ?= release

bench-quick: ## The benchmark with tiny counts (seconds), checking its table and charts are written
	$(CARGO) build --locked $(if $(filter release,$(BENCH_QUICK_PROFILE)),--release) --workspace --bins
	rm -rf $(BENCH_QUICK_OUT)
	target/$(BENCH_QUICK_PROFILE)/course-bench --quick --python $(BENCH_PYTHON) --out $(BENCH_QUICK_OUT) --command-shown "make bench-quick"
	@for file in $(BENCH_FILES); do \
		test -s $(BENCH_QUICK_OUT)/$$file || { echo "error: bench-quick wrote no $(BENCH_QUICK_OUT)/$$file"; exit 1; }; \
	done
	@grep -q 'id="lesson-01-threads"' $(BENCH_QUICK_OUT)/table.md || \
		{ echo "error: $(BENCH_QUICK_OUT)/table.md has no lesson rows"; exit 1; }
	@echo "bench-quick: the table and the charts are in $(BENCH_QUICK_OUT)"

bench-venv: ## A virtualenv in target/bench-venv with the twins' pinned packages
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -r docs/python/requirements.txt

# The exercises (exercises/) are a workspace of their own, so that the stubs'
# failing tests stay out of `make test`. Its runner lists them, runs one
# against the learner's code, and checks them all (exercises/README.md).
EXERCISE       ?=
EXERCISES_RUN   = cd exercises && $(CARGO) run --locked -q -p exercise-runner --

exercises: ## List the exercises, and whether each passes now
	$(EXERCISES_RUN) list

exercise: ## Run one exercise's tests: make exercise EXERCISE=03-map (a unique prefix is enough)
	@test -n "$(EXERCISE)" || { echo "usage: make exercise EXERCISE=NN-name (make exercises lists them)"; exit 2; }
	$(EXERCISES_RUN) run $(EXERCISE)

check-exercises: ## Every exercise: its stub fails, its solution passes, its wrong solutions fail
	$(EXERCISES_RUN) check

test-all: tools lint test docs check-exercises ## Everything CI checks: tools, lint, tests, docs, exercises, the benchmark's smoke run
	$(MAKE) --no-print-directory bench-quick BENCH_QUICK_PROFILE=debug
	@echo "test-all: every check passed"
