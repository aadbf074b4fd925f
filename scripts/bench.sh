#!/usr/bin/env bash
# `make bench`: for each database in BENCH_DATABASE (sqlite, postgres or both; default both),
# seeds 100,000 people into a fresh database, starts the release server on it, and measures
# with wrk on loopback: (a) a static file, (b) the signed-in home page, (c) the people directory
# filtered by department. The seed includes the demo goals (about 4 per person: some 400,000
# goals at 100,000 people), for (d) the alignment tree with one company objective open and (e) a
# manager's team goals page; and the demo's open review cycle (every person a reviewee, about 5
# reviews each) for (f) HR's calibration page and (g) HR's cycle progress page. Prints
# throughput, p50/p99 latency and the ratios to the same run's static file, one table with a
# database column, and the size of the wasm and JS as served. Appends the results to
# docs/BENCHMARKS.md.
#
# SQLite: a new file in a temporary folder. PostgreSQL: the database BENCH_POSTGRES_DB
# (default keel_bench) on BENCH_POSTGRES_SERVER (default postgres://postgres@127.0.0.1:5432),
# dropped and created again with psql, VACUUM (ANALYZE)d after seeding, dropped at the end
# unless BENCH_KEEP_DB=1.
set -euo pipefail
cd "$(dirname "$0")/.."
EMPLOYEES=${BENCH_EMPLOYEES:-100000}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PG_SERVER=${BENCH_POSTGRES_SERVER:-postgres://postgres@127.0.0.1:5432}
PG_DB=${BENCH_POSTGRES_DB:-keel_bench}
case "${BENCH_DATABASE:-both}" in
  sqlite) DATABASES=(sqlite) ;;
  postgres) DATABASES=(postgres) ;;
  both) DATABASES=(sqlite postgres) ;;
  *) echo "BENCH_DATABASE must be sqlite, postgres or both (got ${BENCH_DATABASE})" >&2; exit 1 ;;
esac

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
  else echo "make bench needs wrk: run 'sudo apt-get install wrk'" >&2; exit 1; fi
fi

PG_VERSION=""
if [[ " ${DATABASES[*]} " == *" postgres "* ]]; then
  command -v psql >/dev/null || { echo "BENCH_DATABASE=${BENCH_DATABASE:-both} needs psql: run 'sudo apt-get install postgresql-client'" >&2; exit 1; }
  [[ "$PG_DB" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "BENCH_POSTGRES_DB must be a plain lower-case name (got $PG_DB)" >&2; exit 1; }
  # The maintenance database, to drop and create the bench database from outside it.
  pg_admin() { psql -X -q -v ON_ERROR_STOP=1 "$PG_SERVER/postgres" "$@"; }
  PG_VERSION=$(pg_admin -At -c 'SHOW server_version') || { echo "PostgreSQL is not reachable at $PG_SERVER" >&2; exit 1; }
  PG_VERSION=${PG_VERSION%% *}
fi

DIR=$(mktemp -d)
SERVER_PID=""
PG_CREATED=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  if [ -n "$PG_CREATED" ] && [ "${BENCH_KEEP_DB:-0}" != 1 ]; then
    pg_admin -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" || true
  fi
  rm -rf "$DIR"
}
trap cleanup EXIT
export KEEL_LOG=warn

sign_in() { # local part of the demo email
  curl -fs -D - -o /dev/null -H 'Accept: application/json' \
    --data-urlencode "email=$1@northwind.example" --data-urlencode 'password=keel-demo-2026' \
    "$BASE/api/login" | sed -n 's/^[Ss]et-[Cc]ookie: \(keel_session=[0-9a-f]*\).*/\1/p'
}

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

check() { # url cookie
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $2" "$1")
  [ "$code" = 200 ] || { echo "$1 answered $code" >&2; tail -20 "$LOG" >&2; exit 1; }
}

ROWS=""       # the results table's rows, every database
SEED_TIMES="" # "SQLite **9.1 s**; PostgreSQL **..."
GOAL_COUNT=""
SERVED=""

