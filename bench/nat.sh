#!/usr/bin/env bash
# The connection ladder in the NAT lab (peer-cli/src/test/nat/lab.sh): how long the real CLI
# takes to connect by each rung, how often two cone NATs are punched through, and a file sent
# directly vs through the relay, all in the same run. Needs root, ip and iptables (installed with
# apt when missing). See bench/README.md, "NAT lab".
#
#   bench/nat.sh [--quick] [--tries N] [--punch-tries P] [--mib M] [--rounds R] [--keep]
#
#   --tries N        connections per topology (default 5)
#   --punch-tries P  connections between two cone NATs, for the punch rate (default 20)
#   --mib M     the file for the throughput rows, in MiB (default 256)
#   --rounds R  direct/relayed transfers, alternating (default 3; the median is reported)
#   --quick     --tries 1 --punch-tries 2 --mib 16 --rounds 1: every path once, the numbers mean little
#   --keep      keep the scratch folder /tmp/p2pchat-nat.* (logs of every command)
#
# Results: bench/results/nat-<timestamp>/results.md, also printed at the end. Everything this
# script starts (namespaces, the directory, peers) is stopped on exit, whatever happens.
set -Eeuo pipefail

HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(dirname "$HERE")
LAB=$ROOT/peer-cli/src/test/nat/lab.sh
TRIES=5 PUNCH_TRIES=20 MIB=256 ROUNDS=3 KEEP=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) TRIES=1 PUNCH_TRIES=2 MIB=16 ROUNDS=1 ;;
        --tries) TRIES=${2:?}; shift ;;
        --punch-tries) PUNCH_TRIES=${2:?}; shift ;;
        --mib) MIB=${2:?}; shift ;;
        --rounds) ROUNDS=${2:?}; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/nat.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
for n in "$TRIES" "$PUNCH_TRIES" "$MIB" "$ROUNDS"; do
    [[ $n =~ ^[1-9][0-9]{0,4}$ ]] || { echo "bench/nat.sh: counts must be positive integers, not '$n'" >&2; exit 2; }
done

log() { printf '[nat %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
[[ $(id -u) == 0 ]] || die "the NAT lab needs root (network namespaces, iptables)"
command -v ip >/dev/null || die "the NAT lab needs ip (iproute2)"
if ! command -v iptables >/dev/null; then
    log "installing iptables"
    apt-get install -y -qq iptables >/dev/null || die "cannot install iptables"
fi

P2P_JAR=$ROOT/peer-cli/target/p2pchat.jar
DIR_JAR=$ROOT/directory-service/target/directory-service.jar
newest_source=$(find "$ROOT/peer-cli/src/main" "$ROOT/directory-service/src/main" -type f -newer "$P2P_JAR" 2>/dev/null | head -1 || true)
if [[ ! -f $P2P_JAR || ! -f $DIR_JAR || -n $newest_source ]]; then
    log "building the jars"
    (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl directory-service,peer-cli package)
fi

STAMP=$(date +%Y%m%dT%H%M%S)
RESULTS=$HERE/results/nat-$STAMP
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/p2pchat-nat.XXXXXX)
# the jars are copied: a rebuild by someone else during the run changes nothing
mkdir -p "$WORK/bin" "$WORK/peer-cli/target" "$WORK/directory-service/target"
cp "$ROOT/bin/p2pchat" "$WORK/bin/"
cp "$P2P_JAR" "$WORK/peer-cli/target/"
cp "$DIR_JAR" "$WORK/directory-service/target/"
P2P=$WORK/bin/p2pchat
PREFIX=b$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
SERVER=http://203.0.113.10:8080
STARTED=()

