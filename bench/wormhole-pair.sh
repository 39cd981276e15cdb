#!/usr/bin/env bash
# One magic-wormhole transfer, the baseline of bench/run.sh: a local mailbox server and transit
# relay, `wormhole send` and `wormhole receive --accept-file`, all inside a fresh network
# namespace with only `lo` up (outside one, wormhole's direct hints leave out 127.0.0.1 and the
# pair goes through the relay). Run it as `unshare -n bench/wormhole-pair.sh ...`.
#
#   wormhole-pair.sh WHAT OUT_DIR LOG_PREFIX
#
# WHAT is a file or a folder (wormhole zips a folder first and unpacks it on arrival); OUT_DIR
# must exist and be empty. Writes LOG_PREFIX-{mailbox,relay,send,receive}.{out,err}, the
# /usr/bin/time lines of both ends to LOG_PREFIX-{send,receive}.time, and prints
#   WHRESULT seconds=S
# the wall time from starting `wormhole send` until both ends exited (the servers' start-up is
# not counted: they run before the clock starts).
set -Eeuo pipefail
what=$1 out=$2 prefix=$3
py=/usr/bin/python3            # the Debian packages' interpreter, whatever python3 is on PATH
ip link set lo up
code=7-p2pchat-bench-$RANDOM
mailbox=ws://127.0.0.1:4000/v1
relay=tcp:127.0.0.1:4001
servers=()
stop() { local p; for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT
"$py" -m twisted wormhole-mailbox --port=tcp:4000:interface=127.0.0.1 --channel-db="$prefix-mailbox.sqlite" \
    >"$prefix-mailbox.out" 2>"$prefix-mailbox.err" &
servers+=($!)
"$py" -m twisted transitrelay --port=tcp:4001:interface=127.0.0.1 >"$prefix-relay.out" 2>"$prefix-relay.err" &
servers+=($!)
for (( i = 0; i < 200; i++ )); do
    if (exec 3<>/dev/tcp/127.0.0.1/4000) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/4001) 2>/dev/null; then break; fi
    sleep 0.05
done
t0=$(date +%s%N)
/usr/bin/time -f '%M %e %U %S' -o "$prefix-send.time" \
    wormhole --relay-url "$mailbox" --transit-helper "$relay" send --hide-progress --code "$code" "$what" \
    >"$prefix-send.out" 2>"$prefix-send.err" </dev/null &
sender=$!
rc=0
(cd "$out" && /usr/bin/time -f '%M %e %U %S' -o "$prefix-receive.time" \
    wormhole --relay-url "$mailbox" --transit-helper "$relay" receive --hide-progress --accept-file "$code" \
    >"$prefix-receive.out" 2>"$prefix-receive.err" </dev/null) || rc=$?
wait "$sender" || rc=$?
t1=$(date +%s%N)
echo "WHRESULT seconds=$(awk "BEGIN { printf \"%.3f\", ($t1 - $t0) / 1e9 }") exit=$rc"
exit "$rc"
