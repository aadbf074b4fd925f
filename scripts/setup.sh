#!/usr/bin/env bash
# Installs what `make run` and `make test` need and is missing: the wasm target, cargo-leptos,
# wasm-bindgen-cli (the version Cargo.lock pins), wasm-opt (npm binaryen), npm packages, and
# (for tests) Debian's chromium. Idempotent: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."
want_browser=${1:-}

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

command -v cargo >/dev/null || { echo "cargo not found: install rustup from https://rustup.rs first" >&2; exit 1; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes ~10 minutes once)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@playwright/test ]; then
  command -v npm >/dev/null || { echo "npm not found: install Node.js 20 (apt-get install nodejs npm)" >&2; exit 1; }
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund
fi
if [ "$want_browser" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian's chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "The browser tests need Debian's chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'" >&2
    exit 1
  fi
fi
