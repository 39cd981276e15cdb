# Helpers every bench script shares: sourced after `set -Eeuo pipefail`. Each script sets
# BENCH_NAME (its log prefix), WORK (its scratch folder), RESULTS (where res() appends) and
# GROUPS_STARTED=() (what start() started, for its cleanup to stop).

log() { printf '[%s %s] %s\n' "$BENCH_NAME" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
now_ns() { date +%s%N; }
calc() { awk "BEGIN { printf \"%.6g\", $* }"; }
fmt() { awk "BEGIN { v = $1; if (v >= 100) printf \"%.0f\", v; else if (v >= 10) printf \"%.1f\", v; else printf \"%.2f\", v }"; }
ratio() { awk "BEGIN { if ($2 == 0) print \"n/a\"; else printf \"%.2f\", $1 / $2 }"; }
met() { awk "BEGIN { print ($1) ? \"yes\" : \"**no**\" }"; }
# picks "key=value" out of a result line such as WRKRESULT's
field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<" $1"; }
res() { R[$1]=$2; printf '%s %s\n' "$1" "$2" >>"$RESULTS/results.txt"; }
stop_group() { # PID [grace seconds]: TERM the process group, then KILL what is left
    local pid=$1 grace=${2:-10} i
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
    for (( i = 0; i < grace * 10; i++ )); do
        kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}
# start NAME CMD... : runs CMD in its own process group (so that it and its children can be
# stopped together), output to $WORK/NAME.out/.err; sets STARTED_PID
start() {
    local name=$1; shift
    setsid "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
    STARTED_PID=$!
    GROUPS_STARTED+=("$STARTED_PID")
}
# a port below the kernel's ephemeral range (where outgoing connections take theirs) that no
# socket uses in any state
free_port() {
    local low port
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    (( low > 11000 )) || low=32768
    while :; do
        port=$(( 10000 + RANDOM % (low - 10000) ))
        if ! ss -Htan "sport = :$port" 2>/dev/null | grep -q .; then echo "$port"; return; fi
    done
}
# install_packages PACKAGE...: installs the Debian packages a bench needs (log in $WORK/apt.log)
install_packages() {
    (( $# )) || return 0
    log "installing $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "$@" >"$WORK/apt.log" 2>&1 \
        || { apt-get update -q >>"$WORK/apt.log" 2>&1 \
             && apt-get install -y -q --no-install-recommends "$@" >>"$WORK/apt.log" 2>&1; } \
        || die "apt-get install $* failed (see $WORK/apt.log)"
}
