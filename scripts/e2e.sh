#!/usr/bin/env bash
# Runs the Playwright suite in Debian's Chromium against the release server on a free port,
# with a fresh demo database. Playwright starts the server and stops it, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x target/release/server ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }
E2E_DIR=$(mktemp -d)
trap 'rm -rf "$E2E_DIR"' EXIT
export E2E_PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export E2E_DATABASE_URL="sqlite://$E2E_DIR/keel.db"
cd end2end
npx playwright test "$@"
