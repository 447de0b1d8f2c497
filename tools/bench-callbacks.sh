#!/usr/bin/env bash
# bench-callbacks.sh — issue 9's callback benchmark, end to end, on this machine.
#
# A benchmark, not a test: run it by hand on a quiet machine. It talks only to 127.0.0.1
# (PostgreSQL, Redis, its own gridbot serve and the load generator's reply sink) and stops by
# itself, dropping the databases it made (set KEEP=1 to keep them).
#
#   1. builds gridbot and tools/load;
#   2. writes a town of $PEOPLE (580) people with a month of history (tools/load town) and imports
#      it into a fresh PostgreSQL database: the roster, the month's check-ins
#      (gridbot import checkins) and the month's chat (gridbot replay --notices: two issues
#      reported, dispatched and closed per member, a weekly activity per grid, and the scheduler's
#      notices sent or skipped up to now, as serve would have); then VACUUM ANALYZE, as
#      autovacuum would have done;
#   3. $RUNS (3) times:
#        a. pgbench, $PGBENCH_CLIENTS (16) clients for $PGBENCH_SECONDS (20) s, one
#           INSERT … ON CONFLICT DO NOTHING into a table with a unique key per transaction:
#           the machine's yardstick, measured in the same run;
#        b. saturated: a copy of the town database, gridbot serve on it and Redis, and the load
#           generator closed loop with $CONNS (200) connections;
#        c. offered rate: a fresh copy again and the generator open loop at $RATE (1000)
#           callbacks/s;
#      mix $MIX (上报 40%, 积分 40%, 问题 20%) from the town's members;
#   4. prints every run, the medians and ranges, the ratio of saturated callbacks/s to pgbench's
#      TPS, and the issue's targets: saturated ≥ 15% of pgbench TPS, p99 ≤ 50 ms at 1000/s.
#
# Environment (defaults): RUNS=3 DURATION=20s WARMUP=3s CONNS=200 RATE=1000 PEOPLE=580
#   MIX='上报=40,积分=40,问题=20' PGBENCH_CLIENTS=16 PGBENCH_SECONDS=20
#   PGUSER=gridbot PGPASSWORD=gridbot PGPORT=5432 REDIS_URL=redis://127.0.0.1:6379/11 PORT=18080
#   RESULTS=directory for the JSON reports and logs (default: a new one under /tmp, kept)
set -euo pipefail

RUNS=${RUNS:-3}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
CONNS=${CONNS:-200}
RATE=${RATE:-1000}
PEOPLE=${PEOPLE:-580}
MIX=${MIX:-上报=40,积分=40,问题=20}
PGBENCH_CLIENTS=${PGBENCH_CLIENTS:-16}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-20}
export PGHOST=127.0.0.1
export PGUSER=${PGUSER:-gridbot}
export PGPASSWORD=${PGPASSWORD:-gridbot}
export PGPORT=${PGPORT:-5432}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/11}
PORT=${PORT:-18080}
TOWN=负载镇

