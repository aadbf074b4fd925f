# Keel: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := run
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export RUST_BACKTRACE ?= 0

.PHONY: run test setup setup-browser build fmt lint unit e2e bench clean

## Install what is missing, build in release mode, seed the demo company on first start, serve.
run: setup build
	@mkdir -p data
	KEEL_DEMO=$${KEEL_DEMO:-1} ./target/release/server serve

## Formatting, lint (ssr and hydrate), unit and integration tests, release build, browser tests.
test: setup-browser fmt lint unit build e2e

setup:
	@scripts/setup.sh

setup-browser:
	@scripts/setup.sh --browser

build:
	cargo leptos build --release
	node scripts/precompress.js target/site/pkg

fmt:
	cargo fmt --all -- --check

lint:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

unit:
	@if [ -z "$$KEEL_TEST_POSTGRES_URL" ]; then \
	  printf '\n\033[1;33m*** KEEL_TEST_POSTGRES_URL is not set: the PostgreSQL tests are SKIPPED; only SQLite runs. ***\033[0m\n\n'; \
	else echo "PostgreSQL tests run against $$KEEL_TEST_POSTGRES_URL"; fi
	cargo test --workspace

e2e:
	@scripts/e2e.sh

## Seeds 100,000 people into SQLite and PostgreSQL (BENCH_DATABASE=sqlite|postgres|both, default both),
## starts the release server on each and measures it (results: docs/BENCHMARKS.md).
bench: setup build
	@scripts/bench.sh

clean:
	rm -rf target/site data/keel.db*
