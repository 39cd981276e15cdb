#!/usr/bin/env bash
# The p2pchat benchmark suite: every figure of docs/BENCHMARKS.md against its baseline, measured
# in the same run, back to back, on loopback only. See bench/README.md.
#
#   bench/run.sh [--quick] [--profile] [--keep] [--transfers]
#
#   --quick    tiny sizes (seconds): exercises every path, for CI; the numbers mean little
#   --profile  also record JFR profiles (directory, both CLI peers of the file transfer, the
#              harnesses) and write hot-method summaries next to the results
#   --keep     keep the scratch folder (/tmp/p2pchat-bench.*) for inspection
#   --transfers  only the file and folder transfers against their baselines (a few minutes)
#
# Results: bench/results/<mode>-<timestamp>/results.md (the table, the machine, details), also
# printed at the end; raw values in results.txt; bench/results/latest points to the last run.
# Everything this script starts is stopped on exit, whatever happens.
set -Eeuo pipefail
BENCH_NAME=bench
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(dirname "$HERE")
MODE=full
PROFILE=0
KEEP=0
SCOPE=all
for arg in "$@"; do
    case $arg in
        --quick) MODE=quick ;;
        --profile) PROFILE=1 ;;
        --keep) KEEP=1 ;;
        --transfers) SCOPE=transfers ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/run.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done

# ----------------------------------------------------------------------------- sizes
if [[ $MODE == quick ]]; then
    FILE_MIB=64; CHAT_MESSAGES=2000; CHAT_WARMUP=1000; CONNECTS=20; CONNECT_WARMUP=5
    ACCOUNTS=10000; ONLINE=1000; SMALL_ACCOUNTS=1000; SMALL_ONLINE=100
    TREE_SMALL=300; TREE_DIRS=10; TREE_LARGE=2; TREE_LARGE_MIB=4; FOLDER_ROUNDS=1
    WRK_SECONDS=3; WRK_WARMUP=1; WARM_CHUNK=1; WARM_MIN_CHUNKS=1; WARM_MAX_CHUNKS=1; LOGIN_SECONDS=3; BCRYPT_SECONDS=2; ROUNDS=1; TRANSFER_ROUNDS=1; STARTUP_RUNS=3
else
    FILE_MIB=1024; CHAT_MESSAGES=100000; CHAT_WARMUP=20000; CONNECTS=200; CONNECT_WARMUP=50
    ACCOUNTS=1000000; ONLINE=100000; SMALL_ACCOUNTS=1000; SMALL_ONLINE=100
    TREE_SMALL=10000; TREE_DIRS=100; TREE_LARGE=3; TREE_LARGE_MIB=64; FOLDER_ROUNDS=2
    WRK_SECONDS=10; WRK_WARMUP=5; WARM_CHUNK=15; WARM_MIN_CHUNKS=12; WARM_MAX_CHUNKS=20; LOGIN_SECONDS=20; BCRYPT_SECONDS=20; ROUNDS=3; TRANSFER_ROUNDS=3; STARTUP_RUNS=20
fi
CORES=$(nproc)
BCRYPT_COST=${DIRECTORY_BCRYPT_COST:-12}
BCRYPT_POOL=${DIRECTORY_BCRYPT_POOLSIZE:-$(( CORES > 1 ? CORES - 1 : 1 ))}
BCRYPT_QUEUE=${DIRECTORY_BCRYPT_QUEUECAPACITY:-16}
LOGIN_CONNECTIONS=$(( 2 * BCRYPT_POOL + 2 ))   # keeps the pool busy without overflowing its queue
FLOOD_CONNECTIONS=64                           # a flood: more than pool + queue, so some get 503
PASSWORD=bench-password-1
# the launcher's JVM flags (bin/p2pchat), used for the CLI and for every peer-side baseline
LAUNCHER_JAVA_OPTS=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' "$ROOT/bin/p2pchat")
[[ -n $LAUNCHER_JAVA_OPTS ]] || { echo "bench: cannot read default_java_opts from bin/p2pchat" >&2; exit 1; }
PEER_JAVA_OPTS=${P2PCHAT_JAVA_OPTS:-$LAUNCHER_JAVA_OPTS}
DIRECTORY_JAVA_OPTS=${DIRECTORY_JAVA_OPTS:-}

P2P_JAR=$ROOT/peer-cli/target/p2pchat.jar
DIR_JAR=$ROOT/directory-service/target/directory-service.jar
P2P=$ROOT/bin/p2pchat

STAMP=$(date +%Y%m%dT%H%M%S)
RESULTS=$HERE/results/$MODE-$STAMP
mkdir -p "$RESULTS"
ln -sfn "$MODE-$STAMP" "$HERE/results/latest"
WORK=$(mktemp -d /tmp/p2pchat-bench.XXXXXX)
# the files to send live in memory (tmpfs), so that the source disk is not what is measured;
# everything is received into $WORK, on disk
SHM=$(mktemp -d /dev/shm/p2pchat-bench.XXXXXX)
RUN_START=$(date +%s%N)

# ----------------------------------------------------------------------------- housekeeping
GROUPS_STARTED=()    # process-group leaders we started (setsid), stopped on exit
MADE_RUN_SSHD=0



cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${GROUPS_STARTED[@]}"; do
        stop_group "$pid" 10
    done
    if (( MADE_RUN_SSHD )); then rmdir /run/sshd 2>/dev/null || true; fi
    rm -rf "$SHM"
    if (( KEEP )); then log "scratch kept in $WORK"; else rm -rf "$WORK"; fi
    if (( status != 0 )); then log "exit status $status; partial results in $RESULTS"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# forget a group that ended by itself
forget() {
    local pid=$1 kept=() p
    for p in "${GROUPS_STARTED[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    GROUPS_STARTED=("${kept[@]}")
}


# results: "key value" lines in results.txt, and R[key] here
declare -A R
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

JFR_DIR=$RESULTS/profiles
# The big directory records from its start (starting a recording later deoptimizes its compiled
# code and would profile a cold JVM); jfr_start/jfr_stop mark a window that is then dumped.
declare -A JFR_BEGIN
jfr_start() { JFR_BEGIN[$2]=$(date +%H:%M:%S); }   # PID NAME
jfr_stop() { # PID NAME
    sleep 1
    jcmd "$1" JFR.dump name=bench filename="$JFR_DIR/$2.jfr" begin="${JFR_BEGIN[$2]}" end="$(date +%H:%M:%S)" \
        >/dev/null 2>&1 || log "JFR.dump $2 failed"
}
(( PROFILE )) && mkdir -p "$JFR_DIR"
jfr_opt() { # NAME -> JVM option recording a profile, or nothing
    if (( PROFILE )); then
        mkdir -p "$JFR_DIR"
        echo "-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=filename=$JFR_DIR/$1.jfr,settings=profile,dumponexit=true"
    fi
}

# ----------------------------------------------------------------------------- preflight
need_packages=()
command -v wrk >/dev/null || need_packages+=(wrk)
command -v nginx >/dev/null || need_packages+=(nginx-light)
[[ -x /usr/sbin/sshd ]] || need_packages+=(openssh-server)
command -v scp >/dev/null || need_packages+=(openssh-client)
command -v hyperfine >/dev/null || need_packages+=(hyperfine)
[[ -x /usr/bin/time ]] || need_packages+=(time)
command -v ss >/dev/null || need_packages+=(iproute2)
command -v curl >/dev/null || need_packages+=(curl)
command -v unzip >/dev/null || need_packages+=(unzip)
# magic-wormhole, its mailbox server and transit relay (run locally: see wormhole-pair.sh)
command -v wormhole >/dev/null || need_packages+=(magic-wormhole)
[[ -f /usr/lib/python3/dist-packages/twisted/plugins/magic_wormhole_transit_relay.py ]] \
    || need_packages+=(magic-wormhole-transit-relay)
[[ -f /usr/lib/python3/dist-packages/twisted/plugins/magic_wormhole_mailbox.py ]] \
    || need_packages+=(python3-magic-wormhole-mailbox-server)
