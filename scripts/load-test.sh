#!/usr/bin/env bash
# Mixed load on the demo company: many clients for a while over staff pages, the API, the public
# portal and a write (an acquisition's pre-trade check, recorded and audited), on SQLite and on
# PostgreSQL. It prints, per database, the requests per second, the latency percentiles and the
# errors (any answer other than 2xx/3xx, and any socket error). Issue 17's target: 200 clients for
# 60 s, 0 errors, p99 < 200 ms on both databases.
#
#   scripts/load-test.sh                  # SQLite, then PostgreSQL if HUAJIE_TEST_PG is set
#   scripts/load-test.sh sqlite           # one of them
#   CLIENTS=200 DURATION=60 scripts/load-test.sh postgres
#   THINK_MS=1000 scripts/load-test.sh    # each client pauses 0–2 s (1 s on average) between requests
#
# Without THINK_MS every client sends its next request as soon as the last is answered: the
# server is saturated, and the latency is mostly the wait for a turn (200 clients / requests per
# second). With it, 200 clients are 200 busy people: the latency is what each of them waits.
#
# It installs wrk (Debian's package) if it is missing and builds the release binary
# (`cargo build --release --bin huajie`; HUAJIE_BIN=path uses a binary already built). For
# PostgreSQL, HUAJIE_TEST_PG names a server (postgres://user@host:port/db) on which the script may
# create and drop a database of its own. The demo runs on a fresh data directory or database each
# time, on port PORT (default 18480). Results are appended to target/load-test/results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-200}
DURATION=${DURATION:-60}
THREADS=${THREADS:-2}
PORT=${PORT:-18480}
PASSWORD=huajie-demo-2026
WHICH=${1:-both}
OUT=target/load-test
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get install -y -q wrk >/dev/null
fi
if [ -z "${HUAJIE_BIN:-}" ]; then
    cargo build --release --bin huajie
    HUAJIE_BIN="${CARGO_TARGET_DIR:-target}/release/huajie"
fi
ulimit -n 65536 2>/dev/null || true

BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# Logs a staff user in through the API; prints "cookie<TAB>csrf".
login() {
    local body
    body=$(curl -sf -c "$WORK/jar-$1" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session")
    local csrf cookie
    csrf=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["csrf_token"])' <<<"$body")
    cookie=$(sed 's/^#HttpOnly_//' "$WORK/jar-$1" | awk '$0 !~ /^#/ && NF >= 7 {printf "%s=%s; ", $6, $7}')
    printf '%s\t%s\n' "${cookie%; }" "$csrf"
}

# The mix: each line is "user method path [json body]"; "-" is the anonymous public.
mix() {
    cat <<'EOF'
acquisition GET /dashboard
acquisition GET /packages
acquisition GET /packages/1
acquisition GET /claims/1
acquisition GET /parties
acquisition GET /api/v1/dashboard
acquisition GET /api/v1/packages/1/claims
acquisition GET /api/v1/claims/1
valuer GET /packages/1/valuation
valuer GET /api/v1/packages/1/valuations
risk GET /compliance
risk GET /api/v1/compliance/indicators
risk GET /compliance/book
risk GET /api/v1/compliance/checks
asset_manager GET /cases
asset_manager GET /lots
finance GET /ledger
auditor GET /audit
committee GET /committee
regulator GET /regulator
- GET /public/announcements
- GET /public/announcements/1
acquisition POST /api/v1/packages/1/checks {"kind":"acquisition","price_fen":1200000000}
EOF
}

