#!/usr/bin/env bash
# The NAT lab of docs/RELIABILITY.md ("Behind NATs"): network namespaces, veth pairs, a bridge for
# the "internet" and iptables NAT boxes, built as /work/shared/NETNS.md describes. Used by the
# nat-it tests (dev.p2pchat.peer.nat) and by bench/nat.sh; needs root, ip and iptables.
#
#   lab.sh pub   PREFIX            the "internet": namespace PREFIX-pub, bridge br0, 203.0.113.10
#   lab.sh sides PREFIX MODEA MODEB   (re)builds both NAT boxes and the peers behind them
#   lab.sh down  PREFIX            deletes every namespace of PREFIX
#
#             PREFIX-pub 203.0.113.10 (directory + relay), bridge br0
#            /                                          \
#   PREFIX-natA wan 203.0.113.1                 PREFIX-natB wan 203.0.113.2
#               lan 198.51.100.1/24                         lan 192.0.2.1/24
#            |            \                                 |
#   PREFIX-peerA .2   PREFIX-peerC .3 (same LAN as A)   PREFIX-peerB 192.0.2.2
#
# Documentation addresses only (RFC 5737): 203.0.113.0/24 is the "internet", 198.51.100.0/24 and
# 192.0.2.0/24 the two home networks. MODE of a NAT box:
#   public     routes without translation or filtering (its peers are reachable as they are)
#   cone       MASQUERADE (keeps the source port: endpoint-independent), home-router filtering
#              (only replies come in, anything unsolicited is dropped silently)
#   symmetric  MASQUERADE --random-fully (a new port per destination), same filtering
#   rst        cone, but unsolicited TCP is answered with a reset instead of dropped
#   directory-only  cone, and the home network may reach nothing outside but the directory host
#              203.0.113.10 (directory + relay): everything else is dropped silently both ways
#              (a locked-down office or hotel firewall)
set -euo pipefail

die() { echo "lab.sh: $*" >&2; exit 2; }
[[ $# -ge 2 ]] || die "usage: lab.sh pub|sides|down PREFIX [MODEA MODEB]"
cmd=$1 p=$2
[[ $p =~ ^[a-z0-9]{1,8}$ ]] || die "PREFIX must be 1-8 lower-case letters or digits, not '$p'"
run() { local ns=$1; shift; ip netns exec "$p-$ns" "$@"; }

box() { # box X WAN_IP LAN_NET MODE
    local x=$1 wan=$2 lan=$3 mode=$4 nat="nat$1" peer="peer$1"
    ip netns add "$p-$nat"
    ip netns add "$p-$peer"
    # created inside the namespaces, so that no interface name ever exists in the root namespace
    ip -n "$p-pub" link add "up$x" type veth peer name wan netns "$p-$nat"
    ip -n "$p-pub" link set "up$x" master br0 up
    ip -n "$p-$nat" link add lan type bridge
    ip -n "$p-$nat" link add "to$x" type veth peer name eth0 netns "$p-$peer"
    ip -n "$p-$nat" link set "to$x" master lan up
    run "$nat" ip link set lo up
    run "$nat" ip link set wan up
    run "$nat" ip link set lan up
    run "$nat" ip addr add "203.0.113.$wan/24" dev wan
    run "$nat" ip addr add "$lan.1/24" dev lan
    run "$nat" ip route add default via 203.0.113.10
    run "$nat" sysctl -qw net.ipv4.ip_forward=1
    host "$peer" "$lan" 2 eth0
    if [[ $x == A ]]; then # a second host on A's home network, for "both behind the same NAT"
        ip netns add "$p-peerC"
        ip -n "$p-$nat" link add toC type veth peer name eth0 netns "$p-peerC"
        ip -n "$p-$nat" link set toC master lan up
        host peerC "$lan" 3 eth0
    fi
    local masquerade=(-t nat -A POSTROUTING -o wan -j MASQUERADE)
    case $mode in
        public)
            run pub ip route add "$lan.0/24" via "203.0.113.$wan"
            return ;;
        cone|rst|directory-only) ;;
        symmetric) masquerade+=(--random-fully) ;;
        *) die "unknown NAT mode '$mode' (public, cone, symmetric, rst, directory-only)" ;;
    esac
    if [[ $mode == directory-only ]]; then
        run "$nat" iptables -A FORWARD -i lan -o wan ! -d 203.0.113.10 -j DROP
    fi
    run "$nat" iptables "${masquerade[@]}"
    run "$nat" iptables -A FORWARD -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    if [[ $mode == rst ]]; then
        run "$nat" iptables -A FORWARD -i wan -p tcp -j REJECT --reject-with tcp-reset
        run "$nat" iptables -A INPUT -i wan -p tcp -m conntrack ! --ctstate ESTABLISHED,RELATED -j REJECT --reject-with tcp-reset
    fi
    run "$nat" iptables -A FORWARD -i wan -j DROP
    run "$nat" iptables -A INPUT -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    run "$nat" iptables -A INPUT -i wan -j DROP
}

host() { # host NS NET N DEV
    run "$1" ip link set lo up
    run "$1" ip link set "$4" up
    run "$1" ip addr add "$2.$3/24" dev "$4"
    run "$1" ip route add default via "$2.1"
}

delete() {
    for ns in "$@"; do
        if ip netns list | grep -qw "^$p-$ns"; then ip netns del "$p-$ns"; fi
    done
}

case $cmd in
    pub)
        delete pub
        ip netns add "$p-pub"
        ip -n "$p-pub" link add br0 type bridge
        run pub ip link set lo up
        run pub ip link set br0 up
        run pub ip addr add 203.0.113.10/24 dev br0
        run pub sysctl -qw net.ipv4.ip_forward=1 ;;
    sides)
        [[ $# -eq 4 ]] || die "usage: lab.sh sides PREFIX MODEA MODEB"
        # a deleted namespace's interfaces go away asynchronously: delete the links to the bridge
        # first (that removes both ends at once), so that the new ones can take their names
        for link in upA upB; do
            if run pub ip link show "$link" >/dev/null 2>&1; then run pub ip link del "$link"; fi
        done
        delete peerA peerB peerC natA natB
        run pub ip route flush 198.51.100.0/24 2>/dev/null || true
        run pub ip route flush 192.0.2.0/24 2>/dev/null || true
        box A 1 198.51.100 "$3"
        box B 2 192.0.2 "$4" ;;
    down)
        delete peerA peerB peerC natA natB pub ;;
    *) die "unknown command '$cmd' (pub, sides, down)" ;;
esac
