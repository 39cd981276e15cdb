#!/usr/bin/env bash
# Presence as soft state (issue 16): what a renewal costs next to a lookup, many peers online at
# the default renewal interval, and a renewal flood against lookups — each figure against its
# baseline in the same run, on one directory instance, loopback only. See bench/README.md.
#
#   bench/presence.sh [--quick] [--keep] [--jar DIRECTORY_JAR] [--store memory|table] [--postgres]
#
#   --quick    tiny sizes (seconds), for CI: every path once, the numbers mean little
#   --keep     keep the scratch folder (/tmp/p2pchat-presence.*)
#   --jar      the directory jar to measure (default: directory-service/target, built if stale);
#              e.g. an older build, to compare before and after
#   --store    the presence store (directory.presence.store); default the directory's own
#   --postgres the directory on PostgreSQL (profile postgres: the UNLOGGED table store) in a
#              scratch schema of PGHOST/PGPORT/PGUSER/PGDATABASE (127.0.0.1, 5432, postgres, test)
#
# The directory runs with DIRECTORY_JAVA_OPTS, by default the container image's G1 pause goal
# (-XX:MaxGCPauseMillis=10); set it (even empty) to measure other flags.
#
# Results: bench/results/presence-<mode>-<timestamp>/results.md, raw values in results.txt.
set -Eeuo pipefail
BENCH_NAME=presence
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(dirname "$HERE")
MODE=full
KEEP=0
DIR_JAR=$ROOT/directory-service/target/directory-service.jar
P2P_JAR=$ROOT/peer-cli/target/p2pchat.jar
BUILD=1
STORE=
POSTGRES=0
while (( $# )); do
    case $1 in
        --quick) MODE=quick ;;
        --keep) KEEP=1 ;;
        --jar) DIR_JAR=$(realpath "$2"); BUILD=0; shift ;;
        --store) STORE=$2; shift ;;
        --postgres) POSTGRES=1 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/presence.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

if [[ $MODE == quick ]]; then
    USERS=2000; WARM=2; WARM_MIN_CHUNKS=1; WARM_MAX_CHUNKS=1; SECONDS_EACH=3; ONLINE_SECONDS=8; INTERVAL=4; SETTLE_SECONDS=2; HOLD_SECONDS=8
else
    # HOLD_SECONDS: longer than the directory's presence TTL (60 s), so that presence outlives its last PUT;
    # SETTLE_SECONDS of it first, for what opening them left (compilation, the database's writes) to pass
    USERS=100000; WARM=10; WARM_MIN_CHUNKS=12; WARM_MAX_CHUNKS=30; SECONDS_EACH=10; ONLINE_SECONDS=45; INTERVAL=20; SETTLE_SECONDS=20; HOLD_SECONDS=75
fi
# The renewal rounds renew every user in turn as fast as they go: at 20,000-26,000 renewals/s each of
# 100,000 users every 4-5 s, within the default budget (20 renewals per account per 10 s), but each of
# the quick run's 2,000 several times a second; there the budget's period is 1 s (the flood is
# refused all the same)
if [[ $MODE == quick ]]; then THROTTLE_ENV=(DIRECTORY_THROTTLE_RENEWALSPER=1s); else THROTTLE_ENV=(); fi
PACED_LOOKUP_PAUSE_MS=16         # the latency rounds' lookups: wrk -t1 -c16, each connection pausing 16 ms (< 1,000/s)
CONNECTIONS=32                   # the lookup and renewal rounds: wrk -t2 -c32
PACED_CONNECTIONS=50             # the paced renewals of the online round: wrk -t2 -c50
FLOOD_CONNECTIONS=64             # one client renewing as fast as it can; the lookups beside it use as many,
                                 # as bench/run.sh's login flood does
LOOKUP_TOKEN=benchtoken$(printf '%033d' 1)

STAMP=$(date +%Y%m%dT%H%M%S)
RESULTS=$HERE/results/presence-$MODE-$STAMP
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/p2pchat-presence.XXXXXX)
GROUPS_STARTED=()

declare -A R

cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in "${GROUPS_STARTED[@]}"; do stop_group "$pid" 10; done
    if (( POSTGRES )); then psql -q -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true; fi
    if (( KEEP )); then log "scratch kept in $WORK"; else rm -rf "$WORK"; fi
    (( status == 0 )) || log "exit status $status; partial results in $RESULTS"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# The channel round holds a WebSocket per user: a descriptor each in the directory and in the