die() { echo "bench-callbacks: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

case "$REDIS_URL" in redis://127.0.0.1:*) ;; *) die "REDIS_URL must be on 127.0.0.1 (got $REDIS_URL)" ;; esac
for t in go psql createdb dropdb pg_isready redis-cli jq curl; do
	command -v "$t" >/dev/null || die "$t is not installed"
done
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1 || true)
[ -n "$PGBENCH" ] || die "pgbench not found (Debian: apt-get install postgresql-contrib, or the postgresql-client package)"
pg_isready -q || die "PostgreSQL is not answering on 127.0.0.1:$PGPORT"
redis_port=${REDIS_URL#redis://127.0.0.1:}
redis_port=${redis_port%%/*}
[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ] || die "Redis is not answering at $REDIS_URL"
if curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; then die "port $PORT is taken; set PORT"; fi

cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/gridbot-bench-callbacks.XXXXXX)
RESULTS=${RESULTS:-$work/results}
mkdir -p "$RESULTS"
prefix=gridbot_cb_$$
server_pid=

cleanup() {
	if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
	if [ "${KEEP:-0}" != 1 ]; then
		for db in $(psql -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}_%'" 2>/dev/null); do
			dropdb --if-exists "$db" 2>/dev/null || true
		done
	fi
	rm -rf "$work/bin" "$work/town" "$work/replay.jsonl" "$work/pgbench.sql" "$work"/journal-*
	rmdir "$work" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dburl() { echo "postgres://$PGUSER:$PGPASSWORD@127.0.0.1:$PGPORT/$1?sslmode=disable"; }

# CPU accounting. Throughput swings with whatever else runs on the machine; the CPU time each party
# spends per callback (or per pgbench transaction) hardly does. snap writes, at one instant, the
# clock ticks (utime+stime, /proc/PID/stat) of: the given gridbot and generator processes; every
# backend of database DB (pids from pg_stat_activity, per pid, so a backend that starts inside
# the window counts from zero); PostgreSQL's shared processes (walwriter, checkpointer, background
# writer: shared with anything else using the server); Redis; and the counters: callbacks answered
# (gridbot's /metrics), DB's xact_commit + xact_rollback, pg_stat_wal's wal_write, wal_sync, wal_records
# (server-wide). account turns two snaps into per-callback figures.
redis_pid=$(pgrep -x redis-server | head -1 || true)
ticks() { # ticks PID…: utime+stime summed (0 for a gone process)
	local sum=0 p f
	for p in "$@"; do
		f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		f=${f##*) }
		set -- $f
		sum=$((sum + ${12} + ${13}))
		set -- 
	done
	echo "$sum"
}
snap() { # snap OUT DB GRIDBOT-PID GENERATOR-PID
	local out=$1 db=$2 gpid=$3 lpid=$4 p
	{
		echo "t $(date +%s.%N)"
		echo "gridbot $( [ -n "$gpid" ] && ticks "$gpid" || echo 0)"
		echo "generator $( [ -n "$lpid" ] && ticks "$lpid" || echo 0)"
		echo "redis $( [ -n "$redis_pid" ] && ticks "$redis_pid" || echo 0)"
		echo "pgshared $(ticks $(psql -d postgres -Atc "SELECT pid FROM pg_stat_activity
			WHERE backend_type IN ('walwriter', 'checkpointer', 'background writer')"))"
		for p in $(psql -d postgres -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$db'"); do
			echo "backend:$p $(ticks "$p")"
		done
		echo "callbacks $( [ -n "$gpid" ] && curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^gridbot_callbacks_total/ { n += $NF } END { printf "%d", n }' || echo 0)"
		psql -d postgres -Atc "SELECT 'xacts ' || (xact_commit + xact_rollback) FROM pg_stat_database WHERE datname = '$db'
			UNION ALL SELECT 'wal_write ' || wal_write || E'\nwal_sync ' || wal_sync || E'\nwal_records ' || wal_records FROM pg_stat_wal"
	} >"$out"
}
# account A B N GENERATOR-TICKS: CPU ms per callback (or transaction), N of them between snaps A
# and B; one line of "key=value". A backend counts from zero when it started after A; "backends"
# (pgbench's, watched to their end) replaces the per-pid figures.
account() {
	awk -v n="$3" -v gen="$4" -v hz="$(getconf CLK_TCK)" '
		FNR == NR { a[$1] = $2; next }
		{ b[$1] = $2 }
		END {
			for (k in b) if (k ~ /^backend:/) pg += b[k] - (k in a ? a[k] : 0)
			if ("backends" in b) pg = b["backends"]
			if (n <= 0) { print "n=0"; exit }
			ms = 1000 / hz
			printf "n=%d s=%.1f gridbot=%.3f postgres=%.3f pgshared=%.3f redis=%.3f generator=%.3f", \
				n, b["t"] - a["t"], (b["gridbot"] - a["gridbot"]) * ms / n, pg * ms / n, \
				(b["pgshared"] - a["pgshared"]) * ms / n, (b["redis"] - a["redis"]) * ms / n, gen * ms / n
			printf " xacts=%.2f wal_writes=%.2f wal_syncs=%.2f wal_records=%.2f\n", \
				(b["xacts"] - a["xacts"]) / n, (b["wal_write"] - a["wal_write"]) / n, (b["wal_sync"] - a["wal_sync"]) / n, \
				(b["wal_records"] - a["wal_records"]) / n
		}' "$1" "$2"
}
# watch OUT DB PID: the CPU of pgbench's (PID's) backends, from their start to their end: their
# pids are read once they are all connected, then their ticks every 0.1 s until one has gone or
# pgbench has; the last ticks read go to OUT as "backends TICKS" (a backend's CPU cannot be read
# after it ends).
watch() {
	local out=$1 db=$2 pid=$3
	(
		local pids="" t last=0
		for _ in $(seq 100); do
			pids=$(psql -d postgres -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$db'" | tr '\n' ' ')
			[ "$(wc -w <<<"$pids")" -ge "$PGBENCH_CLIENTS" ] && break
			sleep 0.1
		done
		while kill -0 "$pid" 2>/dev/null; do
			t=$(ticks $pids)
			[ "$t" -ge "$last" ] || break # one has gone: the run is over
			last=$t
			sleep 0.1
		done
		echo "backends $last" >"$out"
	) &
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "building gridbot and tools/load"
go build -o "$work/bin/gridbot" ./cmd/gridbot
go build -o "$work/bin/load" ./tools/load
gridbot=$work/bin/gridbot
load=$work/bin/load

log "town of $PEOPLE people with a month of history → database ${prefix}_base"
"$load" town -people "$PEOPLE" -dir "$work/town" >&2
createdb "${prefix}_base"
(
	export GRIDBOT_DATABASE_URL=$(dburl "${prefix}_base")
	"$gridbot" import roster --town "$TOWN" "$work/town/roster.csv" >/dev/null
	"$gridbot" import checkins "$work/town"/checkins-*.csv >&2
	# With the scheduler on the transcript's clock up to now, as serve would have run it: otherwise
	# every copy's serve would first send or skip the whole month's notices, inside the measurement.
	"$gridbot" replay --notices --until "$(date -Iseconds)" "$work/town"/history-*.jsonl >"$work/replay.jsonl"
)
log "history: $(grep -vc '"notice"' "$work/replay.jsonl") replies, $(grep -c '"notice"' "$work/replay.jsonl") notices; $(psql -d "${prefix}_base" -Atc 'SELECT count(*) FROM issues') issues"
psql -q -d "${prefix}_base" -c 'VACUUM ANALYZE'

createdb "${prefix}_pgb"
psql -q -d "${prefix}_pgb" -c 'CREATE TABLE pgb (k bigint PRIMARY KEY)'
cat >"$work/pgbench.sql" <<'EOF'
\set k random(1, 1000000000)
INSERT INTO pgb (k) VALUES (:k) ON CONFLICT DO NOTHING;
EOF

token=bench$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
aeskey=$(head -c 32 /dev/urandom | base64 | tr -d '\n' | cut -c1-43)

# serve_and_load NAME LOAD-FLAGS…: a fresh copy of the town, gridbot serve on it, one load run.
serve_and_load() {
	local name=$1
	shift
	local db=${prefix}_$name
	createdb -T "${prefix}_base" "$db"
	# Start each measurement from a clean checkpoint (the copy's pages written out), so that
	# no forced checkpoint lands inside one; the copies are dropped at the end, for the same reason.
	psql -q -d postgres -c CHECKPOINT
	# A journal of its own: one left by an earlier run (callbacks journaled when overloaded) would
	# be drained into this run's database, on top of the load.
	GRIDBOT_JOURNAL_DIR=$work/journal-$name \
	GRIDBOT_DATABASE_URL=$(dburl "$db") GRIDBOT_REDIS_URL=$REDIS_URL GRIDBOT_ADDR=127.0.0.1:$PORT \
		GRIDBOT_TOWN=$TOWN GRIDBOT_USER_RATE=0 GRIDBOT_WECOM_BOT_TOKEN=$token GRIDBOT_WECOM_BOT_AES_KEY=$aeskey \
		GRIDBOT_WECOM_API_BASE=http://127.0.0.1:9 GRIDBOT_DINGTALK_API_BASE=http://127.0.0.1:9 \
		"$gridbot" serve 2>"$RESULTS/serve-$name.log" &
	server_pid=$!
	local i
	for i in $(seq 100); do
		curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" && break
		kill -0 "$server_pid" 2>/dev/null || die "gridbot serve exited; see $RESULTS/serve-$name.log"
		sleep 0.2
	done
	curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" || die "gridbot serve not ready after 20 s"
	local status=0
	# The CPU accounting (account): snaps before and after the whole run, warm-up included; the
	# generator's CPU is its subshell's children's (cutime + cstime, once it has been waited for).
	snap "$RESULTS/$name.a" "$db" "$server_pid" ""
	(
		GRIDBOT_WECOM_BOT_TOKEN=$token GRIDBOT_WECOM_BOT_AES_KEY=$aeskey \
			"$load" -url "http://127.0.0.1:$PORT/wecom/bot" -roster "$work/town/roster.csv" -mix "$MIX" \
			-duration "$DURATION" -warmup "$WARMUP" -json "$@" >"$RESULTS/$name.json" 2>"$RESULTS/$name.err"
		st=$?
		read -r f </proc/$BASHPID/stat && f=${f##*) } && set -- $f && echo "${14} ${15}" >"$RESULTS/$name.gen"
		exit $st
	) || status=$?
	# pg_stat_database and pg_stat_wal count what backends flush, at most every second and up to
	# 10 s after they go idle.
	sleep 11
	snap "$RESULTS/$name.b" "$db" "$server_pid" ""
	[ $status != 0 ] || account "$RESULTS/$name.a" "$RESULTS/$name.b" "$(jq .all_including_warmup.answered "$RESULTS/$name.json")" \
		"$(awk '{ print $1 + $2 }' "$RESULTS/$name.gen")" >"$RESULTS/$name.cpu"
	kill -TERM "$server_pid"
	wait "$server_pid" || true
	server_pid=
	[ $status = 0 ] || die "load run $name failed: $(cat "$RESULTS/$name.err")"
}

for run in $(seq "$RUNS"); do
	log "run $run/$RUNS: pgbench, $PGBENCH_CLIENTS clients, ${PGBENCH_SECONDS}s"
	psql -q -d "${prefix}_pgb" -c 'TRUNCATE pgb'
	psql -q -d postgres -c CHECKPOINT
	snap "$RESULTS/pgbench-$run.a" "${prefix}_pgb" "" ""
	(
		"$PGBENCH" -n -h 127.0.0.1 -c "$PGBENCH_CLIENTS" -j 2 -T "$PGBENCH_SECONDS" -f "$work/pgbench.sql" "${prefix}_pgb" \
			>"$RESULTS/pgbench-$run.txt" 2>&1
		st=$?
		read -r f </proc/$BASHPID/stat && f=${f##*) } && set -- $f && echo "${14} ${15}" >"$RESULTS/pgbench-$run.gen"
		exit $st
	) &
	pgbench_pid=$!
	watch "$RESULTS/pgbench-$run.backends" "${prefix}_pgb" "$pgbench_pid"
	watch_pid=$!
	wait "$pgbench_pid" || die "pgbench failed: $(tail -3 "$RESULTS/pgbench-$run.txt")"
	wait "$watch_pid" || true
	sleep 11
	snap "$RESULTS/pgbench-$run.b" "${prefix}_pgb" "" ""
	cat "$RESULTS/pgbench-$run.backends" >>"$RESULTS/pgbench-$run.b"
	account "$RESULTS/pgbench-$run.a" "$RESULTS/pgbench-$run.b" \
		"$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$RESULTS/pgbench-$run.txt")" \
		"$(awk '{ print $1 + $2 }' "$RESULTS/pgbench-$run.gen")" >"$RESULTS/pgbench-$run.cpu"
	run_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$RESULTS/pgbench-$run.txt" | head -1)
	[ -n "$run_tps" ] || die "no tps in pgbench's output ($RESULTS/pgbench-$run.txt)"
	echo "$run_tps" >"$RESULTS/pgbench-$run.tps"
	log "run $run/$RUNS: saturated, $CONNS connections, $WARMUP + $DURATION"
	serve_and_load "sat$run" -conns "$CONNS"
	log "run $run/$RUNS: $RATE callbacks/s offered, $WARMUP + $DURATION"
	serve_and_load "rate$run" -rate "$RATE"
done

# stats VALUES…: "median min–max" of the values.
stats() {
	printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%10.1f  %s–%s", m, v[1], v[NR]}'
}
# cpu FILE KEY: one figure of an account line; sum: the parties' CPU; ceiling: $(nproc) cores ÷ sum.
cpu() {
	[ -s "$1" ] || { echo "-"; return; }
	awk -v key="$2" -v cores="$(nproc)" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		sum = v["gridbot"] + v["postgres"] + v["pgshared"] + v["redis"] + v["generator"]
		if (key == "sum") printf "%.3f", sum
		else if (key == "ceiling") printf "%.0f", (sum > 0 ? cores * 1000 / sum : 0)
		else printf "%s", (key in v) ? v[key] : "-"
	}' "$1"
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

declare -a tps sat sat_p99 ratio r_ans r_p50 r_p99 r_rp99 r_err r_miss r_dbl r_jrn
for run in $(seq "$RUNS"); do
	tps+=("$(awk '{ printf "%.1f", $1 }' "$RESULTS/pgbench-$run.tps")")
	s=$RESULTS/sat$run.json r=$RESULTS/rate$run.json
	sat+=("$(jq .callbacks_per_s "$s")")
	sat_p99+=("$(jq .latency.p99_ms "$s")")
	ratio+=("$(jq -n "100 * $(jq .callbacks_per_s "$s") / ${tps[-1]} | . * 10 | round / 10")")
	r_ans+=("$(jq .callbacks_per_s "$r")")
	r_p50+=("$(jq .latency.p50_ms "$r")")
	r_p99+=("$(jq .latency.p99_ms "$r")")
	r_rp99+=("$(jq .reply_delay.p99_ms "$r")")
	r_err+=("$(jq -s 'map([.errors[]] | add // 0) | add' "$s" "$r")")
	r_miss+=("$(jq -s 'map(.all_including_warmup.missing_replies) | add' "$s" "$r")")
	r_dbl+=("$(jq -s 'map(.all_including_warmup.doubled_replies) | add' "$s" "$r")")
	r_jrn+=("$(cat "$RESULTS/serve-sat$run.log" "$RESULTS/serve-rate$run.log" | grep -c '"outcome":"journaled"' || true)")
done

row() {
	local label=$1
	shift
	printf '%-44s' "$label"
	printf '%10s' "$@"
	printf '   %s\n' "$(stats "$@")"
}
{
	echo
	echo "load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "gridbot smart-robot callbacks on PostgreSQL + Redis, $(nproc) cores, town of $PEOPLE, mix $MIX, $RUNS runs"
	printf '%-44s' "" && for run in $(seq "$RUNS"); do printf '%10s' "run $run"; done && printf '   %10s  %s\n' median range
	row "pgbench TPS ($PGBENCH_CLIENTS clients, INSERT ON CONFLICT)" "${tps[@]}"
	row "saturated callbacks/s ($CONNS connections)" "${sat[@]}"
	row "  p99 ms (a queue: $CONNS ÷ rate)" "${sat_p99[@]}"
	row "  % of pgbench TPS" "${ratio[@]}"
	row "at $RATE/s offered: answered/s" "${r_ans[@]}"
	row "  p50 ms (from the intended send time)" "${r_p50[@]}"
	row "  p99 ms" "${r_p99[@]}"
	row "  reply at the sink, p99 ms" "${r_rp99[@]}"
	row "errors (both loads)" "${r_err[@]}"
	row "replies missing (both loads, warm-up too)" "${r_miss[@]}"
	row "replies doubled (both loads, warm-up too)" "${r_dbl[@]}"
	row "journaled, over HandleTimeout (both loads)" "${r_jrn[@]}"
	echo
	echo "CPU ms per callback (per transaction for pgbench), measured inside each run (*.cpu):"
	cpurow() { # cpurow LABEL FILE-SUFFIX KEY
		local label=$1 suffix=$2 key=$3 v=() run
		for run in $(seq "$RUNS"); do v+=("$(cpu "$RESULTS/$suffix$run.cpu" "$key")"); done
		row "$label" "${v[@]}"
	}
	for what in sat rate pgbench-; do
		case $what in
		sat) echo "  saturated ($CONNS connections)" ;;
		rate) echo "  at $RATE/s offered" ;;
		pgbench-) echo "  pgbench ($PGBENCH_CLIENTS clients), per transaction" ;;
		esac
		[ "$what" = pgbench- ] || cpurow "    gridbot" "$what" gridbot
		cpurow "    PostgreSQL backends" "$what" postgres
		cpurow "    PostgreSQL walwriter etc. (server-wide)" "$what" pgshared
		[ "$what" = pgbench- ] || cpurow "    Redis (whole server)" "$what" redis
		cpurow "    generator (load or pgbench)" "$what" generator
		cpurow "    sum" "$what" sum
		cpurow "    2 cores ÷ sum: ceiling per s if CPU-bound" "$what" ceiling
		[ "$what" = pgbench- ] || cpurow "    transactions per callback" "$what" xacts
		cpurow "    WAL syncs (server-wide)" "$what" wal_syncs
		cpurow "    WAL records (server-wide)" "$what" wal_records
	done
	echo
	m_ratio=$(median "${ratio[@]}")
	m_p99=$(median "${r_p99[@]}")
	verdict() { awk -v c="$1" 'BEGIN { print (c ? "met" : "NOT met") }'; }
	echo "target: saturated ≥ 15% of pgbench TPS: median ${m_ratio}% — $(verdict "$(awk -v r="$m_ratio" 'BEGIN { print (r >= 15) }')")"
	echo "target: p99 ≤ 50 ms at $RATE callbacks/s offered: median ${m_p99} ms — $(verdict "$(awk -v p="$m_p99" 'BEGIN { print (p <= 50) }')")"
	echo "reports and logs: $RESULTS"
} | tee "$RESULTS/summary.txt"
