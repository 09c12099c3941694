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
	EXPECT_STATUS=1 scripts/docs-output.sh lessons/06-scraper/output-failures.txt lesson-06-scraper not-a-url ftp://127.0.0.1/file http://no-such-host.invalid/ http://127.0.0.1:9/

# The errors the chapters show: each lessons/NN-name/compile_fail/NAME.rs is
# compiled with the command below, must fail, and its stderr is NAME.stderr
# (tests/compile_fail.rs runs the same command and compares).
.PHONY: compile-fail-output
compile-fail-output: ## Rewrite the compiler errors the chapters show (compile_fail/*.stderr)
	@for src in lessons/*/compile_fail/*.rs; do \
		dir=$$(dirname $$src); name=$$(basename $$src .rs); \
		echo "cd $$dir && rustc --edition 2024 --crate-type bin --emit metadata --out-dir /tmp/cf $$name.rs 2> $$name.stderr"; \
		if (cd $$dir && rustc --edition 2024 --crate-type bin --emit metadata --out-dir /tmp/cf $$name.rs 2> $$name.stderr); then \
			echo "error: $$src compiles, but its chapter shows it failing"; exit 1; \
		fi; \
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

test-all: tools lint test docs ## Everything CI checks: tools, lint, tests, docs
	@echo "test-all: every check passed"
