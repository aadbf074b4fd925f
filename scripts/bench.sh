#!/usr/bin/env bash
# `make bench`: seeds 100,000 people into a fresh SQLite database, starts the release server,
# and measures with wrk on loopback: (a) a static file, (b) the signed-in home page, (c) the
# people directory filtered by department. Prints throughput, p50/p99 latency, the ratios to
# the static file, and the size of the wasm and JS as served. The seed includes the demo goals
# (about 4 per person: some 400,000 goals at 100,000 people), for (d) the alignment tree with
# one company objective open and (e) a manager's team goals page; and the demo's open review
# cycle (every person a reviewee, about 5 reviews each) for (f) HR's calibration page and (g)
# HR's cycle progress page. Appends the results to docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
EMPLOYEES=${BENCH_EMPLOYEES:-100000}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
  else echo "make bench needs wrk: run 'sudo apt-get install wrk'" >&2; exit 1; fi
fi

DIR=$(mktemp -d)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
export DATABASE_URL="sqlite://$DIR/bench.db"
export KEEL_LOG=warn

echo "== Seeding $EMPLOYEES employees"
SEED_OUT=$(./target/release/server seed --employees "$EMPLOYEES")
echo "$SEED_OUT" | head -1
SEED_SECONDS=$(echo "$SEED_OUT" | sed -n 's/.* in \([0-9.]*\) s\./\1/p' | head -1)

PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
BASE="http://127.0.0.1:$PORT"
PORT=$PORT KEEL_ADDR=127.0.0.1 ./target/release/server serve >"$DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "$BASE/login" && break; sleep 0.1; done