run_database() { # sqlite | postgres
  local db=$1 label extra=""
  if [ "$db" = sqlite ]; then
    label=SQLite
    export DATABASE_URL="sqlite://$DIR/bench.db"
  else
    label="PostgreSQL"
    pg_admin -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
    PG_CREATED=1
    export DATABASE_URL="$PG_SERVER/$PG_DB"
  fi
  LOG="$DIR/server-$db.log"

  echo "== $label: seeding $EMPLOYEES employees"
  local seed_out seed_seconds
  seed_out=$(./target/release/server seed --employees "$EMPLOYEES")
  echo "$seed_out" | head -1
  seed_seconds=$(echo "$seed_out" | sed -n 's/.* in \([0-9.]*\) s\./\1/p' | head -1)
  GOAL_COUNT=$(echo "$seed_out" | sed -n 's/.* \([0-9]*\) goals.*/\1/p' | head -1)
  if [ "$db" = postgres ]; then
    # Planner statistics and the visibility map (index-only scans), as autovacuum would leave
    # them on a live database; done now so that autovacuum does not start during a measurement.
    local started=$SECONDS
    psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c 'VACUUM (ANALYZE)'
    extra=" + $((SECONDS - started)) s VACUUM (ANALYZE)"
  fi
  SEED_TIMES="${SEED_TIMES:+$SEED_TIMES; }$label **${seed_seconds} s**$extra"

  local port
  port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  BASE="http://127.0.0.1:$port"
  PORT=$port KEEL_ADDR=127.0.0.1 ./target/release/server serve >"$LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "$BASE/login" && break; sleep 0.1; done

  local cookie manager_cookie hr_cookie cycles cycle reviewees goals objective
  cookie=$(sign_in employee)
  manager_cookie=$(sign_in manager)
  hr_cookie=$(sign_in hr)
  [ -n "$cookie" ] && [ -n "$manager_cookie" ] && [ -n "$hr_cookie" ] || { echo "could not sign in" >&2; tail -20 "$LOG" >&2; exit 1; }
  cycles=$(curl -fs -H 'Accept: application/json' -H "Cookie: $hr_cookie" --data '' "$BASE/api/get_review_admin")
  read -r cycle reviewees < <(echo "$cycles" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s).cycles.find(c=>c.cycle.state==="Writing");console.log(c.cycle.id, c.participants)})')
  local calibration_url="$BASE/reviews/cycles/$cycle/calibration"
  local cycle_url="$BASE/reviews/cycles/$cycle"
  goals=$(curl -fs -H 'Accept: application/json' -H "Cookie: $cookie" --data 'open=&search=' "$BASE/api/get_goal_tree")
  objective=$(echo "$goals" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).nodes[0].Goal.goal.id))')
  local tree_url="$BASE/goals/tree?open=$objective"
  local team_url="$BASE/goals/team"
  # Department 2 is Engineering, the largest division (about 30% of the company, sub-departments
  # included): the directory's heaviest filter. The seed gives departments the same ids on both
  # databases.
  local department_url="$BASE/people?department=2"
  for url in "$BASE/" "$department_url" "$tree_url"; do check "$url" "$cookie"; done
  check "$team_url" "$manager_cookie"
  for url in "$calibration_url" "$cycle_url"; do check "$url" "$hr_cookie"; done

  echo "== $label: measuring ($DURATION each, $CONNECTIONS connections, 2 wrk threads)"
  local static results=()
  static=$(measure "(a) static file /favicon.svg" "$BASE/favicon.svg")
  results+=("$static")
  results+=("$(measure "(b) home page, signed in" "$BASE/" "$cookie")")
  results+=("$(measure "(c) people, department filter" "$department_url" "$cookie")")
  results+=("$(measure "(d) alignment tree, one objective open" "$tree_url" "$cookie")")
  results+=("$(measure "(e) team goals, manager" "$team_url" "$manager_cookie")")
  results+=("$(measure "(f) calibration, HR, $reviewees reviewees" "$calibration_url" "$hr_cookie")")
  results+=("$(measure "(g) cycle progress, HR, $reviewees reviewees" "$cycle_url" "$hr_cookie")")

  local base_rps result name rps p50 p99 errors ratio
  base_rps=$(echo "$static" | cut -d'|' -f2)
  for result in "${results[@]}"; do
    IFS='|' read -r name rps p50 p99 errors <<<"$result"
    ratio=$(awk -v a="$rps" -v b="$base_rps" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "n/a" }')
    ROWS+="| $label | $name | $rps | $p50 | $p99 | $errors | $ratio |"$'\n'
  done

  # The bundle as served does not depend on the database: read it from the first server.
  [ -n "$SERVED" ] || SERVED=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: br' "$BASE/pkg/keel.wasm")
  stop_server
}

for db in "${DATABASES[@]}"; do run_database "$db"; done

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

DB_NAMES=""
for db in "${DATABASES[@]}"; do
  if [ "$db" = sqlite ]; then name=SQLite; else name="PostgreSQL $PG_VERSION (database $PG_DB, same machine)"; fi
  DB_NAMES="${DB_NAMES:+$DB_NAMES and }$name"
done
TABLE=${ROWS%$'\n'}

REPORT=$(cat <<MD

## $(date -u +%Y-%m-%d) — $(git rev-parse --short HEAD 2>/dev/null || echo unknown)

Command: \`make bench\` (scripts/bench.sh, BENCH_DATABASE=${BENCH_DATABASE:-both}: $EMPLOYEES employees, $DB_NAMES, release build, wrk -t2 -c$CONNECTIONS -d$DURATION on loopback; $(nproc) cores, server, database and load generator on the same machine).

Seeding $EMPLOYEES employees and ${GOAL_COUNT:-?} goals: $SEED_TIMES (target for the people: under 60 s).

| database | request | requests/s | p50 | p99 | non-2xx | ratio to (a) |
|---|---|---|---|---|---|---|
$TABLE

Ratios are to the same database's (a) (the server is restarted for each database). Targets: (b) at least 25% of (a).

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