command -v unshare >/dev/null || need_packages+=(util-linux)
# Quick mode (CI): what is first needed after the directories are up (the load generators and
# the baselines) installs in the background while the jars, harnesses and databases are made.
LATE_INSTALL_PID=
if [[ $MODE == quick ]]; then
    early=() late=()
    for p in "${need_packages[@]}"; do
        case $p in iproute2|curl|unzip|util-linux) early+=("$p") ;; *) late+=("$p") ;; esac
    done
    install_packages "${early[@]}"
    if (( ${#late[@]} )); then
        ( WORK=$WORK/late; mkdir -p "$WORK"; install_packages "${late[@]}" ) & LATE_INSTALL_PID=$!
    fi
else
    install_packages "${need_packages[@]}"
fi
command -v javac >/dev/null || die "javac (a JDK 17+) is needed"
unshare -n true 2>/dev/null || die "unshare -n (a network namespace for the magic-wormhole pair) needs root or user namespaces"

stale() { # JAR MODULE: the jar is missing or older than a source or pom of MODULE
    [[ ! -f $1 ]] || [[ -n $(find "$ROOT/$2/src/main" "$ROOT/$2/pom.xml" "$ROOT/pom.xml" "$ROOT/src/main" \
        -newer "$1" -type f -print -quit 2>/dev/null) ]]
}
if stale "$P2P_JAR" peer-cli || stale "$DIR_JAR" directory-service; then
    log "building the jars (./mvnw -q -B -DskipTests package)"
    (cd "$ROOT" && ./mvnw -q -B -DskipTests package) >"$WORK/build.log" 2>&1 \
        || (sleep 5; cd "$ROOT" && ./mvnw -q -B -DskipTests package) >>"$WORK/build.log" 2>&1 \
        || die "build failed (see $WORK/build.log)"
fi

# run what was built at this moment, even if someone rebuilds the tree meanwhile
SNAP=$WORK/snapshot
mkdir -p "$SNAP/bin" "$SNAP/peer-cli/target" "$SNAP/directory-service/target"
cp "$P2P" "$SNAP/bin/p2pchat"
cp "$P2P_JAR" "$SNAP/peer-cli/target/p2pchat.jar"
cp "$DIR_JAR" "$SNAP/directory-service/target/directory-service.jar"
P2P=$SNAP/bin/p2pchat
P2P_JAR=$SNAP/peer-cli/target/p2pchat.jar
DIR_JAR=$SNAP/directory-service/target/directory-service.jar
CODE_VERSION=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
JAR_DATES="$(date -u -r "$ROOT/peer-cli/target/p2pchat.jar" +'%Y-%m-%d %H:%M UTC') / $(date -u -r "$ROOT/directory-service/target/directory-service.jar" +'%Y-%m-%d %H:%M UTC')"

# ----------------------------------------------------------------------------- the machine
JAVA_VERSION=$(java -version 2>&1 | sed -n '1p;2p' | tr '\n' ' ' | sed 's/ *$//')
CPU_MODEL=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
[[ -n $CPU_MODEL ]] || CPU_MODEL=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)
CPU_MODEL+=" (family $(sed -n 's/^cpu family[^:]*: //p' /proc/cpuinfo | head -1), model $(sed -n 's/^model[^:]*: //p' /proc/cpuinfo | head -1))"
CPU_FLAGS=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -x -E 'aes|vaes|vpclmulqdq|avx2|avx512f|sha_ni|hypervisor' | tr '\n' ' ' || true)
RAM_GIB=$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
LOAD_START=$(loadavg)
MACHINE="| CPU | $CPU_MODEL |
| CPU flags that matter here | $CPU_FLAGS |
| cores | $CORES |
| RAM | $RAM_GIB GiB |
| kernel | $(uname -srm) |
| Java | $JAVA_VERSION |
| load average at start (1, 5, 15 min) | $LOAD_START |"
log "mode $MODE, $CORES cores, load $LOAD_START, scratch $WORK"

# ----------------------------------------------------------------------------- harness
log "compiling the harnesses"
mkdir -p "$WORK/lib" "$WORK/classes"
(cd "$WORK/lib" && unzip -q -o "$DIR_JAR" 'BOOT-INF/lib/*' 'BOOT-INF/classes/db/*')
DIR_LIB=$WORK/lib/BOOT-INF/lib
MIGRATIONS=$WORK/lib/BOOT-INF/classes/db/migration
CRYPTO_JAR=$(ls "$DIR_LIB"/spring-security-crypto-*.jar | head -1)
javac --release 17 -nowarn -d "$WORK/classes" -cp "$P2P_JAR:$DIR_LIB/*" "$HERE"/java/*.java
HARNESS_CP=$WORK/classes:$P2P_JAR

# ----------------------------------------------------------------------------- data
log "writing a $FILE_MIB MiB random file (tmpfs)"
SRC=$SHM/data/random-$FILE_MIB.bin
mkdir -p "$SHM/data"
head -c "$(( FILE_MIB * 1048576 ))" /dev/urandom >"$SRC"
FILE_BYTES=$(stat -c %s "$SRC")
SRC_SHA=$(sha256sum "$SRC" | cut -d' ' -f1)

log "seeding directory databases: $ACCOUNTS accounts ($ONLINE online) and $SMALL_ACCOUNTS ($SMALL_ONLINE online), one BCrypt hash of cost $BCRYPT_COST"
SEED_HASH=$(java -cp "$WORK/classes:$CRYPTO_JAR" BcryptRate hash --cost "$BCRYPT_COST" --password "$PASSWORD")
seed() { # DIR ACCOUNTS ONLINE LOGGED (key log entries: the odd-numbered users)
    mkdir -p "$1"
    java -cp "$WORK/classes:$DIR_LIB/*" Seed --db "$1" --migrations "$MIGRATIONS" --accounts "$2" --online "$3" \
        --log "$4" --hash "$SEED_HASH" >"$1.seed.out" 2>"$1.seed.err" || die "seeding $1 failed (see $1.seed.err)"
    grep '^RESULT' "$1.seed.out" >&2 || true
}
t0=$(now_ns)
if [[ $SCOPE == transfers ]]; then   # the peers need only the small directory
    seed "$WORK/db-small" "$SMALL_ACCOUNTS" "$SMALL_ONLINE" $(( SMALL_ACCOUNTS / 2 ))
elif [[ $MODE == quick ]]; then
    seed "$WORK/db-big" "$ACCOUNTS" "$ONLINE" $(( ACCOUNTS / 2 )) & seed_pid=$!
    seed "$WORK/db-small" "$SMALL_ACCOUNTS" "$SMALL_ONLINE" $(( SMALL_ACCOUNTS / 2 ))
    wait "$seed_pid"
else
    seed "$WORK/db-big" "$ACCOUNTS" "$ONLINE" $(( ACCOUNTS / 2 ))
    seed "$WORK/db-small" "$SMALL_ACCOUNTS" "$SMALL_ONLINE" $(( SMALL_ACCOUNTS / 2 ))
fi
res seed.seconds "$(calc "($(now_ns) - $t0) / 1e9")"
# the key log's growth per key event (a `first` entry), from seeding the big database's log
if [[ $SCOPE == all ]]; then
    for key in log_entries log_row_bytes log_leaf_bytes log_file_bytes_per_entry; do
        res "keylog.$key" "$(awk -v k="seed.$key" '$1 == "RESULT" && $2 == k { print $3 }' "$WORK/db-big.seed.out")"
    done
fi

# ----------------------------------------------------------------------------- directories
# Every directory the bench starts: random management and relay ports (several run at once), and the
# per-address throttle out of the way, since every client here comes from 127.0.0.1 (the bench
# measures the service's capacity; docs/SECURITY.md and OPERATIONS.md describe the throttle).
# Presence in the presence table (DIRECTORY_PRESENCE_STORE=table), where Seed put the online
# peers, rather than in memory (the embedded default, empty at start): a lookup then reads the
# peer's presence with one more indexed query than the default pays (bench/presence.sh measures
# the default store, renewals included).
BENCH_DIRECTORY_ENV=(MANAGEMENT_SERVER_PORT=0 DIRECTORY_RELAY_PORT=0 DIRECTORY_THROTTLE_REGISTRATIONS=1000000
    DIRECTORY_THROTTLE_FAILEDLOGINS=1000000 DIRECTORY_PRESENCE_STORE=table)
# start_directory NAME DATA_DIR PORT [extra JVM options...]; waits for health; sets DIR_PID
start_directory() {
    local name=$1 data=$2 port=$3; shift 3
    # shellcheck disable=SC2086
    start "$name" env DIRECTORY_DATA_DIR="$data" SERVER_PORT="$port" "${BENCH_DIRECTORY_ENV[@]}" \
        java $DIRECTORY_JAVA_OPTS "$@" -jar "$DIR_JAR"
    DIR_PID=$STARTED_PID
}
await_healthy() { # NAME PORT START_NS PID
    local i
    for (( i = 0; i < 6000; i++ )); do
        if curl -fs -o /dev/null "http://127.0.0.1:$2/readyz"; then
            res "$1.start_to_healthy_s" "$(calc "($(now_ns) - $3) / 1e9")"
            return 0
        fi
        if ! kill -0 "$4" 2>/dev/null; then
            tail -n 30 "$WORK/$1.out" "$WORK/$1.err" >&2 2>/dev/null || true
            die "$1 exited during start-up (its last lines above)"
        fi
        sleep 0.05
    done
    die "$1 not healthy after 300 s (see $WORK/$1.out)"
}
BIG_PORT=$(free_port)
SMALL_PORT=$(free_port)
log "starting the directories (ports $BIG_PORT with $ACCOUNTS accounts, $SMALL_PORT with $SMALL_ACCOUNTS)"
t_big=$(now_ns)
if [[ $SCOPE == transfers ]]; then
    BIG_PID=
elif (( PROFILE )); then
    start_directory dir-big "$WORK/db-big" "$BIG_PORT" -XX:FlightRecorderOptions=stackdepth=256 \
        -XX:StartFlightRecording=name=bench,settings=profile,maxage=30m
else
    start_directory dir-big "$WORK/db-big" "$BIG_PORT"
fi
[[ $SCOPE == transfers ]] || BIG_PID=$DIR_PID
if [[ $MODE == full && -n $BIG_PID ]]; then await_healthy dir-big "$BIG_PORT" "$t_big" "$BIG_PID"; fi
t_small=$(now_ns)
start_directory dir-small "$WORK/db-small" "$SMALL_PORT"
SMALL_PID=$DIR_PID
[[ $MODE == full || -z $BIG_PID ]] || await_healthy dir-big "$BIG_PORT" "$t_big" "$BIG_PID"
await_healthy dir-small "$SMALL_PORT" "$t_small" "$SMALL_PID"
BIG_URL=http://127.0.0.1:$BIG_PORT
SMALL_URL=http://127.0.0.1:$SMALL_PORT

if [[ -n $LATE_INSTALL_PID ]]; then
    wait "$LATE_INSTALL_PID" || die "installing the packages failed (see $WORK/late/apt.log)"
fi

# ============================================================================= startup
if [[ $SCOPE == all ]]; then   # (not indented: the block is the same in both scopes)
log "startup: p2pchat --version vs java -version ($STARTUP_RUNS runs each)"
(( STARTUP_RUNS >= 3 )) || STARTUP_RUNS=3
hyperfine -N --style none --warmup 2 --runs "$STARTUP_RUNS" --export-csv "$WORK/startup.csv" \
    "$P2P --version" "java -version" >"$WORK/startup.out" 2>&1 || die "hyperfine failed (see $WORK/startup.out)"
# command,mean,stddev,median,user,system,min,max
res startup.cli_median_ms "$(awk -F, 'NR == 2 { printf "%.1f", $4 * 1000 }' "$WORK/startup.csv")"
res startup.java_median_ms "$(awk -F, 'NR == 3 { printf "%.1f", $4 * 1000 }' "$WORK/startup.csv")"
if (( PROFILE )); then   # five runs, sampled every millisecond
    for i in 1 2 3 4 5; do
        # shellcheck disable=SC2086
        java $PEER_JAVA_OPTS -XX:FlightRecorderOptions=stackdepth=256 \
            "-XX:StartFlightRecording=filename=$JFR_DIR/cli-version-$i.jfr,settings=$HERE/jfr-startup.jfc" \
            -jar "$P2P_JAR" --version >/dev/null 2>&1 || true
    done
fi
fi   # SCOPE == all

# ============================================================================= peers
export P2PCHAT_SERVER=$SMALL_URL
ALICE=benchalice; BOB=benchbob
cli_login() { # USER HOME: registered through the API (quicker), logged in with the CLI (identity, session)
    curl -fsS -o /dev/null -X POST "$P2PCHAT_SERVER/api/v1/accounts" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" || die "registering $1 failed"
    printf '%s\n' "$PASSWORD" | "$P2P" --home "$2" login -u "$1" --password-stdin >/dev/null 2>>"$WORK/cli-login.err" \
        || die "login $1 failed (see $WORK/cli-login.err)"
}
log "peers: registering $ALICE and $BOB, logging them in with the CLI"
cli_login "$ALICE" "$WORK/home-alice"
cli_login "$BOB" "$WORK/home-bob"

rss_mb() { calc "$1 * 1024 / 1e6"; }   # KiB (from time -f %M) -> MB
tfield() { tail -1 "$1" 2>/dev/null | cut -d' ' -f"$2"; }   # field of /usr/bin/time's line: 1 RSS, 2 wall, 3 user, 4 sys
cpu_of() { calc "$(tfield "$1" 3) + $(tfield "$1" 4)"; }     # user + system seconds from a time file
# record_transfer LABEL VERIFIED T0_NS T1_NS SENDER_TIME_FILE RECEIVER_TIME_FILE: the figures of one transfer
record_transfer() {
    res "$1.verified" "$2"
    res "$1.seconds" "$(calc "($4 - $3) / 1e9")"
    res "$1.mb_per_s" "$(calc "$BYTES / (($4 - $3) / 1e9) / 1e6")"
    res "$1.sender_rss_mb" "$(rss_mb "$(tfield "$5" 1)")"
    res "$1.receiver_rss_mb" "$(rss_mb "$(tfield "$6" 1)")"
    res "$1.cpu_s_per_gib" "$(calc "($(cpu_of "$5") + $(cpu_of "$6")) / ($BYTES / 1073741824)")"
}
BYTES=$FILE_BYTES   # what the transfer being measured moves
GIB=$(calc "$FILE_BYTES / 1073741824")

# wormhole_transfer LABEL WHAT: magic-wormhole sends WHAT (a file or a folder) through a local
# mailbox server and transit relay, the pair in its own network namespace (wormhole-pair.sh);
# wall time from `wormhole send` to both ends' exit, RSS and CPU of both ends; verified against
# the source (a folder: every file's path and SHA-256)
wormhole_transfer() {   # [files-only]: compare files only (wormhole's zip leaves empty folders out)
    local label=$1 what=$2 only=${3:-} out=$WORK/$1-received rc=0 line got ok=no
    rm -rf "$out"; mkdir -p "$out"
    start "$label" unshare -n "$HERE/wormhole-pair.sh" "$what" "$out" "$WORK/$label"
    wait "$STARTED_PID" || rc=$?
    forget "$STARTED_PID"
    line=$(grep '^WHRESULT' "$WORK/$label.out" || true)
    [[ -n $line ]] || die "$label: wormhole-pair.sh failed (see $WORK/$label.err, $WORK/$label-*.err)"
    got=$out/$(basename "$what")
    if (( rc == 0 )) && [[ -e $got ]] && [[ $(content_sha "$got" $only) == $(expected_sha "$what" $only) ]]; then ok=yes; fi
    res "$label.exit" "$rc"
    res "$label.verified" "$ok"
    res "$label.seconds" "$(field " $line" seconds)"
    res "$label.mb_per_s" "$(calc "$BYTES / $(field " $line" seconds) / 1e6")"
    res "$label.sender_rss_mb" "$(rss_mb "$(tfield "$WORK/$label-send.time" 1)")"
    res "$label.receiver_rss_mb" "$(rss_mb "$(tfield "$WORK/$label-receive.time" 1)")"
    res "$label.cpu_s_per_gib" "$(calc "($(cpu_of "$WORK/$label-send.time") + $(cpu_of "$WORK/$label-receive.time")) / ($BYTES / 1073741824)")"
    rm -rf "$out"
    [[ $ok == yes ]] || log "$label: transfer NOT verified (exit $rc; see $WORK/$label-*.err)"
}
declare -A EXPECTED_SHA
expected_sha() { # SOURCE [files-only]: the content_sha of a source, computed once
    local key="$1 ${2:-}"
    [[ -n ${EXPECTED_SHA[$key]:-} ]] || EXPECTED_SHA[$key]=$(content_sha "$1" "${2:-}")
    echo "${EXPECTED_SHA[$key]}"
}
# content_sha FILE|FOLDER [files-only]: the SHA-256 of a file, or of a folder's listing (every
# path, folders included unless files-only) with each file's SHA-256
content_sha() {
    if [[ -f $1 ]]; then sha256sum "$1" | cut -d' ' -f1; return; fi
    local folders=(find . -type d)
    [[ ${2:-} != files-only ]] || folders=(true)
    (cd "$1" && { "${folders[@]}" | LC_ALL=C sort; find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum; } \
        | sha256sum | cut -d' ' -f1)
}

# p2pchat_transfer LABEL JAVA_OPTS_SENDER JAVA_OPTS_RECEIVER: `listen --once` on bob, `send` on
# alice; wall time of `send` (JVM start to exit after the receiver's FILE_RESULT), peak RSS of
# both, the received file's SHA-256 checked against the source
p2pchat_transfer() {   # [WHAT]: a file or folder to send instead of $SRC
    local label=$1 send_opts=$2 listen_opts=$3 what=${4:-$SRC} i rc
    rm -rf "$WORK/home-bob/downloads"
    start "$label-listen" env P2PCHAT_JAVA_OPTS="$listen_opts" /usr/bin/time -f '%M %e %U %S' -o "$WORK/$label-listen.time" \
        "$P2P" --home "$WORK/home-bob" listen --once --accept auto
    local listen_pid=$STARTED_PID
    for (( i = 0; i < 1200; i++ )); do
        grep -q "Online as" "$WORK/$label-listen.err" 2>/dev/null && break
        kill -0 "$listen_pid" 2>/dev/null || die "listen exited (see $WORK/$label-listen.err)"
        sleep 0.05
    done
    grep -q "Online as" "$WORK/$label-listen.err" || die "listen did not come online (see $WORK/$label-listen.err)"
    local t0; t0=$(now_ns)
    rc=0
    P2PCHAT_JAVA_OPTS="$send_opts" /usr/bin/time -f '%M %e %U %S' -o "$WORK/$label-send.time" \
        "$P2P" --home "$WORK/home-alice" send "$BOB" "$what" </dev/null >"$WORK/$label-send.out" 2>"$WORK/$label-send.err" || rc=$?
    local t1; t1=$(now_ns)
    for (( i = 0; i < 600; i++ )); do kill -0 "$listen_pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$listen_pid" 2>/dev/null; then log "$label: listen still running after the transfer; stopping it"; stop_group "$listen_pid" 5; fi
    wait "$listen_pid" 2>/dev/null || true
    forget "$listen_pid"
    local got ok=no
    got="$WORK/home-bob/downloads/$(basename "$what")"
    if (( rc == 0 )) && [[ -e $got ]] && [[ $(content_sha "$got") == $(expected_sha "$what") ]]; then ok=yes; fi
    res "$label.exit" "$rc"
    record_transfer "$label" "$ok" "$t0" "$t1" "$WORK/$label-send.time" "$WORK/$label-listen.time"
    local line; line=$(grep -o "Sent .* in .*verified" "$WORK/$label-send.err" | tail -1 || true)
    res "$label.cli_says" "\"${line:-?}\""
    rm -rf "$got"
    [[ $ok == yes ]] || log "$label: transfer NOT verified (exit $rc; see $WORK/$label-send.err, $WORK/$label-listen.err)"
}

# pipe_transfer LABEL [--fsync false]: the plain Java TLS 1.3 pipe, same JVM flags, disk to disk
pipe_transfer() {
    local label=$1 i; shift
    rm -f "$WORK/pipe.port" "$WORK/pipe-received.bin"
    # shellcheck disable=SC2086
    start "$label-recv" /usr/bin/time -f '%M %e %U %S' -o "$WORK/$label-recv.time" \
        java $PEER_JAVA_OPTS -cp "$HARNESS_CP" TlsPipe receive --home "$WORK/pipe-id-recv" \
        --out "$WORK/pipe-received.bin" --port-file "$WORK/pipe.port" "$@"
    local recv_pid=$STARTED_PID
    for (( i = 0; i < 1200; i++ )); do [[ -f $WORK/pipe.port ]] && break; sleep 0.05; done
    [[ -f $WORK/pipe.port ]] || die "TlsPipe receiver did not start (see $WORK/$label-recv.err)"
    local t0 t1 rc=0
    t0=$(now_ns)
    # shellcheck disable=SC2086
    /usr/bin/time -f '%M %e %U %S' -o "$WORK/$label-send.time" java $PEER_JAVA_OPTS -cp "$HARNESS_CP" TlsPipe send \
        --home "$WORK/pipe-id-send" --port "$(cat "$WORK/pipe.port")" --file "$SRC" \
        >"$WORK/$label-send.out" 2>"$WORK/$label-send.err" || rc=$?
    t1=$(now_ns)
    wait "$recv_pid" 2>/dev/null || true
    forget "$recv_pid"
    local ok=no
    if (( rc == 0 )) && [[ $(sha256sum "$WORK/pipe-received.bin" | cut -d' ' -f1) == "$SRC_SHA" ]]; then ok=yes; fi
    record_transfer "$label" "$ok" "$t0" "$t1" "$WORK/$label-send.time" "$WORK/$label-recv.time"
    rm -f "$WORK/pipe-received.bin"
}

# a private sshd on a free loopback port, key-only root login, for scp
SSH_DIR=$WORK/ssh
start_sshd() {
    mkdir -p "$SSH_DIR"
    if [[ ! -d /run/sshd ]]; then mkdir -p /run/sshd && chmod 0755 /run/sshd && MADE_RUN_SSHD=1; fi
    ssh-keygen -q -t ed25519 -N '' -f "$SSH_DIR/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$SSH_DIR/user_key"
    cp "$SSH_DIR/user_key.pub" "$SSH_DIR/authorized_keys"
    SSH_PORT=$(free_port)
    cat >"$SSH_DIR/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSH_DIR/host_key
PidFile $SSH_DIR/sshd.pid
AuthorizedKeysFile $SSH_DIR/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
    start sshd /usr/sbin/sshd -D -e -f "$SSH_DIR/sshd_config"
    SSHD_PID=$STARTED_PID
    local i
    for (( i = 0; i < 200; i++ )); do
        ss -Htln "sport = :$SSH_PORT" | grep -q . && return 0
        sleep 0.05
    done
    die "sshd did not start (see $WORK/sshd.err)"
}
SSH_OPTS=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR)
# CPU ticks of a process, its children still running, and its reaped children (utime stime cutime cstime)
cpu_ticks() {
    local pid total=0
    for pid in "$1" $(pgrep -P "$1" 2>/dev/null); do
        total=$(( total + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)
scp_transfer() { # LABEL [scp options...]
    local label=$1; shift
    local t0 t1 rc=0 c0 c1
    c0=$(cpu_ticks "$SSHD_PID")
    t0=$(now_ns)
    /usr/bin/time -f '%M %e %U %S' -o "$WORK/$label.time" \
        scp -q -P "$SSH_PORT" -i "$SSH_DIR/user_key" "${SSH_OPTS[@]}" "$@" "$SRC" "root@127.0.0.1:$WORK/scp-received.bin" \
        >"$WORK/$label.out" 2>"$WORK/$label.err" || rc=$?
    t1=$(now_ns)
    sleep 0.2   # let sshd reap its session process, whose CPU time then counts as its children's
    c1=$(cpu_ticks "$SSHD_PID")
    res "$label.cpu_s_per_gib" "$(calc "($(cpu_of "$WORK/$label.time") + ($c1 - $c0) / $CLK_TCK) / $GIB")"
    local ok=no
    if (( rc == 0 )) && [[ $(sha256sum "$WORK/scp-received.bin" | cut -d' ' -f1) == "$SRC_SHA" ]]; then ok=yes; fi
    res "$label.verified" "$ok"
    res "$label.seconds" "$(calc "($t1 - $t0) / 1e9")"
    res "$label.mb_per_s" "$(calc "$FILE_BYTES / (($t1 - $t0) / 1e9) / 1e6")"
    rm -f "$WORK/scp-received.bin"
}

# the transfer rows and details of the table (both scopes)
transfer_rows() {
    local tr_ratio scp_ratio wh_ratio xmx_done
    tr_ratio=$(ratio "${R[transfer.p2pchat_mb_per_s]}" "${R[transfer.pipe_mb_per_s]}")
    scp_ratio=$(ratio "${R[transfer.p2pchat_mb_per_s]}" "${R[scp.mb_per_s]}")
    wh_ratio=$(ratio "${R[transfer.p2pchat_mb_per_s]}" "${R[transfer.wormhole_mb_per_s]}")
    xmx_done=$([[ ${R[xmx64.verified]} == yes ]] && echo "completed, verified" || echo "FAILED (exit ${R[xmx64.exit]})")
    TRANSFER_ROWS="| file transfer, $FILE_MIB MiB tmpfs → disk, \`send\` → \`listen\` vs magic-wormhole (MB/s, end to end, verified: ${R[transfer.all_verified]} / ${R[transfer.wormhole_verified]}) | $(fmt "${R[transfer.p2pchat_mb_per_s]}") | (w) magic-wormhole $(fmt "${R[transfer.wormhole_mb_per_s]}") | $wh_ratio | ≥ 2 × (w) | $(met "$wh_ratio >= 2") |
| file transfer CPU, both ends together (CPU-s per GiB) | $(fmt "${R[transfer.p2pchat_cpu_s_per_gib]}") | (w) magic-wormhole $(fmt "${R[transfer.wormhole_cpu_s_per_gib]}") | $(ratio "${R[transfer.p2pchat_cpu_s_per_gib]}" "${R[transfer.wormhole_cpu_s_per_gib]}") × (w) | ≤ 3 CPU-s | $(met "${R[transfer.p2pchat_cpu_s_per_gib]} <= 3") |
| file transfer vs the Java TLS pipe (MB/s) | $(fmt "${R[transfer.p2pchat_mb_per_s]}") | (a) Java TLS 1.3 pipe $(fmt "${R[transfer.pipe_mb_per_s]}") | $tr_ratio | ≥ 0.6 × (a) | $(met "$tr_ratio >= 0.6") |
| file transfer vs scp (MB/s) | $(fmt "${R[transfer.p2pchat_mb_per_s]}") | (b) scp, ${R[scp.cipher]} $(fmt "${R[scp.mb_per_s]}") | $scp_ratio | ≥ 2.5 × (b) | $(met "$scp_ratio >= 2.5") |
| file transfer CPU cost, both ends (CPU-s per GiB, information: robust to other load) | $(fmt "${R[transfer.p2pchat_cpu_s_per_gib]}") | (a) pipe $(fmt "${R[transfer.pipe_cpu_s_per_gib]}"); (b) scp $(fmt "${R[scp.cpu_s_per_gib]}") | $(ratio "${R[transfer.p2pchat_cpu_s_per_gib]}" "${R[transfer.pipe_cpu_s_per_gib]}") × (a) | — | — |
| transfer memory: sender peak RSS (MB) | $(fmt "${R[transfer.sender_rss_mb]}") | — | — | ≤ 200 | $(met "${R[transfer.sender_rss_mb]} <= 200") |
| transfer memory: receiver peak RSS (MB) | $(fmt "${R[transfer.receiver_rss_mb]}") | — | — | ≤ 200 | $(met "${R[transfer.receiver_rss_mb]} <= 200") |
| transfer with \`-Xmx64m\` on both peers | $xmx_done, $(fmt "${R[xmx64.mb_per_s]}") MB/s, RSS $(fmt "${R[xmx64.sender_rss_mb]}") / $(fmt "${R[xmx64.receiver_rss_mb]}") MB | — | — | completes | $(met "\"${R[xmx64.verified]}\" == \"yes\"") |
| folder: $TREE_SMALL × 4 KiB in $TREE_DIRS folders + $TREE_LARGE × $TREE_LARGE_MIB MiB, \`send NAME DIR\` (s, end to end, verified: ${R[tree.verified]}) | $(fmt "${R[tree.p2pchat_s]}") | (w) magic-wormhole (zips first) $(fmt "${R[tree.wormhole_s]}") | $(ratio "${R[tree.wormhole_s]}" "${R[tree.p2pchat_s]}") × as fast | ≥ 2 × as fast | $(met "$(ratio "${R[tree.wormhole_s]}" "${R[tree.p2pchat_s]}") >= 2") |
| chat latency during a $FILE_MIB MiB transfer on the same session, 64-byte CHAT round trip (ms; p50 / p99 of ${R[chat_during_transfer.n]}) | $(fmt "$(calc "${R[chat_during_transfer.p50_us]} / 1000")") / $(fmt "$(calc "${R[chat_during_transfer.p99_us]} / 1000")") | — | — | p99 ≤ 50 ms | $(met "${R[chat_during_transfer.p99_us]} <= 50000") |
| folder CPU, both ends together (CPU-s) | $(fmt "${R[tree.p2pchat_cpu_s]}") | (w) magic-wormhole $(fmt "${R[tree.wormhole_cpu_s]}") | $(ratio "${R[tree.p2pchat_cpu_s]}" "${R[tree.wormhole_cpu_s]}") | — | — |"
    TRANSFER_DETAILS="- File transfer: best of $TRANSFER_ROUNDS alternating rounds each (p2pchat MB/s per round: $(for (( r = 1; r <= TRANSFER_ROUNDS; r++ )); do printf '%s ' "$(fmt "${R[p2p$r.mb_per_s]}")"; done); magic-wormhole: $(for (( r = 1; r <= TRANSFER_ROUNDS; r++ )); do printf '%s ' "$(fmt "${R[wh$r.mb_per_s]}")"; done); pipe: $(for (( r = 1; r <= TRANSFER_ROUNDS; r++ )); do printf '%s ' "$(fmt "${R[pipe$r.mb_per_s]}")"; done)). magic-wormhole peak RSS sender/receiver: $(fmt "${R[wh1.sender_rss_mb]}") / $(fmt "${R[wh1.receiver_rss_mb]}") MB (it does not fsync what it received). The CLI itself reported: ${R[p2p1.cli_says]}. scp with aes128-gcm@openssh.com: $(fmt "${R[scp-aes128gcm.mb_per_s]}") MB/s. The TLS pipe without its final fsync (scp does none): $(fmt "${R[pipe-nofsync.mb_per_s]}") MB/s. TLS pipe peak RSS sender/receiver: $(fmt "${R[pipe1.sender_rss_mb]}") / $(fmt "${R[pipe1.receiver_rss_mb]}") MB."
}
# report: the table, the machine and the details into results.md, and on the terminal
report() {
    local command="bench/run.sh"
    [[ $MODE == quick ]] && command+=" --quick"
    (( PROFILE )) && command+=" --profile"
    [[ $SCOPE == transfers ]] && command+=" --transfers"
    {
        echo "## Results ($MODE run, $(date -u +'%Y-%m-%d %H:%M UTC'))"
        echo
        echo "Command: \`$command\`"
        echo
        echo "$TABLE"
        echo
        echo "### Machine"
        echo
        echo "| | |"
        echo "|---|---|"
        echo "$MACHINE"
        echo
        echo "### Details"
        echo
        echo "$DETAILS"
    } >"$RESULTS/results.md"
    cat "$RESULTS/results.md"
    log "done in $(fmt "$RUN_SECONDS") s; results in $RESULTS"
}

log "file transfer: $FILE_MIB MiB tmpfs -> disk, p2pchat vs magic-wormhole vs TLS pipe (x$TRANSFER_ROUNDS, alternating), then scp"
res transfer.load_at_start "\"$(loadavg)\""
start_sshd
SSH_CIPHER=$(ssh -v -p "$SSH_PORT" -i "$SSH_DIR/user_key" "${SSH_OPTS[@]}" root@127.0.0.1 true 2>&1 \
    | sed -n 's/.*kex: server->client cipher: \([^ ]*\).*/\1/p' | head -1)
res scp.cipher "${SSH_CIPHER:-unknown}"
for (( round = 1; round <= TRANSFER_ROUNDS; round++ )); do
    if (( round == 1 )); then
        p2pchat_transfer "p2p$round" "$PEER_JAVA_OPTS $(jfr_opt cli-send)" "$PEER_JAVA_OPTS $(jfr_opt cli-listen)"
    else
        p2pchat_transfer "p2p$round" "$PEER_JAVA_OPTS" "$PEER_JAVA_OPTS"
    fi
    wormhole_transfer "wh$round" "$SRC"
    pipe_transfer "pipe$round"
done
scp_transfer scp
scp_transfer scp-aes128gcm -c aes128-gcm@openssh.com
pipe_transfer pipe-nofsync --fsync false   # information: what the final fsync costs
log "file transfer with -Xmx64m on both peers"
p2pchat_transfer xmx64 "$PEER_JAVA_OPTS -Xmx64m" "$PEER_JAVA_OPTS -Xmx64m"


best() { # PREFIX SUFFIX: the highest value of R[PREFIX<round>SUFFIX]
    local r v best=
    for (( r = 1; r <= TRANSFER_ROUNDS; r++ )); do
        v=${R[$1$r$2]}
        if [[ -z $best ]] || awk "BEGIN { exit !($v > $best) }"; then best=$v; fi
    done
    echo "$best"
}
maxof() { # PREFIX SUFFIX: the highest value (peak memory over the rounds)
    best "$@"
}
lowest() { # PREFIX SUFFIX [ROUNDS]: the lowest value over the rounds
    local r
    for (( r = 1; r <= ${3:-$TRANSFER_ROUNDS}; r++ )); do echo "${R[$1$r$2]}"; done | sort -g | head -1
}
res transfer.p2pchat_mb_per_s "$(best p2p .mb_per_s)"
res transfer.pipe_mb_per_s "$(best pipe .mb_per_s)"
res transfer.wormhole_mb_per_s "$(best wh .mb_per_s)"
res transfer.wormhole_cpu_s_per_gib "$(lowest wh .cpu_s_per_gib)"
res transfer.p2pchat_cpu_s_per_gib "$(lowest p2p .cpu_s_per_gib)"
res transfer.pipe_cpu_s_per_gib "$(lowest pipe .cpu_s_per_gib)"
res transfer.sender_rss_mb "$(maxof p2p .sender_rss_mb)"
res transfer.receiver_rss_mb "$(maxof p2p .receiver_rss_mb)"
all_verified=yes
for (( r = 1; r <= TRANSFER_ROUNDS; r++ )); do [[ ${R[p2p$r.verified]} == yes ]] || all_verified=no; done
res transfer.all_verified "$all_verified"
wh_verified=yes
for (( r = 1; r <= TRANSFER_ROUNDS; r++ )); do [[ ${R[wh$r.verified]} == yes ]] || wh_verified=no; done
res transfer.wormhole_verified "$wh_verified"

# A folder of many small files and a few large ones, in tmpfs: p2pchat sends the tree (offers
# pipelined), magic-wormhole zips it first and unpacks it on arrival
log "folder transfer: $TREE_SMALL files of 4 KiB in $TREE_DIRS folders + $TREE_LARGE of $TREE_LARGE_MIB MiB, p2pchat vs magic-wormhole (x$FOLDER_ROUNDS, alternating)"
TREE=$SHM/tree/bench-tree
mkdir -p "$TREE/empty"
for (( d = 0; d < TREE_DIRS; d++ )); do mkdir -p "$TREE/dir$d"; done
head -c "$(( TREE_SMALL * 4096 ))" /dev/urandom | split -a 5 -d -b 4096 - "$TREE/small-"
for (( i = 0; i < TREE_SMALL; i++ )); do
    printf -v f 'small-%05d' "$i"
    mv "$TREE/$f" "$TREE/dir$(( i % TREE_DIRS ))/$f"
done
for (( i = 0; i < TREE_LARGE; i++ )); do head -c "$(( TREE_LARGE_MIB * 1048576 ))" /dev/urandom >"$TREE/large-$i.bin"; done
BYTES=$(( TREE_SMALL * 4096 + TREE_LARGE * TREE_LARGE_MIB * 1048576 ))
res tree.bytes "$BYTES"
for (( round = 1; round <= FOLDER_ROUNDS; round++ )); do
    if (( round == 1 )); then
        p2pchat_transfer "p2ptree$round" "$PEER_JAVA_OPTS $(jfr_opt cli-send-tree)" "$PEER_JAVA_OPTS $(jfr_opt cli-listen-tree)" "$TREE"
    else
        p2pchat_transfer "p2ptree$round" "$PEER_JAVA_OPTS" "$PEER_JAVA_OPTS" "$TREE"
    fi
    wormhole_transfer "whtree$round" "$TREE" files-only
done
res tree.p2pchat_s "$(lowest p2ptree .seconds "$FOLDER_ROUNDS")"
res tree.wormhole_s "$(lowest whtree .seconds "$FOLDER_ROUNDS")"
res tree.p2pchat_cpu_s "$(calc "$(lowest p2ptree .cpu_s_per_gib "$FOLDER_ROUNDS") * $BYTES / 1073741824")"
res tree.wormhole_cpu_s "$(calc "$(lowest whtree .cpu_s_per_gib "$FOLDER_ROUNDS") * $BYTES / 1073741824")"
tree_verified=yes
for (( r = 1; r <= FOLDER_ROUNDS; r++ )); do
    [[ ${R[p2ptree$r.verified]} == yes && ${R[whtree$r.verified]} == yes ]] || tree_verified=no
done
res tree.verified "$tree_verified"
BYTES=$FILE_BYTES

log "chat latency during a $FILE_MIB MiB transfer on the same session (a CHAT echoed at a time until the file is confirmed)"
# shellcheck disable=SC2046,SC2086
java $PEER_JAVA_OPTS -cp "$HARNESS_CP" ChatLatency --home "$WORK/chat-ids" --warmup "$CHAT_WARMUP" \
    --during-transfer "$SRC" --downloads "$WORK/chat-downloads" >"$WORK/chat-during.out" 2>"$WORK/chat-during.err" \
    || die "ChatLatency --during-transfer failed (see $WORK/chat-during.err)"
while read -r _ key value; do res "$key" "$value"; done < <(grep '^RESULT' "$WORK/chat-during.out")
rm -rf "$WORK/chat-downloads" "$WORK/chat-downloads-partials"

if [[ $SCOPE == transfers ]]; then
    stop_group "$SMALL_PID" 30; forget "$SMALL_PID"
    LOAD_END=$(loadavg)
    RUN_SECONDS=$(calc "($(now_ns) - $RUN_START) / 1e9")
    res run.seconds "$RUN_SECONDS"
    if (( PROFILE )); then
        for f in "$JFR_DIR"/*.jfr; do [[ -f $f ]] && "$HERE/jfr-top.sh" "$f" 40 >"${f%.jfr}.top.txt" 2>&1 || true; done
    fi
    set +u
    transfer_rows
    TABLE="| figure | p2pchat | baseline | ratio | goal | met? |
|---|---|---|---|---|---|
$TRANSFER_ROWS"
    DETAILS="- Code: \`$CODE_VERSION\` (p2pchat.jar built $JAR_DATES, copied at the start of the run).
- Mode \`$MODE\`, transfers only; run time $(fmt "$RUN_SECONDS") s; load average at start $LOAD_START, at end $LOAD_END.
- JVM flags of the peer CLI and of every peer-side baseline: \`$PEER_JAVA_OPTS\`.
$TRANSFER_DETAILS"
    report
    exit 0
fi

log "chat latency: $CHAT_MESSAGES round trips each, p2pchat session vs raw JSSE, alternating blocks"
# shellcheck disable=SC2046,SC2086
java $PEER_JAVA_OPTS $(jfr_opt chat-latency) -cp "$HARNESS_CP" ChatLatency --home "$WORK/chat-ids" \
    --messages "$CHAT_MESSAGES" --warmup "$CHAT_WARMUP" >"$WORK/chat.out" 2>"$WORK/chat.err" \
    || die "ChatLatency failed (see $WORK/chat.err)"
while read -r _ key value; do res "$key" "$value"; done < <(grep '^RESULT' "$WORK/chat.out")


# ============================================================================= directory
login_token() { # URL USER
    curl -fsS -X POST "$1/api/v1/sessions" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$2\",\"password\":\"$PASSWORD\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
BIG_TOKEN=$(login_token "$BIG_URL" user1)
SMALL_TOKEN=$(login_token "$SMALL_URL" user1)
[[ -n $BIG_TOKEN && -n $SMALL_TOKEN ]] || die "could not log in to the directories"

# nginx serving a static JSON of the same size as a real answer (an online peer's)
NGINX_DIR=$WORK/nginx
mkdir -p "$NGINX_DIR/www" "$NGINX_DIR/tmp"
curl -fsS "$BIG_URL/api/v1/peers/user2" -H "Authorization: Bearer $BIG_TOKEN" >"$NGINX_DIR/www/peer.json"
res lookup.body_bytes "$(stat -c %s "$NGINX_DIR/www/peer.json")"
NGINX_PORT=$(free_port)
sed -e "s|@WORK@|$NGINX_DIR|g" -e "s|@PORT@|$NGINX_PORT|g" "$HERE/nginx.conf.in" >"$NGINX_DIR/nginx.conf"
start nginx nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -g 'daemon off;'
NGINX_PID=$STARTED_PID
for (( i = 0; i < 200; i++ )); do curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT/api/v1/peers/x" && break; sleep 0.05; done
curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT/api/v1/peers/x" || die "nginx did not start (see $WORK/nginx.err)"

# wrk_lookups LABEL URL TOKEN USERS SECONDS [SERVER_PID] [PARITY] -> WRKRESULT line (plus the
# server's CPU milliseconds per request when SERVER_PID is given), also in $WORK/LABEL.wrk.
# PARITY odd: only users with a key log entry (answers carry proofs); even: only users without.
wrk_lookups() {
    local c0=0 c1=0
    [[ -z ${6:-} ]] || c0=$(cpu_ticks "$6")
    wrk -t2 -c64 -d"$5"s --timeout 10s -s "$HERE/lua/lookup.lua" "$2" -- "$3" "$4" ${7:-} >"$WORK/$1.wrk" 2>&1 \
        || die "wrk failed (see $WORK/$1.wrk)"
    [[ -z ${6:-} ]] || c1=$(cpu_ticks "$6")
    local line requests
    line=$(grep '^WRKRESULT' "$WORK/$1.wrk")
    requests=$(field " $line" requests)
    if [[ -n ${6:-} ]] && (( requests > 0 )); then
        line+=" cpu_ms_per_req=$(calc "($c1 - $c0) * 1000 / $CLK_TCK / $requests")"
    fi
    echo "$line"
}
record_wrk() { # LABEL LINE
    local key
    for key in rps p50_ms p99_ms requests err_connect err_read err_write err_timeout err_status ok_per_s ok cpu_ms_per_req; do
        local v; v=$(field " $2" "$key")
        [[ -z $v ]] || res "$1.$key" "$v"
    done
    res "$1.failed" "$(( $(field " $2" err_connect) + $(field " $2" err_read) + $(field " $2" err_write) \
        + $(field " $2" err_timeout) + $(field " $2" err_status) ))"
}

# The directory's JIT needs tens of thousands of requests (minutes on a busy 2-core machine)
# before its cost per request settles. Both directories are warmed at the same time, in chunks,
# until the server CPU per request of each has improved by less than 10 % twice in a row (at
# least WARM_MIN_CHUNKS chunks — C2 reaches intermediate plateaus, so the minimum is long —, at
# most WARM_MAX_CHUNKS).
warm_directories() {
    local i cb cs pb='' ps='' flat_b=0 flat_s=0 pid_b pid_s
    for (( i = 1; i <= WARM_MAX_CHUNKS; i++ )); do
        wrk_lookups "warm-big-$i" "$BIG_URL" "$BIG_TOKEN" "$ACCOUNTS" "$WARM_CHUNK" "$BIG_PID" >"$WORK/warm-big-$i.line" &
        pid_b=$!
        wrk_lookups "warm-small-$i" "$SMALL_URL" "$SMALL_TOKEN" "$SMALL_ACCOUNTS" "$WARM_CHUNK" "$SMALL_PID" \
            >"$WORK/warm-small-$i.line" &
        pid_s=$!
        wait "$pid_b"
        wait "$pid_s"
        cb=$(field " $(cat "$WORK/warm-big-$i.line")" cpu_ms_per_req)
        cs=$(field " $(cat "$WORK/warm-small-$i.line")" cpu_ms_per_req)
        R[warm-big.trend]+="$(fmt "$cb") "
        R[warm-small.trend]+="$(fmt "$cs") "
        if [[ -n $pb ]] && awk "BEGIN { exit !($cb > 0.9 * $pb) }"; then flat_b=$(( flat_b + 1 )); else flat_b=0; fi
        if [[ -n $ps ]] && awk "BEGIN { exit !($cs > 0.9 * $ps) }"; then flat_s=$(( flat_s + 1 )); else flat_s=0; fi
        pb=$cb; ps=$cs
        if (( i >= WARM_MIN_CHUNKS && flat_b >= 2 && flat_s >= 2 )); then break; fi
    done
    res warm.seconds "$(( (i > WARM_MAX_CHUNKS ? WARM_MAX_CHUNKS : i) * WARM_CHUNK ))"
    res warm-big.trend "\"${R[warm-big.trend]}\""
    res warm-small.trend "\"${R[warm-small.trend]}\""
}
log "directory lookups: warm-up (both directories until their CPU per request settles; nginx ${WRK_WARMUP}s)"
warm_directories
wrk_lookups warm-nginx "http://127.0.0.1:$NGINX_PORT" "$BIG_TOKEN" "$ACCOUNTS" "$WRK_WARMUP" >/dev/null
res lookup.load_at_start "\"$(loadavg)\""
for (( round = 1; round <= ROUNDS; round++ )); do
    log "directory lookups round $round/$ROUNDS: nginx, $ACCOUNTS accounts, $SMALL_ACCOUNTS accounts (wrk -t2 -c64 -d${WRK_SECONDS}s)"
    record_wrk "nginx$round" "$(wrk_lookups "nginx$round" "http://127.0.0.1:$NGINX_PORT" "$BIG_TOKEN" "$ACCOUNTS" "$WRK_SECONDS" "$NGINX_PID")"
    (( PROFILE && round == ROUNDS )) && jfr_start "$BIG_PID" directory-lookups
    record_wrk "big$round" "$(wrk_lookups "big$round" "$BIG_URL" "$BIG_TOKEN" "$ACCOUNTS" "$WRK_SECONDS" "$BIG_PID" even)"
    (( PROFILE && round == ROUNDS )) && jfr_stop "$BIG_PID" directory-lookups
    record_wrk "proofs$round" "$(wrk_lookups "proofs$round" "$BIG_URL" "$BIG_TOKEN" "$ACCOUNTS" "$WRK_SECONDS" "$BIG_PID" odd)"
    record_wrk "small$round" "$(wrk_lookups "small$round" "$SMALL_URL" "$SMALL_TOKEN" "$SMALL_ACCOUNTS" "$WRK_SECONDS" "$SMALL_PID")"
done
median() { # PREFIX SUFFIX -> median over the rounds
    local r
    for (( r = 1; r <= ROUNDS; r++ )); do echo "${R[$1$r$2]}"; done | sort -g \
        | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
res lookup.nginx_rps "$(median nginx .rps)"
res lookup.big_rps "$(median big .rps)"
res lookup.small_rps "$(median small .rps)"
res lookup.nginx_p99_ms "$(median nginx .p99_ms)"
res lookup.big_p99_ms "$(median big .p99_ms)"
res lookup.small_p99_ms "$(median small .p99_ms)"
res lookup.nginx_cpu_ms "$(median nginx .cpu_ms_per_req)"
res lookup.big_cpu_ms "$(median big .cpu_ms_per_req)"
res keylog.proofs_rps "$(median proofs .rps)"
res keylog.proofs_p99_ms "$(median proofs .p99_ms)"
res keylog.proofs_cpu_ms "$(median proofs .cpu_ms_per_req)"
curl -fsS "$BIG_URL/api/v1/peers/user1" -H "Authorization: Bearer $BIG_TOKEN" >"$WORK/peer-with-proof.json"
res keylog.body_bytes "$(stat -c %s "$WORK/peer-with-proof.json")"
res lookup.small_cpu_ms "$(median small .cpu_ms_per_req)"
failed=0
for (( r = 1; r <= ROUNDS; r++ )); do failed=$(( failed + ${R[big$r.failed]} + ${R[proofs$r.failed]} + ${R[small$r.failed]} )); done
res lookup.failed "$failed"

log "connection setup (against the warmed-up directory): $CONNECTS connections each, lookup+TCP+TLS+HELLO vs bare TLS 1.3 handshake"
# shellcheck disable=SC2046,SC2086
java $PEER_JAVA_OPTS $(jfr_opt connect-setup) -cp "$HARNESS_CP" ConnectSetup --server "$SMALL_URL" \
    --home "$WORK/connect-ids" --count "$CONNECTS" --warmup "$CONNECT_WARMUP" >"$WORK/connect.out" 2>"$WORK/connect.err" \
    || die "ConnectSetup failed (see $WORK/connect.err)"
while read -r _ key value; do res "$key" "$value"; done < <(grep '^RESULT' "$WORK/connect.out")

log "logins: BCrypt baseline on $BCRYPT_POOL thread(s) (the pool), the login benchmark (wrk -c$LOGIN_CONNECTIONS), BCrypt on $CORES threads"
bcrypt_rate() { # THREADS -> per second
    java -cp "$WORK/classes:$CRYPTO_JAR" BcryptRate rate --cost "$BCRYPT_COST" --threads "$1" --seconds "$BCRYPT_SECONDS" \
        --password "$PASSWORD" | sed -n 's/^RESULT bcrypt.per_s //p'
}
# warm the login path (JIT) first
wrk -t1 -c"$LOGIN_CONNECTIONS" -d"$WRK_WARMUP"s --timeout 60s -s "$HERE/lua/login.lua" "$BIG_URL" -- "$PASSWORD" "$ACCOUNTS" \
    >"$WORK/warm-login.wrk" 2>&1 || true
# alternating halves (BCrypt alone, logins, BCrypt alone, logins) so that drifting load hits both
HALF=$(( LOGIN_SECONDS / 2 > 1 ? LOGIN_SECONDS / 2 : 1 ))
for half in 1 2; do
    res "bcrypt_pool$half.per_s" "$(BCRYPT_SECONDS=$HALF bcrypt_rate "$BCRYPT_POOL")"
    (( PROFILE && half == 2 )) && jfr_start "$BIG_PID" directory-logins
    wrk -t1 -c"$LOGIN_CONNECTIONS" -d"$HALF"s --timeout 60s -s "$HERE/lua/login.lua" "$BIG_URL" -- "$PASSWORD" "$ACCOUNTS" \
        >"$WORK/login$half.wrk" 2>&1 || die "wrk (logins) failed (see $WORK/login$half.wrk)"
    (( PROFILE && half == 2 )) && jfr_stop "$BIG_PID" directory-logins
    record_wrk "login$half" "$(grep '^WRKRESULT' "$WORK/login$half.wrk")"
done
res bcrypt.pool_per_s "$(calc "(${R[bcrypt_pool1.per_s]} + ${R[bcrypt_pool2.per_s]}) / 2")"
res login.ok "$(( ${R[login1.ok]} + ${R[login2.ok]} ))"
res login.ok_per_s "$(calc "(${R[login1.ok_per_s]} + ${R[login2.ok_per_s]}) / 2")"
res login.p50_ms "${R[login2.p50_ms]}"
res login.err_status "$(( ${R[login1.err_status]} + ${R[login2.err_status]} ))"
res bcrypt.all_cores_per_s "$(bcrypt_rate "$CORES")"

log "lookups alone, then under a login flood (wrk -c$FLOOD_CONNECTIONS on POST /api/v1/sessions)"
record_wrk alone "$(wrk_lookups alone "$BIG_URL" "$BIG_TOKEN" "$ACCOUNTS" "$WRK_SECONDS" "$BIG_PID")"
start flood wrk -t1 -c"$FLOOD_CONNECTIONS" -d"$(( WRK_SECONDS + 3 ))"s --timeout 60s -s "$HERE/lua/login.lua" "$BIG_URL" \
    -- "$PASSWORD" "$ACCOUNTS"
FLOOD_PID=$STARTED_PID
sleep 1
(( PROFILE )) && jfr_start "$BIG_PID" directory-flood
record_wrk flooded "$(wrk_lookups flooded "$BIG_URL" "$BIG_TOKEN" "$ACCOUNTS" "$WRK_SECONDS" "$BIG_PID")"
(( PROFILE )) && jfr_stop "$BIG_PID" directory-flood
wait "$FLOOD_PID" 2>/dev/null || true
forget "$FLOOD_PID"
record_wrk flood "$(grep '^WRKRESULT' "$WORK/flood.out" || echo 'WRKRESULT requests=0 ok=0 err_connect=0 err_read=0 err_write=0 err_timeout=0 err_status=0')"

# ============================================================================= durability
# What WRITE_DELAY=0 (an acknowledged commit is on disk) costs: registrations one after the other
# on a fresh database, the directory's own JDBC URL vs the same without WRITE_DELAY (H2's default
# lets a commit wait up to 500 ms to be written). BCrypt cost 4, so that the disk dominates.
declare -A REG_PID REG_PORT REG_T0
start_reg_directory() { # VARIANT (durable or delayed): starts its directory on a fresh database
    local variant=$1 db=$WORK/db-$1 url=()
    mkdir -p "$db"
    REG_PORT[$variant]=$(free_port)
    [[ $variant == durable ]] || url=(SPRING_DATASOURCE_URL="jdbc:h2:file:$db/directory;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE")
    REG_T0[$variant]=$(now_ns)
    # shellcheck disable=SC2086
    start "dir-$variant" env DIRECTORY_DATA_DIR="$db" SERVER_PORT="${REG_PORT[$variant]}" DIRECTORY_BCRYPT_COST=4 \
        "${BENCH_DIRECTORY_ENV[@]}" "${url[@]}" \
        java $DIRECTORY_JAVA_OPTS -jar "$DIR_JAR"
    REG_PID[$variant]=$STARTED_PID
}

# ============================================================================= done measuring
if [[ $MODE == quick ]]; then
    # quick (numbers that mean little): both durability directories start while the measured
    # ones stop, rather than each start and stop in turn on a quiet machine as in a full run; and
    # the big one is not given the time to finish the logins the flood left queued (BCrypt cost
    # 12 on one thread: some 20 s of graceful shutdown that nobody reads), 2 s and then KILL
    start_reg_directory durable
    start_reg_directory delayed
    stop_group "$BIG_PID" 2 & stop_big=$!
    stop_group "$SMALL_PID" 30
    wait "$stop_big" || true
    forget "$BIG_PID"; forget "$SMALL_PID"
else
    stop_group "$BIG_PID" 30; forget "$BIG_PID"
    stop_group "$SMALL_PID" 30; forget "$SMALL_PID"
fi

log "durability: sequential registrations, WRITE_DELAY=0 (the directory's URL) vs H2's default write delay"
for variant in durable delayed; do
    [[ $MODE == quick ]] || start_reg_directory "$variant"
    port=${REG_PORT[$variant]}
    pid=${REG_PID[$variant]}
    await_healthy "dir-$variant" "$port" "${REG_T0[$variant]}" "$pid"
    wrk -t1 -c1 -d"$WRK_WARMUP"s --timeout 10s -s "$HERE/lua/register.lua" "http://127.0.0.1:$port" -- "warm" \
        >"$WORK/reg-$variant-warm.wrk" 2>&1 || die "wrk (registrations) failed (see $WORK/reg-$variant-warm.wrk)"
    wrk -t1 -c1 -d"$WRK_SECONDS"s --timeout 10s -s "$HERE/lua/register.lua" "http://127.0.0.1:$port" -- "reg" \
        >"$WORK/reg-$variant.wrk" 2>&1 || die "wrk (registrations) failed (see $WORK/reg-$variant.wrk)"
    record_wrk "reg_$variant" "$(grep '^WRKRESULT' "$WORK/reg-$variant.wrk")"
    stop_group "$pid" 30; forget "$pid"
done
LOAD_END=$(loadavg)
RUN_SECONDS=$(calc "($(now_ns) - $RUN_START) / 1e9")
res run.seconds "$RUN_SECONDS"

if (( PROFILE )); then
    log "summarizing profiles in $JFR_DIR"
    for f in "$JFR_DIR"/*.jfr; do
        [[ $f == */cli-version-* ]] && continue
        [[ -f $f ]] && "$HERE/jfr-top.sh" "$f" 40 >"${f%.jfr}.top.txt" 2>&1 || true
    done
    if ls "$JFR_DIR"/cli-version-*.jfr >/dev/null 2>&1; then   # the five short runs together
        "$HERE/jfr-top.sh" -n 40 "$JFR_DIR"/cli-version-*.jfr >"$JFR_DIR/cli-version.top.txt" 2>&1 || true
    fi