# simulator. Where the open-file limit cannot be raised that far (no CAP_SYS_RESOURCE), it holds
# as many as the limit allows, leaving 2,500 for everything else, and says so.
FDS=$(( USERS + 2500 ))
(( $(ulimit -n) >= FDS )) || ulimit -Hn "$FDS" 2>/dev/null || true
(( $(ulimit -n) >= FDS )) || ulimit -n "$(( $(ulimit -Hn) < FDS ? $(ulimit -Hn) : FDS ))"
CHANNEL_USERS=$(( USERS < $(ulimit -n) - 2500 ? USERS : $(ulimit -n) - 2500 ))
(( CHANNEL_USERS >= 100 )) || die "the channel round needs more open files than $(ulimit -n) (ulimit -n)"
(( CHANNEL_USERS == USERS )) || log "open files are limited to $(ulimit -n) here: the channel round holds $CHANNEL_USERS channels, not $USERS"
# at most 25,000 connections per loopback address pair (the ephemeral ports of one destination)
LOOPBACKS=$(( (CHANNEL_USERS + 24999) / 25000 ))
need_packages=()
command -v wrk >/dev/null || need_packages+=(wrk)
command -v curl >/dev/null || need_packages+=(curl)
command -v ss >/dev/null || need_packages+=(iproute2)
command -v unzip >/dev/null || need_packages+=(unzip)
install_packages "${need_packages[@]}"
command -v javac >/dev/null || die "javac (a JDK 17+) is needed"
stale() { [[ ! -f $1 ]] || [[ -n $(find "$ROOT/$2/src/main" "$ROOT/$2/pom.xml" -newer "$1" -type f -print -quit) ]]; }
if (( BUILD )) && { stale "$DIR_JAR" directory-service || stale "$P2P_JAR" peer-cli; }; then
    log "building the jars (./mvnw -q -B -DskipTests package)"
    (cd "$ROOT" && ./mvnw -q -B -DskipTests package) >"$WORK/build.log" 2>&1 || die "build failed (see $WORK/build.log)"
fi
[[ -f $P2P_JAR ]] || die "$P2P_JAR is missing (the harnesses compile against it): ./mvnw -q -B -DskipTests package"
JAR_SAID="$DIR_JAR, built $(date -u -r "$DIR_JAR" +'%Y-%m-%d %H:%M UTC')"
cp "$DIR_JAR" "$WORK/directory-service.jar"
DIR_JAR=$WORK/directory-service.jar