cleanup() {
    local status=$?
    for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${STARTED[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    "$LAB" down "$PREFIX" || true
    if (( KEEP )); then log "scratch folder kept: $WORK"; else rm -rf "$WORK"; fi
    (( status == 0 )) || log "exit status $status; partial results in $RESULTS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { local box=$1; shift; ip netns exec "$PREFIX-$box" "$@"; }
p2p() { local box=$1 user=$2; shift 2; in_ns "$box" "$P2P" --server "$SERVER" --home "$WORK/$user" "$@"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
median() { sort -n | awk '{v[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print v[(NR+1)/2]; else print int((v[NR/2]+v[NR/2+1])/2)}'; }
# stamps each line of stderr with the nanosecond it arrived at
stamped() { while IFS= read -r line; do printf '%s %s\n' "$(date +%s%N)" "$line"; done; }

LOAD_START=$(loadavg)
log "lab $PREFIX; load at start $LOAD_START"
"$LAB" pub "$PREFIX"
"$LAB" sides "$PREFIX" cone cone
# started without a shell function in between, so that the PID kept is the directory's JVM
ip netns exec "$PREFIX-pub" java -Xmx256m -XX:+UseSerialGC -jar "$WORK/directory-service/target/directory-service.jar" \
    --directory.data-dir="$WORK/directory-data" --server.address=203.0.113.10 --server.port=8080 \
    --directory.bcrypt.cost=4 --logging.level.root=WARN --spring.main.banner-mode=off >"$WORK/directory.log" 2>&1 &
STARTED+=($!)
for _ in $(seq 1 240); do
    in_ns pub bash -c 'exec 3<>/dev/tcp/203.0.113.10/8080' 2>/dev/null && break
    kill -0 "${STARTED[0]}" 2>/dev/null || die "the directory exited: $(tail -5 "$WORK/directory.log")"
    sleep 0.5
done
for who in alice:peerA bob:peerB; do
    user=${who%%:*} box=${who##*:}
    echo "$user-bench-password" | p2p "$box" "$user" register -u "$user" --password-stdin >/dev/null 2>&1
    echo "$user-bench-password" | p2p "$box" "$user" login -u "$user" --password-stdin >/dev/null 2>&1
done

# bob listens (one session) in the background (BOB_PID); returns once the directory knows his
# signalling channel, so that alice's next lookup finds it
listen_bob() {
    local log=$WORK/listen-$1
    ip netns exec "$PREFIX-peerB" "$P2P" --server "$SERVER" --home "$WORK/bob" listen --once --accept auto \
        </dev/null >"$log.out" 2>"$log.err" &
    BOB_PID=$!
    STARTED+=("$BOB_PID")
    local port=""
    for _ in $(seq 1 600); do
        port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$log.err" | head -1)
        [[ -n $port ]] && break
        sleep 0.1
    done
    [[ -n $port ]] || die "bob did not come online: $(cat "$log.err")"
    for _ in $(seq 1 100); do
        p2p peerA alice lookup bob --json | grep -q "\"port\":$port,.*\"signal\":true" && return
        sleep 0.2
    done
    die "the directory never showed bob's signalling channel"
}

# bob's listen --once ends with its session; one that does not within 30 s is stopped
finish_bob() {
    for _ in $(seq 1 300); do kill -0 "$BOB_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$BOB_PID" 2>/dev/null || true
    wait "$BOB_PID" 2>/dev/null || true
}

# one connection: alice sends a 1 KiB file to bob; sets GOT (the rung that won, or failed) and MS,
# the milliseconds from the ladder's first step to "this path won" (JVM start, login and lookup
# are not counted)
connect_once() {
    local tag=$1; shift
    local err=$WORK/send-$tag.err
    listen_bob "$tag"
    p2p peerA alice send bob "$WORK/small.bin" --explain "$@" 2> >(stamped >"$err") >/dev/null || true
    finish_bob
    sleep 0.2 # the stamping reader finishes its last lines
    local first won rung
    first=$(grep -m1 ' explain: ' "$err" | cut -d' ' -f1 || true)
    won=$(grep -m1 'this path won' "$err" || true)
    GOT=failed MS=0
    [[ -n $first && -n $won ]] || return 0
    case $won in
        *"explain: direct "*) rung=direct ;;
        *"explain: dial-back "*) rung=reverse ;;
        *"explain: hole punch "*) rung=punched ;;
        *"explain: relay "*) rung=relayed ;;
        *) rung=unknown ;;
    esac
    GOT=$rung MS=$(( ($(cut -d' ' -f1 <<<"$won") - first) / 1000000 ))
}

head -c 1024 /dev/urandom >"$WORK/small.bin"
TOPOLOGIES=("public public" "public cone" "cone cone" "symmetric cone" "rst rst" "directory-only directory-only")
declare -A WINS TIMES COUNT
for topology in "${TOPOLOGIES[@]}"; do
    # shellcheck disable=SC2086
    "$LAB" sides "$PREFIX" $topology
    tries=$TRIES
    [[ $topology == "cone cone" ]] && tries=$PUNCH_TRIES
    COUNT[$topology]=$tries TIMES[$topology]=""
    for rung in direct reverse punched relayed failed unknown; do WINS[$topology,$rung]=0; done
    for i in $(seq 1 "$tries"); do
        connect_once "${topology/ /-}-$i"
        log "$topology try $i/$tries: $GOT in $MS ms"
        WINS[$topology,$GOT]=$(( WINS[$topology,$GOT] + 1 ))
        [[ $GOT == failed ]] || TIMES[$topology]+="$MS"$'\n'
    done
done