sign_in() { # local part of the demo email
  curl -fs -D - -o /dev/null -H 'Accept: application/json' \
    --data-urlencode "email=$1@northwind.example" --data-urlencode 'password=keel-demo-2026' \
    "$BASE/api/login" | sed -n 's/^[Ss]et-[Cc]ookie: \(keel_session=[0-9a-f]*\).*/\1/p'
}
COOKIE=$(sign_in employee)
MANAGER_COOKIE=$(sign_in manager)
HR_COOKIE=$(sign_in hr)
[ -n "$COOKIE" ] && [ -n "$MANAGER_COOKIE" ] && [ -n "$HR_COOKIE" ] || { echo "could not sign in" >&2; exit 1; }
CYCLES=$(curl -fs -H 'Accept: application/json' -H "Cookie: $HR_COOKIE" --data '' "$BASE/api/review_admin")
read -r CYCLE REVIEWEES < <(echo "$CYCLES" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s).cycles.find(c=>c.cycle.state==="Writing");console.log(c.cycle.id, c.participants)})')
CALIBRATION_URL="$BASE/reviews/cycles/$CYCLE/calibration"
CYCLE_URL="$BASE/reviews/cycles/$CYCLE"
GOALS=$(curl -fs -H 'Accept: application/json' -H "Cookie: $COOKIE" --data 'open=&search=' "$BASE/api/goal_tree")
OBJECTIVE=$(echo "$GOALS" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).nodes[0].Goal.goal.id))')
TREE_URL="$BASE/goals/tree?open=$OBJECTIVE"
TEAM_URL="$BASE/goals/team"
# Department 2 is Engineering, the largest division (about 30% of the company, sub-departments
# included): the directory's heaviest filter.
DEPARTMENT_URL="$BASE/people?department=2"
for url in "$BASE/" "$DEPARTMENT_URL" "$TREE_URL"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$url")
  [ "$code" = 200 ] || { echo "$url answered $code" >&2; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $MANAGER_COOKIE" "$TEAM_URL")
[ "$code" = 200 ] || { echo "$TEAM_URL answered $code" >&2; exit 1; }
for url in "$CALIBRATION_URL" "$CYCLE_URL"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $HR_COOKIE" "$url")
  [ "$code" = 200 ] || { echo "$url answered $code" >&2; exit 1; }
done

measure() { # name url [cookie]
  local out
  if [ -n "${3:-}" ]; then
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $3" "$2")
  else
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  fi
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx or 3xx responses/ {print $5}')
  echo "$1|$rps|$p50|$p99|${errors:-0}"
}

echo "== Measuring ($DURATION each, $CONNECTIONS connections, 2 wrk threads)"
STATIC=$(measure "(a) static file /favicon.svg" "$BASE/favicon.svg")
HOME_PAGE=$(measure "(b) home page, signed in" "$BASE/" "$COOKIE")
PEOPLE=$(measure "(c) people, department filter" "$DEPARTMENT_URL" "$COOKIE")
TREE=$(measure "(d) alignment tree, one objective open" "$TREE_URL" "$COOKIE")
TEAM=$(measure "(e) team goals, manager" "$TEAM_URL" "$MANAGER_COOKIE")
CALIBRATION=$(measure "(f) calibration, HR, $REVIEWEES reviewees" "$CALIBRATION_URL" "$HR_COOKIE")
CYCLE_PAGE=$(measure "(g) cycle progress, HR, $REVIEWEES reviewees" "$CYCLE_URL" "$HR_COOKIE")
GOAL_COUNT=$(echo "$SEED_OUT" | sed -n 's/.* \([0-9]*\) goals.*/\1/p' | head -1)

rps() { echo "$1" | cut -d'|' -f2; }
ratio() { awk -v a="$(rps "$1")" -v b="$(rps "$STATIC")" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }

SIZES=$(node -e '
const fs = require("fs"), zlib = require("zlib");
const out = [];
for (const f of ["target/site/pkg/keel.wasm", "target/site/pkg/keel.js"]) {
  const raw = fs.readFileSync(f);
  const gz = zlib.gzipSync(raw, { level: 9 }).length;
  const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  out.push([f.split("/").pop(), raw.length, gz, br]);
}
const kb = n => (n / 1024).toFixed(1) + " KB";
for (const [f, r, g, b] of out) console.log(`| ${f} | ${kb(r)} | ${kb(g)} | ${kb(b)} |`);
const total = out.reduce((a, [, r, g, b]) => [a[0] + r, a[1] + g, a[2] + b], [0, 0, 0]);
console.log(`| wasm + JS | ${kb(total[0])} | ${kb(total[1])} | ${kb(total[2])} |`);
')
SERVED=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: br' "$BASE/pkg/keel.wasm")

REPORT=$(cat <<MD

## $(date -u +%Y-%m-%d) — $(git rev-parse --short HEAD 2>/dev/null || echo unknown)

Command: \`make bench\` (scripts/bench.sh: $EMPLOYEES employees, SQLite, release build, wrk -t2 -c$CONNECTIONS -d$DURATION on loopback; $(nproc) cores, server and load generator on the same machine).

Seeding $EMPLOYEES employees and ${GOAL_COUNT:-?} goals: **${SEED_SECONDS} s** (target for the people: under 60 s).

| request | requests/s | p50 | p99 | non-2xx | ratio to (a) |
|---|---|---|---|---|---|
| $(echo "$STATIC" | cut -d'|' -f1) | $(rps "$STATIC") | $(echo "$STATIC" | cut -d'|' -f3) | $(echo "$STATIC" | cut -d'|' -f4) | $(echo "$STATIC" | cut -d'|' -f5) | 100% |
| $(echo "$HOME_PAGE" | cut -d'|' -f1) | $(rps "$HOME_PAGE") | $(echo "$HOME_PAGE" | cut -d'|' -f3) | $(echo "$HOME_PAGE" | cut -d'|' -f4) | $(echo "$HOME_PAGE" | cut -d'|' -f5) | $(ratio "$HOME_PAGE") |
| $(echo "$PEOPLE" | cut -d'|' -f1) | $(rps "$PEOPLE") | $(echo "$PEOPLE" | cut -d'|' -f3) | $(echo "$PEOPLE" | cut -d'|' -f4) | $(echo "$PEOPLE" | cut -d'|' -f5) | $(ratio "$PEOPLE") |
| $(echo "$TREE" | cut -d'|' -f1) | $(rps "$TREE") | $(echo "$TREE" | cut -d'|' -f3) | $(echo "$TREE" | cut -d'|' -f4) | $(echo "$TREE" | cut -d'|' -f5) | $(ratio "$TREE") |
| $(echo "$TEAM" | cut -d'|' -f1) | $(rps "$TEAM") | $(echo "$TEAM" | cut -d'|' -f3) | $(echo "$TEAM" | cut -d'|' -f4) | $(echo "$TEAM" | cut -d'|' -f5) | $(ratio "$TEAM") |
| $(echo "$CALIBRATION" | cut -d'|' -f1) | $(rps "$CALIBRATION") | $(echo "$CALIBRATION" | cut -d'|' -f3) | $(echo "$CALIBRATION" | cut -d'|' -f4) | $(echo "$CALIBRATION" | cut -d'|' -f5) | $(ratio "$CALIBRATION") |
| $(echo "$CYCLE_PAGE" | cut -d'|' -f1) | $(rps "$CYCLE_PAGE") | $(echo "$CYCLE_PAGE" | cut -d'|' -f3) | $(echo "$CYCLE_PAGE" | cut -d'|' -f4) | $(echo "$CYCLE_PAGE" | cut -d'|' -f5) | $(ratio "$CYCLE_PAGE") |

Targets: (b) at least 25% of (a).

| asset | raw | gzip -9 | brotli 11 |
|---|---|---|---|
$SIZES

As served to a browser that accepts brotli (the precompressed copy), keel.wasm is $(awk -v n="$SERVED" 'BEGIN { printf "%.1f KB", n / 1024 }') on the wire. Target: compressed wasm + JS under 300 KB.
MD
)
echo "$REPORT"
mkdir -p docs
[ -f docs/BENCHMARKS.md ] || printf '# Benchmarks\n\nEach section is one run of `make bench`, newest last.\n' > docs/BENCHMARKS.md
echo "$REPORT" >> docs/BENCHMARKS.md
echo
echo "Appended to docs/BENCHMARKS.md"