log "compiling the seeder, seeding $USERS accounts, each with a bearer token"
mkdir -p "$WORK/lib" "$WORK/classes"
(cd "$WORK/lib" && unzip -q -o "$DIR_JAR" 'BOOT-INF/lib/*' 'BOOT-INF/classes/db/*')
DIR_LIB=$WORK/lib/BOOT-INF/lib
javac --release 17 -nowarn -d "$WORK/classes" -cp "$P2P_JAR:$DIR_LIB/*" "$HERE"/java/*.java
SEED_HASH=$(java -cp "$WORK/classes:$(ls "$DIR_LIB"/spring-security-crypto-*.jar | head -1)" BcryptRate hash \
    --cost 4 --password bench-password-1)
# nobody online at the start: the online round's count shows what the renewals achieved
if (( POSTGRES )); then
    export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-test}
    SCHEMA=h16bench_$$_$RANDOM
    psql -q -v ON_ERROR_STOP=1 -c "CREATE SCHEMA $SCHEMA" >/dev/null || die "cannot create a schema on PostgreSQL"
    DB_ENV=(SPRING_PROFILES_ACTIVE=postgres
        SPRING_DATASOURCE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?currentSchema=$SCHEMA"
        SPRING_DATASOURCE_USERNAME="$PGUSER" SPRING_DATASOURCE_PASSWORD= SPRING_FLYWAY_SCHEMAS="$SCHEMA")
else
    DB_ENV=(DIRECTORY_DATA_DIR="$WORK/db")
java -cp "$WORK/classes:$DIR_LIB/*" Seed --db "$WORK/db" --migrations "$WORK/lib/BOOT-INF/classes/db/migration" \
    --accounts "$USERS" --online 0 --tokens "$USERS" --hash "$SEED_HASH" >"$WORK/seed.out" 2>"$WORK/seed.err" \
    || die "seeding failed (see $WORK/seed.err)"
fi

PORT=$(free_port)
MPORT=$(free_port)
URL=http://127.0.0.1:$PORT
store_env=()
[[ -z $STORE ]] || store_env=(DIRECTORY_PRESENCE_STORE="$STORE")
# start_directory NAME: starts the directory (output in $WORK/NAME.out), waits until it is ready;
# sets DIR_PID and JPID (the JVM whose CPU the rounds read)
start_directory() { # NAME [VAR=VALUE...]: extra environment for the directory
    local name=$1 i
    shift
    log "starting the directory on port $PORT${STORE:+ (store $STORE)}"
    # shellcheck disable=SC2086
    start "$name" env "${DB_ENV[@]}" SERVER_PORT="$PORT" MANAGEMENT_SERVER_PORT="$MPORT" DIRECTORY_RELAY_PORT=0 \
        SERVER_TOMCAT_MAXCONNECTIONS=$(( USERS + 10000 )) DIRECTORY_SIGNAL_MAXCHANNELS=$(( USERS + 1000 )) \
        "${store_env[@]}" "${THROTTLE_ENV[@]}" "$@" java ${DIRECTORY_JAVA_OPTS--XX:MaxGCPauseMillis=10} -jar "$DIR_JAR"
    DIR_PID=$STARTED_PID
    for (( i = 0; i < 6000; i++ )); do
        curl -fs -o /dev/null "$URL/readyz" && break
        kill -0 "$DIR_PID" 2>/dev/null || { tail -n 30 "$WORK/$name.out" >&2; die "the directory exited during start-up"; }
        sleep 0.05
    done
    curl -fs -o /dev/null "$URL/readyz" || die "the directory is not ready after 300 s"
    JPID=$(pgrep -P "$DIR_PID" java || echo "$DIR_PID")   # env execs java: usually the same process
}
start_directory directory
if (( POSTGRES )); then   # the directory made the schema (Flyway); the same fixtures as Seed's, in SQL
    psql -q -v ON_ERROR_STOP=1 >"$WORK/seed.out" 2>"$WORK/seed.err" <<EOF || die "seeding PostgreSQL failed (see $WORK/seed.err)"
SET search_path = $SCHEMA;
INSERT INTO account (username, username_key, password_hash, failed_attempts, fingerprint, last_seen, created_at)
SELECT 'user' || g, 'user' || g, '$SEED_HASH', 0, repeat('5eed', 16), now(), now() FROM generate_series(1, $USERS) g;
INSERT INTO session_token (token_hash, account_id, created_at, expires_at)
SELECT encode(sha256(convert_to('benchtoken' || lpad(substr(username, 5), 33, '0'), 'UTF8')), 'hex'), id, now(),
       TIMESTAMP WITH TIME ZONE '2999-01-01 00:00:00+00' FROM account;
ANALYZE;
EOF
fi

# run_wrk LABEL THREADS CONNECTIONS SECONDS SCRIPT ARGS...: one WRKRESULT line (+ server CPU per request)
run_wrk() {
    local label=$1 threads=$2 conns=$3 secs=$4 script=$5; shift 5
    local c0 c1 line requests
    c0=$(cpu_ticks "$JPID")
    wrk -t"$threads" -c"$conns" -d"$secs"s --timeout 10s -s "$HERE/lua/$script" "$URL" -- "$@" >"$WORK/$label.wrk" 2>&1 \
        || die "wrk $label failed (see $WORK/$label.wrk)"
    c1=$(cpu_ticks "$JPID")
    line=$(grep '^WRKRESULT' "$WORK/$label.wrk") || die "no result from wrk $label (see $WORK/$label.wrk)"
    requests=$(field "$line" requests)
    (( requests > 0 )) && line+=" cpu_ms_per_req=$(calc "($c1 - $c0) * 1000 / $CLK_TCK / $requests")"
    echo "$line"
}
record() { # LABEL LINE
    local key v
    for key in rps ok_per_s p50_ms p99_ms requests err_status cpu_ms_per_req; do
        v=$(field "$2" "$key"); [[ -z $v ]] || res "$1.$key" "$v"
    done
    res "$1.failed" "$(( $(field "$2" err_connect) + $(field "$2" err_read) + $(field "$2" err_write) \
        + $(field "$2" err_timeout) + $(field "$2" err_status) ))"
}
online_now() { # the directory's own count of peers online (p2pchat_peers_online)
    curl -fs "http://127.0.0.1:$MPORT/actuator/prometheus" | awk '/^p2pchat_peers_online/ { printf "%d", $2 }'
}

# The JIT needs minutes of requests on 2 busy cores before the cost per request settles: it falls
# fivefold and more, with a plateau at about twice the final cost that lasts until 110-150 s of
# load (hence the long minimum); a comparison made before that favours whichever round came later.
# warm_up NAME KIND...: chunks of WARM s of each KIND (lookup, renew) in turn, until the server CPU
# per request of every kind has improved by less than 10 % twice in a row (at least WARM_MIN_CHUNKS
# rounds, at most WARM_MAX_CHUNKS); the trend under NAME.warm.*
warm_up() {
    local name=$1 kind c chunk settled
    shift
    local -A prev=() flat=()
    log "warming up ($name): $* in turn, $WARM s each, until the CPU per request of each settles"
    for (( chunk = 1; chunk <= WARM_MAX_CHUNKS; chunk++ )); do
        settled=1
        for kind in "$@"; do
            case $kind in
                lookup) c=$(run_wrk "warm-$name-$kind-$chunk" 2 "$CONNECTIONS" "$WARM" lookup.lua "$LOOKUP_TOKEN" "$USERS") ;;
                renew) c=$(run_wrk "warm-$name-$kind-$chunk" 2 "$CONNECTIONS" "$WARM" renew.lua "$USERS" 2) ;;
            esac
            c=$(field "$c" cpu_ms_per_req)
            R[$name.warm.$kind]+="$(fmt "${c:-0}") "
            if [[ -n $c && -n ${prev[$kind]:-} ]] && awk "BEGIN { exit !($c > 0.9 * ${prev[$kind]}) }"; then
                flat[$kind]=$(( ${flat[$kind]:-0} + 1 ))
            else
                flat[$kind]=0
            fi
            prev[$kind]=${c:-}
            (( flat[$kind] >= 2 )) || settled=0
        done
        if (( chunk >= WARM_MIN_CHUNKS && settled )); then break; fi
    done
    res "$name.warm.seconds" "$(( $# * (chunk > WARM_MAX_CHUNKS ? WARM_MAX_CHUNKS : chunk) * WARM ))"
    for kind in "$@"; do res "$name.warm.$kind" "\"${R[$name.warm.$kind]% }\""; done
}
warm_up rounds lookup renew

log "lookups alone, then renewals alone (wrk -t2 -c$CONNECTIONS, $SECONDS_EACH s each, twice, alternating)"
for round in 1 2; do
    record "lookup$round" "$(run_wrk "lookup$round" 2 "$CONNECTIONS" "$SECONDS_EACH" lookup.lua "$LOOKUP_TOKEN" "$USERS")"
    record "renew$round" "$(run_wrk "renew$round" 2 "$CONNECTIONS" "$SECONDS_EACH" renew.lua "$USERS" 2)"
done
best() { awk "BEGIN { print ($1 > $2) ? $1 : $2 }"; }
res lookup.rps "$(best "${R[lookup1.ok_per_s]}" "${R[lookup2.ok_per_s]}")"
res renew.rps "$(best "${R[renew1.ok_per_s]}" "${R[renew2.ok_per_s]}")"
res lookup.cpu_ms "$(calc "(${R[lookup1.cpu_ms_per_req]} + ${R[lookup2.cpu_ms_per_req]}) / 2")"
res renew.cpu_ms "$(calc "(${R[renew1.cpu_ms_per_req]} + ${R[renew2.cpu_ms_per_req]}) / 2")"

# All USERS online at the default renewal interval: each renewed once per INTERVAL, paced by a
# pause per connection (wrk's delay()), while lookups run at the same time.
TARGET_RATE=$(( USERS / INTERVAL ))
# each connection pauses, then waits for its answer: a pause of exactly connections / rate could
# only fall short of the rate by the response time (4,640/s of 5,000 at 50 connections and
# 10 ms), so the pause leaves two milliseconds for the answer (one, with answers of 1 ms at the
# median and a longer tail, gave 0.94 of the rate); the peers then renew a little more often
# than every INTERVAL, which only adds load
PAUSE_MS=$(( PACED_CONNECTIONS * 1000 / TARGET_RATE - 2 ))
(( PAUSE_MS >= 1 )) || PAUSE_MS=1
log "paced lookups alone as in the online round (wrk -t1 -c16, $PACED_LOOKUP_PAUSE_MS ms pauses), for its baseline"
record online-alone "$(run_wrk online-alone 1 16 "$SECONDS_EACH" lookup.lua "$LOOKUP_TOKEN" "$USERS" all "$PACED_LOOKUP_PAUSE_MS")"
log "online round: $USERS peers renewing every $INTERVAL s (target $TARGET_RATE/s over $PACED_CONNECTIONS connections, pause $PAUSE_MS ms) for $ONLINE_SECONDS s, lookups (wrk -t1 -c16) alongside"
start paced wrk -t2 -c"$PACED_CONNECTIONS" -d"$(( ONLINE_SECONDS + 2 ))"s --timeout 10s -s "$HERE/lua/renew.lua" "$URL" \
    -- "$USERS" 2 "$PAUSE_MS"
PACED_PID=$STARTED_PID
sleep "$(( ONLINE_SECONDS - SECONDS_EACH ))"
record online-lookup "$(run_wrk online-lookup 1 16 "$SECONDS_EACH" lookup.lua "$LOOKUP_TOKEN" "$USERS" all "$PACED_LOOKUP_PAUSE_MS")"
res online.count "$(online_now)"
wait "$PACED_PID" 2>/dev/null || true
record online-renew "$(grep '^WRKRESULT' "$WORK/paced.out" || echo 'WRKRESULT requests=0 ok=0 rps=0 ok_per_s=0 err_connect=0 err_read=0 err_write=0 err_timeout=0 err_status=0')"
res online.cycle_s "$(calc "$USERS / (${R[online-renew.ok_per_s]} + 0.0001)")"

log "lookups alone (wrk -t1 -c$FLOOD_CONNECTIONS), then under a renewal flood from one client (wrk -t1 -c$FLOOD_CONNECTIONS, one token)"
# the refusals' path (the held request, its 429, the reconnect) has not run yet: the first flood
# after a start meets it cold (by hand: lookups at 0.71 x against 0.94-1.06 x in the floods after
# it), so one flood alone warms it first, as the rounds above were warmed
record flood-cold "$(run_wrk flood-cold 1 "$FLOOD_CONNECTIONS" "$SECONDS_EACH" renew.lua "$USERS" 1 0 2)"
record flood-alone "$(run_wrk flood-alone 1 "$FLOOD_CONNECTIONS" "$SECONDS_EACH" lookup.lua "$LOOKUP_TOKEN" "$USERS")"
start flood wrk -t1 -c"$FLOOD_CONNECTIONS" -d"$(( SECONDS_EACH + 3 ))"s --timeout 10s -s "$HERE/lua/renew.lua" "$URL" \
    -- "$USERS" 1 0 2
FLOOD_PID=$STARTED_PID
sleep 1
record flooded "$(run_wrk flooded 1 "$FLOOD_CONNECTIONS" "$SECONDS_EACH" lookup.lua "$LOOKUP_TOKEN" "$USERS")"
wait "$FLOOD_PID" 2>/dev/null || true
record flood "$(grep '^WRKRESULT' "$WORK/flood.out" || echo 'WRKRESULT requests=0 ok=0 rps=0 ok_per_s=0 err_connect=0 err_read=0 err_write=0 err_timeout=0 err_status=0')"

# The channel round: every user publishes once and holds a listening signalling channel open, as
# `p2pchat listen` does; the directory keeps their presence at each ping (every 20 s) and nobody
# sends a renewal. Held past the presence TTL, so that who is online at the end was kept by the
# channels alone. The directory's CPU while holding them, against HTTP renewals at the same rate.
# On a directory of its own: the rounds before leave 100,000 presences to expire and purge
# (each keeping its last-seen time, a durable write), which would be counted as the channels' cost.
# The simulated peers stand in for machines of their own: they run at the lowest priority, so
# that on these shared cores the directory gets the CPU first, as it would alone.
#   channel_round NAME PING_INTERVAL: results under NAME.*
heap_live_kb() { # what is live on the heap (a live class histogram collects first; any collector)
    { jcmd "$JPID" GC.class_histogram 2>/dev/null || true; } | awk '/^Total/ { printf "%d", $3 / 1024 }'
}
channel_round() {
    local name=$1 ping=$2 opened c0 c1 heap0 heap1
    stop_group "$DIR_PID" 30
    start_directory "directory-$name" DIRECTORY_SIGNAL_PINGINTERVAL="$(LC_ALL=C printf '%.0f' "$(calc "$ping * 1000")")ms"
    warm_up "$name" lookup
    heap0=$(heap_live_kb)
    log "channel round $name: $CHANNEL_USERS listeners each publish once and hold a listening signalling channel, pinged every $ping s ($LOOPBACKS loopback address(es))"
    start "$name" nice -n 19 java -Xss256k -cp "$WORK/classes:$P2P_JAR" ChannelPeers --port "$PORT" --users "$CHANNEL_USERS" --hosts "$LOOPBACKS"
    CHANNELS_PID=$STARTED_PID
    for (( i = 0; i < 6000; i++ )); do
        grep -q '^OPENED' "$WORK/$name.out" 2>/dev/null && break
        kill -0 "$CHANNELS_PID" 2>/dev/null || { tail -n 20 "$WORK/$name.err" >&2; die "the channel simulator exited"; }
        sleep 0.1
    done
    opened=$(grep '^OPENED' "$WORK/$name.out") || die "the channels did not open in 600 s (see $WORK/$name.err)"
    res "$name.said" "$opened"
    res "$name.opened" "$(awk '{ print $2 }' <<<"$opened")"
    res "$name.failed" "$(awk '{ print $4 }' <<<"$opened")"
    res "$name.open_s" "$(awk '{ print $6 }' <<<"$opened")"
    CPU_SECONDS=$(( HOLD_SECONDS - SETTLE_SECONDS - SECONDS_EACH ))
    log "$opened; holding them for $HOLD_SECONDS s: $SETTLE_SECONDS s to settle, the directory's CPU over $CPU_SECONDS s with nothing else, then paced lookups (wrk -t1 -c16) for $SECONDS_EACH s"
    sleep "$SETTLE_SECONDS"
    c0=$(cpu_ticks "$JPID")
    sleep "$CPU_SECONDS"
    c1=$(cpu_ticks "$JPID")
    record "$name-lookup" "$(run_wrk "$name-lookup" 1 16 "$SECONDS_EACH" lookup.lua "$LOOKUP_TOKEN" "$USERS" all "$PACED_LOOKUP_PAUSE_MS")"
    res "$name.online" "$(online_now)"
    res "$name.open" "$(tail -n 1 "$WORK/$name.out" | awk '/^OPEN/ { print $2 }')"
    res "$name.republish" "$(tail -n 1 "$WORK/$name.out" | awk '/^OPEN/ { print $4 }')"
    res "$name.rss_mb" "$(awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$JPID/status")"
    heap1=$(heap_live_kb)
    if [[ -n $heap0 && -n $heap1 && ${R[$name.open]:-0} -gt 0 ]]; then
        res "$name.heap_kb" "$(calc "($heap1 - $heap0) / ${R[$name.open]}")"
    else
        res "$name.heap_kb" "n/a"
    fi
    # keep-alives per second (each channel pinged once per interval), and the directory's CPU per
    # keep-alive, that is per channel per interval (nothing else ran in that window)
    res "$name.rate" "$(calc "$CHANNEL_USERS / $ping")"
    res "$name.cpu_ms" "$(calc "($c1 - $c0) * 1000 / $CLK_TCK / ($CHANNEL_USERS * $CPU_SECONDS / $ping)")"
    res "$name.capacity" "$(calc "$(nproc) * 0.5 * 1000 / ${R[$name.cpu_ms]} * $INTERVAL")"
    stop_group "$CHANNELS_PID" 5
}
channel_round channels "$INTERVAL"
# Where fewer channels than peers could be held, the same keep-alives per second as USERS channels
# at the default interval: the held ones pinged that much more often (CPU and latency as for
# USERS peers; memory only as for the channels held, reported per channel).
EQUIVALENT_PING=$(calc "$INTERVAL * $CHANNEL_USERS / $USERS")
if (( CHANNEL_USERS < USERS )) && awk "BEGIN { exit !($EQUIVALENT_PING >= 1) }"; then
    channel_round equivalent "$EQUIVALENT_PING"
elif (( CHANNEL_USERS < USERS )); then
    log "no equivalent channel round: $CHANNEL_USERS channels would need a ping every $EQUIVALENT_PING s (the directory's least is 1 s)"
fi

STORE_SAID=$(grep -io "presence store: [a-z]*" "$WORK/directory.out" | head -1 || true)
stop_group "$DIR_PID" 30

CAPACITY=$(calc "$(nproc) * 0.5 * 1000 / ${R[renew.cpu_ms]} * $INTERVAL")
res capacity.peers "$CAPACITY"
renew_ratio=$(ratio "${R[renew.rps]}" "${R[lookup.rps]}")
cpu_ratio=$(ratio "${R[renew.cpu_ms]}" "${R[lookup.cpu_ms]}")
flood_ratio=$(ratio "${R[flooded.ok_per_s]}" "${R[flood-alone.ok_per_s]}")
fmt_or_na() { if [[ -z $1 || $1 == n/a ]]; then echo n/a; else fmt "$1"; fi; }
channel_rows() { # NAME: the table's rows for a channel round
    local n=$1 ping=${R[$1.rate]:+$(calc "$CHANNEL_USERS / ${R[$1.rate]}")}
    local what="$CHANNEL_USERS listeners holding a listening signalling channel, pinged every $(fmt "$ping") s"
    [[ $n == equivalent ]] && what+=": the keep-alives per second of $USERS channels at $INTERVAL s ($(fmt "${R[$n.rate]}")/s)"
    (( CHANNEL_USERS < USERS )) && what+=" (this machine's open-file limit, $(ulimit -n), holds $CHANNEL_USERS)"
    echo "| $what, no renewals, $HOLD_SECONDS s: peers online at the end | ${R[$n.online]} | $CHANNEL_USERS | $(ratio "${R[$n.online]}" "$CHANNEL_USERS") | 1.00 | $(met "${R[$n.online]:-0} >= $CHANNEL_USERS") |"
    echo "| … the directory's CPU per keep-alive (ms: a ping, its pong and the presence it keeps, over $CPU_SECONDS s with nothing else; ${R[$n.open]} channels open, RSS $(fmt "${R[$n.rss_mb]}") MB, $(fmt_or_na "${R[$n.heap_kb]:-}") KB of live heap per channel; half the cores would hold $(fmt "${R[$n.capacity]}") at $INTERVAL s) | $(fmt "${R[$n.cpu_ms]}") | an HTTP renewal $(fmt "${R[renew.cpu_ms]}") | $(ratio "${R[$n.cpu_ms]}" "${R[renew.cpu_ms]}") | ≤ 1 × a lookup ($(fmt "${R[lookup.cpu_ms]}") ms) | $(met "${R[$n.cpu_ms]} <= ${R[lookup.cpu_ms]}") |"
    echo "| … lookup p99 meanwhile (ms; paced, $(fmt "${R[$n-lookup.ok_per_s]}") lookups/s) | $(fmt "${R[$n-lookup.p99_ms]}") | paced lookups alone $(fmt "${R[online-alone.p99_ms]}") ms | $(ratio "${R[$n-lookup.p99_ms]}" "${R[online-alone.p99_ms]}") | ≤ 20 ms | $(met "${R[$n-lookup.p99_ms]} <= 20") |"
}
CHANNEL_ROWS=$(channel_rows channels; if [[ -n ${R[equivalent.online]:-} ]]; then channel_rows equivalent; fi)
TABLE="| figure | presence | baseline | ratio | goal | met? |
|---|---|---|---|---|---|
| renewals/s, $USERS users each with its own token (wrk -t2 -c$CONNECTIONS, best of 2) | $(fmt "${R[renew.rps]}") | lookups/s, same instance $(fmt "${R[lookup.rps]}") | $renew_ratio | ≥ 1 × (a renewal costs no more than a lookup) | $(met "$renew_ratio >= 1") |
| server CPU per request (ms) | renewal $(fmt "${R[renew.cpu_ms]}") | lookup $(fmt "${R[lookup.cpu_ms]}") | $cpu_ratio | ≤ 1 × | $(met "$cpu_ratio <= 1") |
| $USERS peers online, renewing every $INTERVAL s: peers the directory counts online at the end | ${R[online.count]} | $USERS | $(ratio "${R[online.count]}" "$USERS") | 1.00 | $(met "${R[online.count]:-0} >= $USERS") |
| … renewals/s achieved ($PACED_CONNECTIONS connections, ${R[online-renew.requests]} requests, one cycle $(fmt "${R[online.cycle_s]}") s) | $(fmt "${R[online-renew.ok_per_s]}") | needed $TARGET_RATE | $(ratio "${R[online-renew.ok_per_s]}" "$TARGET_RATE") | ≥ 0.95 (a cycle within the interval, with slack to the TTL) | $(met "${R[online-renew.ok_per_s]} >= 0.95 * $TARGET_RATE") |
| … lookup p99 meanwhile (ms; paced wrk -t1 -c16, $(fmt "${R[online-lookup.ok_per_s]}") lookups/s) | $(fmt "${R[online-lookup.p99_ms]}") | paced lookups alone: $(fmt "${R[online-alone.p99_ms]}") ms, $(fmt "${R[online-alone.ok_per_s]}")/s | $(ratio "${R[online-lookup.p99_ms]}" "${R[online-alone.p99_ms]}") | ≤ 20 ms | $(met "${R[online-lookup.p99_ms]} <= 20") |
$CHANNEL_ROWS
| lookups/s under a renewal flood from one client (wrk -c$FLOOD_CONNECTIONS, one token: $(fmt "${R[flood.rps]}") requests/s, $(fmt "${R[flood.ok_per_s]}")/s renewed, the rest refused over the account's budget; lookups wrk -c$FLOOD_CONNECTIONS) | $(fmt "${R[flooded.ok_per_s]}") | lookups alone (-c$FLOOD_CONNECTIONS) $(fmt "${R[flood-alone.ok_per_s]}") | $flood_ratio | ≥ 0.5 × | $(met "$flood_ratio >= 0.5") |
| peers one instance keeps online at a renewal every $INTERVAL s, from the server CPU per renewal, half the $(nproc) cores left for lookups (information: robust to other load) | $(fmt "$CAPACITY") | — | — | — | — |"
DETAILS="- Directory jar: \`$JAR_SAID\`; ${STORE_SAID:-presence store not logged (a build before issue 16: the presence table)}$( (( POSTGRES )) && echo "; PostgreSQL $(psql -Atc 'show server_version' | cut -d' ' -f1) on this machine" || true); JVM flags \`${DIRECTORY_JAVA_OPTS--XX:MaxGCPauseMillis=10}\`; mode \`$MODE\`; load average at end $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores.
- Per round (ok/s, p99 ms): lookups $(fmt "${R[lookup1.ok_per_s]}")/$(fmt "${R[lookup1.p99_ms]}") $(fmt "${R[lookup2.ok_per_s]}")/$(fmt "${R[lookup2.p99_ms]}"); renewals $(fmt "${R[renew1.ok_per_s]}")/$(fmt "${R[renew1.p99_ms]}") $(fmt "${R[renew2.ok_per_s]}")/$(fmt "${R[renew2.p99_ms]}"). Failed: lookups ${R[lookup1.failed]}+${R[lookup2.failed]}, renewals ${R[renew1.failed]}+${R[renew2.failed]}, paced renewals ${R[online-renew.failed]}, flood ${R[flood.failed]} (non-2xx ${R[flood.err_status]}), lookups under the flood ${R[flooded.failed]}.
- Channels: ${R[channels.said]} (opened through $LOOPBACKS loopback address(es)); asked to publish again: ${R[channels.republish]}$( [[ -n ${R[equivalent.online]:-} ]] && echo "; at the equivalent rate: ${R[equivalent.said]}, asked to publish again: ${R[equivalent.republish]}").
- Lookups under the flood p99 $(fmt "${R[flooded.p99_ms]}") ms (alone $(fmt "${R[flood-alone.p99_ms]}") ms). Before the flood round, one flood alone for $SECONDS_EACH s warmed the refusals' path ($(fmt "${R[flood-cold.rps]}") requests/s).
- Warm-up before the rounds, CPU ms per request chunk by chunk ($WARM s each, ${R[rounds.warm.seconds]} s in all): lookups ${R[rounds.warm.lookup]}; renewals ${R[rounds.warm.renew]}; before each channel round (lookups): ${R[channels.warm.lookup]}$( [[ -n ${R[equivalent.online]:-} ]] && echo "; ${R[equivalent.warm.lookup]}" || true)."
{
    echo "## Presence ($MODE run, $(date -u +'%Y-%m-%d %H:%M UTC'))"
    echo
    echo "Command: \`bench/presence.sh $( [[ $MODE == quick ]] && echo --quick)${STORE:+ --store $STORE}$( (( POSTGRES )) && echo ' --postgres' || true)\`"
    echo
    echo "$TABLE"
    echo
    echo "$DETAILS"
} >"$RESULTS/results.md"
cat "$RESULTS/results.md"