# Writes the wrk script: every thread walks the mix from its own starting point.
write_lua() {
    local lua="$WORK/mix.lua"
    {
        echo 'local mix = {'
        while read -r user method path body; do
            local cookie="" csrf=""
            if [ "$user" != "-" ]; then
                IFS=$'\t' read -r cookie csrf < "$WORK/session-$user"
            fi
            printf '  {[==[%s]==], [==[%s]==], [==[%s]==], [==[%s]==], [==[%s]==]},\n' \
                "$method" "$path" "$cookie" "$csrf" "${body:-}"
        done < <(mix)
        cat <<'EOF'
}
local reqs = {}
for i, m in ipairs(mix) do
  local headers = {}
  if m[3] ~= "" then headers["Cookie"] = m[3] end
  local body = nil
  if m[1] == "POST" then
    headers["X-CSRF-Token"] = m[4]
    headers["Content-Type"] = "application/json"
    body = m[5]
  end
  reqs[i] = wrk.format(m[1], m[2], headers, body)
end
local n = 0
local threads = {}
function setup(thread)
  thread:set("start", math.random(#reqs))
  table.insert(threads, thread)
end
function init(args) n = start or 1; not2xx = 0 end
local think = tonumber(os.getenv("THINK_MS") or "0")
if think > 0 then
  function delay() return math.random(0, 2 * think) end
end
function request()
  n = n % #reqs + 1
  return reqs[n]
end
-- Every answer in the mix is 2xx when the load begins (checked): anything else is an error here,
-- a redirect to the login page included.
function response(status, headers, body)
  if status < 200 or status > 299 then not2xx = not2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("not2xx") end
  local e = summary.errors
  io.write(string.format("answers other than 2xx: %d; socket errors: connect %d, read %d, write %d, timeout %d\n",
    bad, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("latency ms: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
EOF
    } > "$lua"
    echo "$lua"
}

# Every line of the mix answers 2xx before the load starts (a wrong path would only measure 404s).
# With PER_PATH=N, each line is also asked N times alone, one after another, and its median and
# slowest times printed: which requests cost what, without the load.
check_mix() {
    while read -r user method path body; do
        local args=(-s -o /dev/null -w '%{http_code} %{time_total}\n')
        if [ "$user" != "-" ]; then
            local cookie csrf
            IFS=$'\t' read -r cookie csrf < "$WORK/session-$user"
            args+=(-H "Cookie: $cookie")
            [ "$method" = POST ] && args+=(-X POST -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d "$body")
        fi
        local times code
        times=$(for _ in $(seq 1 "${PER_PATH:-1}"); do curl "${args[@]}" "$BASE$path"; done)
        code=$(awk '$1 !~ /^2/ {print $1; exit}' <<<"$times")
        [ -z "$code" ] || { echo "the mix's $method $path as $user answers $code" >&2; exit 1; }
        if [ "${PER_PATH:-1}" -gt 1 ]; then
            awk '{print $2 * 1000}' <<<"$times" | sort -n | awk -v what="$method $path ($user)" '{t[NR] = $1} END {
                printf "%-60s median %7.1f ms, slowest %7.1f ms\n", what, t[int((NR + 1) / 2)], t[NR]}'
        fi
    done < <(mix)
}

# The server's own account of the load (its request log: path, status, time in the handler),
# per request of the mix: how many, median, p99 and slowest, in milliseconds. Lines before
# `from` (the set-up) are left out.
by_path() {
    local log=$1 from=$2
    echo "in the server, per request (count, p50, p99, max ms):"
    sed 's/\x1b\[[0-9;]*m//g' "$log" | tail -n +"$from" | grep 'huajie::http' \
        | sed -E 's/.*method=([A-Z]+) path=([^ ]+) status=([0-9]+) ms=([0-9]+).*/\1 \2 \4/' \
        | sort -k1,2 -k3n | awk '
            function flush() {
                if (!n) return
                p = int(n * 0.99); if (p < 1) p = 1
                printf "  %-45s %6d %6d %6d %6d\n", key, n, v[int((n + 1) / 2)], v[p], v[n]
            }
            { k = $1 " " $2; if (k != key) { flush(); key = k; n = 0 } v[++n] = $3 }
            END { flush() }'
}

run_one() {
    local db=$1
    local args=(--data-dir "$WORK/data-$db" --port "$PORT")
    local pgdb=""
    if [ "$db" = postgres ]; then
        [ -n "${HUAJIE_TEST_PG:-}" ] || { echo "HUAJIE_TEST_PG is not set: PostgreSQL skipped"; return; }
        pgdb="huajie_load_$$"
        psql -q "$HUAJIE_TEST_PG" -c "CREATE DATABASE $pgdb" >/dev/null
        args+=(--database-url "${HUAJIE_TEST_PG%/*}/$pgdb")
    fi
    mkdir -p "$WORK/data-$db"
    "$HUAJIE_BIN" demo "${args[@]}" > "$WORK/server-$db.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 600); do
        grep -q "running at\|运行" "$WORK/server-$db.log" 2>/dev/null && break
        sleep 0.1
    done
    for user in $(mix | awk '$1 != "-" {print $1}' | sort -u); do
        login "$user" > "$WORK/session-$user"
    done
    check_mix
    local lua from
    lua=$(write_lua)
    from=$(($(wc -l < "$WORK/server-$db.log") + 1))
    echo "== $db: $CLIENTS clients, ${DURATION} s, think ${THINK_MS:-0} ms, $(mix | wc -l) requests in the mix"
    local report="$OUT/$db-$(date -u +%Y%m%dT%H%M%SZ).txt"
    wrk -t "$THREADS" -c "$CLIENTS" -d "${DURATION}s" --timeout 10s --latency -s "$lua" "$BASE" | tee "$report"
    by_path "$WORK/server-$db.log" "$from" | tee -a "$report"
    {
        echo "$(date -u +%FT%TZ) $db clients=$CLIENTS duration=${DURATION}s think=${THINK_MS:-0}ms commit=$(git rev-parse --short HEAD)"
        grep -E "Requests/sec|requests in|answers other than|latency ms" "$report"
    } >> "$OUT/results.txt"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
    [ -n "$pgdb" ] && psql -q "$HUAJIE_TEST_PG" -c "DROP DATABASE $pgdb" >/dev/null
    return 0
}

case "$WHICH" in
    sqlite | postgres) run_one "$WHICH" ;;
    both) run_one sqlite; run_one postgres ;;
    *) echo "usage: $0 [sqlite|postgres|both]" >&2; exit 2 ;;
esac