# throughput: both peers public, the same file direct and relayed, alternating
"$LAB" sides "$PREFIX" public public
log "making a $MIB MiB file"
head -c $(( MIB * 1024 * 1024 )) /dev/urandom >"$WORK/big.bin"
declare -A RATE CLI_RATE
for path in direct relayed; do RATE[$path]="" CLI_RATE[$path]=""; done
for round in $(seq 1 "$ROUNDS"); do
    for path in direct relayed; do
        rm -rf "$WORK/bob/downloads"
        listen_bob "big-$path-$round"
        start=$(date +%s%N)
        p2p peerA alice send bob "$WORK/big.bin" --only-path "$path" >/dev/null 2>"$WORK/big-$path-$round.err" \
            || die "the $path transfer failed: $(tail -3 "$WORK/big-$path-$round.err")"
        end=$(date +%s%N)
        finish_bob
        cmp -s "$WORK/big.bin" "$WORK/bob/downloads/big.bin" || die "the $path transfer delivered other bytes"
        mbps=$(( MIB * 1024 * 1024 * 1000 / ((end - start) / 1000) ))  # bytes per ms = kB/s; /1000 below
        log "$path round $round: $(( (end - start) / 1000000 )) ms, $(( mbps / 1000 )) MB/s"
        RATE[$path]+="$mbps"$'\n'
        # the CLI's own figure: from its first file byte to the receiver's confirmation
        CLI_RATE[$path]+="$(sed -n 's/.*Sent .big\.bin. to bob: .* (\([0-9.]*\) MB\/s).*/\1/p' "$WORK/big-$path-$round.err" \
            | awk '{printf "%d", $1 * 1000}')"$'\n'
    done
done
LOAD_END=$(loadavg)

row() { # TOPOLOGY
    local t=$1 med won="" rung
    med=$(printf '%s' "${TIMES[$t]}" | grep . | median || true)
    for rung in direct reverse punched relayed failed unknown; do
        (( WINS[$t,$rung] > 0 )) && won+="${won:+, }$rung ${WINS[$t,$rung]}"
    done
    printf '| %s | %s / %s | %s | %s |\n' "${t/ / × }" "$(( COUNT[$t] - WINS[$t,failed] ))" "${COUNT[$t]}" "$won" "${med:-n/a} ms"
}
direct_rate=$(printf '%s' "${RATE[direct]}" | grep . | median)
relayed_rate=$(printf '%s' "${RATE[relayed]}" | grep . | median)
direct_cli=$(printf '%s' "${CLI_RATE[direct]}" | grep . | median || true)
relayed_cli=$(printf '%s' "${CLI_RATE[relayed]}" | grep . | median || true)
ratio() { awk -v r="$1" -v d="$2" 'BEGIN {if (d > 0) printf "%.2f", r / d; else print "n/a"}'; }
{
    echo "# NAT lab: connection ladder ($STAMP)"
    echo
    echo "Machine: $(nproc) cores, $(uname -r); load average at start $LOAD_START, at end $LOAD_END."
    echo "Command: bench/nat.sh --tries $TRIES --punch-tries $PUNCH_TRIES --mib $MIB --rounds $ROUNDS"
    echo
    echo "| NAT A (alice) × NAT B (bob) | connected | path that won | median time to connect |"
    echo "|---|---|---|---|"
    for topology in "${TOPOLOGIES[@]}"; do row "$topology"; done
    echo
    echo "Time to connect: from the ladder's first step to \"this path won\" in \`send --explain\` (after"
    echo "JVM start, login and lookup), alice behind NAT A sending 1 KiB to bob behind NAT B."
    echo
    echo "| $MIB MiB file, both public, median of $ROUNDS | whole command | | as the CLI reports it | |"
    echo "|---|---|---|---|---|"
    echo "| direct (\`--only-path direct\`) | $(( direct_rate / 1000 )) MB/s | 1.00 | $(( ${direct_cli:-0} / 1000 )) MB/s | 1.00 |"
    echo "| relayed (\`--only-path relayed\`) | $(( relayed_rate / 1000 )) MB/s | $(ratio "$relayed_rate" "$direct_rate") × direct | $(( ${relayed_cli:-0} / 1000 )) MB/s | $(ratio "${relayed_cli:-0}" "${direct_cli:-0}") × direct |"
    echo
    echo "Whole command: wall time of \`p2pchat send\` from JVM start to exit (after the receiver"
    echo "confirmed the SHA-256). As the CLI reports it: its 'Sent ... (N MB/s)' line, from the offer to"
    echo "the receiver's confirmation. The received file is compared byte for byte each time."
} >"$RESULTS/results.md"
cat "$RESULTS/results.md"