fi

# ----------------------------------------------------------------------------- the table
set +u   # a figure that could not be measured shows up empty rather than stopping the report
transfer_rows

chat_ratio=$(ratio "${R[chat.p2pchat_inline.p50_us]}" "${R[chat.jsse.p50_us]}")
conn_ratio=$(ratio "${R[connect.p2pchat.p50_us]}" "${R[connect.tls.p50_us]}")
look_ratio=$(ratio "${R[lookup.big_rps]}" "${R[lookup.nginx_rps]}")
scale_ratio=$(ratio "${R[lookup.big_p99_ms]}" "${R[lookup.small_p99_ms]}")
login_ratio=$(ratio "${R[login.ok_per_s]}" "${R[bcrypt.pool_per_s]}")
login_all_ratio=$(ratio "${R[login.ok_per_s]}" "${R[bcrypt.all_cores_per_s]}")
flood_ratio=$(ratio "${R[flooded.rps]}" "${R[alone.rps]}")
proofs_ratio=$(ratio "${R[keylog.proofs_rps]}" "${R[lookup.big_rps]}")
start_ratio=$(ratio "${R[startup.cli_median_ms]}" "${R[startup.java_median_ms]}")

TABLE="| figure | p2pchat | baseline | ratio | goal | met? |
|---|---|---|---|---|---|
$TRANSFER_ROWS
| chat latency p50, 64-byte CHAT round trip over a session (µs, $CHAT_MESSAGES msgs; each side's reader thread answers, as in the baseline) | $(fmt "${R[chat.p2pchat_inline.p50_us]}") | raw JSSE ping-pong $(fmt "${R[chat.jsse.p50_us]}") | $chat_ratio | ≤ 1.5 × | $(met "$chat_ratio <= 1.5") |
| chat latency p50 sent from a console thread (µs, information: adds one thread wake-up per round trip) | $(fmt "${R[chat.p2pchat.p50_us]}") | raw JSSE $(fmt "${R[chat.jsse.p50_us]}") | $(ratio "${R[chat.p2pchat.p50_us]}" "${R[chat.jsse.p50_us]}") | — | — |
| chat latency p99 over a session (µs) | $(fmt "${R[chat.p2pchat_inline.p99_us]}") | raw JSSE $(fmt "${R[chat.jsse.p99_us]}") | $(ratio "${R[chat.p2pchat_inline.p99_us]}" "${R[chat.jsse.p99_us]}") | ≤ 1000 µs | $(met "${R[chat.p2pchat_inline.p99_us]} <= 1000") |
| connection setup, lookup+TCP+TLS+HELLO, warm, median of $CONNECTS (ms) | $(fmt "$(calc "${R[connect.p2pchat.p50_us]} / 1000")") | bare TLS 1.3 handshake $(fmt "$(calc "${R[connect.tls.p50_us]} / 1000")") | $conn_ratio | ≤ 3 × | $(met "$conn_ratio <= 3") |
| directory lookups, $ACCOUNTS accounts, $ONLINE online (req/s, wrk -t2 -c64, median of $ROUNDS) | $(fmt "${R[lookup.big_rps]}") | nginx static JSON $(fmt "${R[lookup.nginx_rps]}") | $look_ratio | ≥ 0.2 × | $(met "$look_ratio >= 0.2") |
| directory lookups p99 (ms) | $(fmt "${R[lookup.big_p99_ms]}") | nginx $(fmt "${R[lookup.nginx_p99_ms]}") | $(ratio "${R[lookup.big_p99_ms]}" "${R[lookup.nginx_p99_ms]}") | ≤ 20 ms | $(met "${R[lookup.big_p99_ms]} <= 20") |
| directory lookup, server CPU per request (ms, information) | $(fmt "${R[lookup.big_cpu_ms]}") | nginx $(fmt "${R[lookup.nginx_cpu_ms]}") | $(ratio "${R[lookup.big_cpu_ms]}" "${R[lookup.nginx_cpu_ms]}") | — | — |
| directory lookups with key log proofs, $ACCOUNTS accounts, $(fmt "${R[keylog.log_entries]}") in the log (req/s, the odd users, median of $ROUNDS; body $(fmt "${R[keylog.body_bytes]}") B) | $(fmt "${R[keylog.proofs_rps]}") | lookups without (the even users, same rounds) $(fmt "${R[lookup.big_rps]}") | $proofs_ratio | ≥ 0.5 × | $(met "$proofs_ratio >= 0.5") |
| directory lookups with proofs p99 (ms); server CPU per request (ms) | $(fmt "${R[keylog.proofs_p99_ms]}"); $(fmt "${R[keylog.proofs_cpu_ms]}") | without: $(fmt "${R[lookup.big_p99_ms]}"); $(fmt "${R[lookup.big_cpu_ms]}") | $(ratio "${R[keylog.proofs_p99_ms]}" "${R[lookup.big_p99_ms]}") | — | — |
| key log growth per key event (\`first\`; bytes, information) | H2 file $(fmt "${R[keylog.log_file_bytes_per_entry]}"), row $(fmt "${R[keylog.log_row_bytes]}"), leaf $(fmt "${R[keylog.log_leaf_bytes]}"), + 64 in each instance's heap | — | — | — | — |
| directory scale: lookup p99, $ACCOUNTS vs $SMALL_ACCOUNTS accounts (ms) | $(fmt "${R[lookup.big_p99_ms]}") | itself at $SMALL_ACCOUNTS: $(fmt "${R[lookup.small_p99_ms]}") | $scale_ratio | ≤ 1.5 | $(met "$scale_ratio <= 1.5") |
| directory scale, server CPU per lookup (ms, information) | $(fmt "${R[lookup.big_cpu_ms]}") | itself at $SMALL_ACCOUNTS: $(fmt "${R[lookup.small_cpu_ms]}") | $(ratio "${R[lookup.big_cpu_ms]}" "${R[lookup.small_cpu_ms]}") | — | — |
| logins/s, correct passwords, BCrypt cost $BCRYPT_COST (wrk -c$LOGIN_CONNECTIONS) | $(fmt "${R[login.ok_per_s]}") | BCrypt checks/s on $BCRYPT_POOL thread(s) = the pool $(fmt "${R[bcrypt.pool_per_s]}") | $login_ratio | ≥ 0.85 × | $(met "$login_ratio >= 0.85") |
| logins/s vs all $CORES cores (information) | $(fmt "${R[login.ok_per_s]}") | BCrypt checks/s on $CORES threads $(fmt "${R[bcrypt.all_cores_per_s]}") | $login_all_ratio | — | — |
| lookups under a login flood (req/s; flood wrk -c$FLOOD_CONNECTIONS) | $(fmt "${R[flooded.rps]}") | lookups alone $(fmt "${R[alone.rps]}") | $flood_ratio | ≥ 0.5 × | $(met "$flood_ratio >= 0.5") |
| failed lookups during the flood | ${R[flooded.failed]} | — | — | 0 | $(met "${R[flooded.failed]} == 0") |
| startup: \`p2pchat --version\` (ms, median of $STARTUP_RUNS) | $(fmt "${R[startup.cli_median_ms]}") | \`java -version\` $(fmt "${R[startup.java_median_ms]}") | $start_ratio | ≤ 2.5 × | $(met "$start_ratio <= 2.5") |
| directory start to healthy (s), $ACCOUNTS / $SMALL_ACCOUNTS accounts | $(fmt "${R[dir-big.start_to_healthy_s]}") / $(fmt "${R[dir-small.start_to_healthy_s]}") | — | — | — | — |
| durability: sequential registrations with every commit on disk (\`WRITE_DELAY=0\`, BCrypt cost 4; per s) | $(fmt "${R[reg_durable.ok_per_s]}") | H2's default 500-ms write delay $(fmt "${R[reg_delayed.ok_per_s]}") | $(ratio "${R[reg_durable.ok_per_s]}" "${R[reg_delayed.ok_per_s]}") | — (information: the price of not losing acknowledged work) | — |"

DETAILS="- Code: \`$CODE_VERSION\` (p2pchat.jar / directory-service.jar built $JAR_DATES, copied at the start of the run).
- Mode \`$MODE\`; run time $(fmt "$RUN_SECONDS") s; load average at start $LOAD_START, at end $LOAD_END.
- JVM flags of the peer CLI and of every peer-side baseline: \`$PEER_JAVA_OPTS\`; directory: \`java ${DIRECTORY_JAVA_OPTS:-(defaults)} -jar\`.
$TRANSFER_DETAILS
- Chat latency (µs) p50/p90/p99/p99.9/max: p2pchat session $(fmt "${R[chat.p2pchat_inline.p50_us]}")/$(fmt "${R[chat.p2pchat_inline.p90_us]}")/$(fmt "${R[chat.p2pchat_inline.p99_us]}")/$(fmt "${R[chat.p2pchat_inline.p999_us]}")/$(fmt "${R[chat.p2pchat_inline.max_us]}"); p2pchat sent from a console thread $(fmt "${R[chat.p2pchat.p50_us]}")/$(fmt "${R[chat.p2pchat.p90_us]}")/$(fmt "${R[chat.p2pchat.p99_us]}")/$(fmt "${R[chat.p2pchat.p999_us]}")/$(fmt "${R[chat.p2pchat.max_us]}"); JSSE $(fmt "${R[chat.jsse.p50_us]}")/$(fmt "${R[chat.jsse.p90_us]}")/$(fmt "${R[chat.jsse.p99_us]}")/$(fmt "${R[chat.jsse.p999_us]}")/$(fmt "${R[chat.jsse.max_us]}").
- Connection setup (ms) p50/p90/p99: p2pchat $(fmt "$(calc "${R[connect.p2pchat.p50_us]} / 1000")")/$(fmt "$(calc "${R[connect.p2pchat.p90_us]} / 1000")")/$(fmt "$(calc "${R[connect.p2pchat.p99_us]} / 1000")"); bare TLS $(fmt "$(calc "${R[connect.tls.p50_us]} / 1000")")/$(fmt "$(calc "${R[connect.tls.p90_us]} / 1000")")/$(fmt "$(calc "${R[connect.tls.p99_us]} / 1000")"). p2pchat phases, median (ms): directory lookup $(fmt "$(calc "${R[connect.phase.lookup.p50_us]} / 1000")"), TCP + TLS with pinning $(fmt "$(calc "${R[connect.phase.tcp_tls.p50_us]} / 1000")"), HELLO exchange $(fmt "$(calc "${R[connect.phase.hello.p50_us]} / 1000")").
- Lookups per round (req/s, p99 ms) — nginx: $(for (( r = 1; r <= ROUNDS; r++ )); do printf '%s/%s ' "$(fmt "${R[nginx$r.rps]}")" "$(fmt "${R[nginx$r.p99_ms]}")"; done); $ACCOUNTS accounts: $(for (( r = 1; r <= ROUNDS; r++ )); do printf '%s/%s ' "$(fmt "${R[big$r.rps]}")" "$(fmt "${R[big$r.p99_ms]}")"; done) (the even users, no key log entry), with proofs (the odd users): $(for (( r = 1; r <= ROUNDS; r++ )); do printf '%s/%s ' "$(fmt "${R[proofs$r.rps]}")" "$(fmt "${R[proofs$r.p99_ms]}")"; done); $SMALL_ACCOUNTS accounts: $(for (( r = 1; r <= ROUNDS; r++ )); do printf '%s/%s ' "$(fmt "${R[small$r.rps]}")" "$(fmt "${R[small$r.p99_ms]}")"; done). Server CPU ms per request per round — nginx: $(for (( r = 1; r <= ROUNDS; r++ )); do printf '%s ' "$(fmt "${R[nginx$r.cpu_ms_per_req]}")"; done); $ACCOUNTS: $(for (( r = 1; r <= ROUNDS; r++ )); do printf '%s ' "$(fmt "${R[big$r.cpu_ms_per_req]}")"; done); $SMALL_ACCOUNTS: $(for (( r = 1; r <= ROUNDS; r++ )); do printf '%s ' "$(fmt "${R[small$r.cpu_ms_per_req]}")"; done). Warm-up (both directories at once, ${R[warm.seconds]} s), server CPU ms per request in ${WARM_CHUNK}-s chunks: $ACCOUNTS accounts ${R[warm-big.trend]}; $SMALL_ACCOUNTS accounts ${R[warm-small.trend]}. Failed lookups in these rounds: ${R[lookup.failed]}. Body: ${R[lookup.body_bytes]} bytes.
- Logins: ${R[login.ok]} logins in ${LOGIN_SECONDS} s (two halves alternating with the BCrypt baseline: $(fmt "${R[bcrypt_pool1.per_s]}") / $(fmt "${R[login1.ok_per_s]}") then $(fmt "${R[bcrypt_pool2.per_s]}") / $(fmt "${R[login2.ok_per_s]}") checks / logins per s), p50 $(fmt "${R[login.p50_ms]}") ms, non-2xx ${R[login.err_status]}; pool $BCRYPT_POOL thread(s), queue $BCRYPT_QUEUE. Flood: ${R[flood.requests]} requests, ${R[flood.ok]} logins, ${R[flood.err_status]} non-2xx (503 busy). Lookups under the flood p99 $(fmt "${R[flooded.p99_ms]}") ms (alone $(fmt "${R[alone.p99_ms]}") ms).
- Seeding both databases took $(fmt "${R[seed.seconds]}") s (one BCrypt hash, bulk INSERT ... SELECT).
- Durability, sequential registrations on one connection (p50 / p99 ms): every commit on disk $(fmt "${R[reg_durable.p50_ms]}") / $(fmt "${R[reg_durable.p99_ms]}"), H2's write delay $(fmt "${R[reg_delayed.p50_ms]}") / $(fmt "${R[reg_delayed.p99_ms]}"); failed: ${R[reg_durable.failed]} / ${R[reg_delayed.failed]}."

report
