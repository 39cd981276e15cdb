#!/usr/bin/env bash
# The database side of the `table` presence store (issue 16): how many renewals per second one
# PostgreSQL takes when every directory instance writes its peers' renewals to the shared
# presence table — the ceiling for N instances. The UNLOGGED table (as migration
# db/vendor/postgresql/V2_1 makes it) against the same table logged, in the same run, with
# pgbench: one renewal = the store's UPDATE of one random row, one transaction.
#
#   bench/presence-pg.sh [--quick]
#
# Server: PGHOST/PGPORT/PGUSER/PGDATABASE (default 127.0.0.1, 5432, postgres, test). Works in a
# schema of its own (h16bench_<pid>_<random>), dropped at the end. Prints a Markdown table.
set -Eeuo pipefail

SECONDS_EACH=15; ROWS=100000
[[ ${1:-} == --quick ]] && { SECONDS_EACH=3; ROWS=2000; }
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-test}
CLIENTS=8   # e.g. a few directory instances with their connection pools
SCHEMA=h16bench_$$_$RANDOM
WORK=$(mktemp -d /tmp/p2pchat-presence-pg.XXXXXX)
cleanup() {
    psql -q -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
for tool in psql pgbench; do command -v "$tool" >/dev/null || { echo "bench/presence-pg.sh: $tool is needed" >&2; exit 1; }; done

psql -q -v ON_ERROR_STOP=1 >/dev/null <<EOF
CREATE SCHEMA $SCHEMA;
SET search_path = $SCHEMA;
CREATE TABLE account (id BIGINT PRIMARY KEY);
INSERT INTO account SELECT g FROM generate_series(1, $ROWS) g;
-- the presence table as V1/V2 create it
CREATE TABLE logged (
    account_id BIGINT PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    username VARCHAR(32) NOT NULL, username_key VARCHAR(32) NOT NULL, host VARCHAR(255) NOT NULL,
    port INTEGER NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL, addresses VARCHAR(512));
CREATE UNIQUE INDEX ix_logged_username_key ON logged (username_key);
CREATE INDEX ix_logged_expires ON logged (expires_at);
CREATE TABLE unlogged (LIKE logged INCLUDING ALL);
ALTER TABLE unlogged ADD FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE;
ALTER TABLE unlogged SET UNLOGGED;
INSERT INTO logged SELECT id, 'user' || id, 'user' || id, '127.0.0.1', 7000, now(), now() + interval '60 s' FROM account;
INSERT INTO unlogged SELECT * FROM logged;
VACUUM ANALYZE;
EOF

for table in logged unlogged; do
    cat >"$WORK/$table.sql" <<EOF
\set id random(1, $ROWS)
UPDATE $SCHEMA.$table SET host = '127.0.0.1', port = 7000, addresses = NULL, updated_at = now(),
       expires_at = now() + interval '60 s' WHERE account_id = :id;
EOF
done
declare -A TPS
for round in 1 2; do   # alternating, twice: the machine may be shared
    for table in logged unlogged; do
        tps=$(pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" -f "$WORK/$table.sql" 2>&1 \
            | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
        TPS[$table.$round]=${tps:-0}
    done
done
best() { awk "BEGIN { print ($1 > $2) ? $1 : $2 }"; }
logged=$(best "${TPS[logged.1]}" "${TPS[logged.2]}")
unlogged=$(best "${TPS[unlogged.1]}" "${TPS[unlogged.2]}")
echo "| renewal UPDATEs/s on one PostgreSQL ($(psql -Atc 'show server_version'), pgbench -c$CLIENTS, $ROWS rows, best of 2 × ${SECONDS_EACH} s) | UNLOGGED $(printf '%.0f' "$unlogged") | logged $(printf '%.0f' "$logged") | $(awk "BEGIN { printf \"%.2f\", $unlogged / $logged }") × |"
echo "rounds: logged ${TPS[logged.1]} / ${TPS[logged.2]}, unlogged ${TPS[unlogged.1]} / ${TPS[unlogged.2]}; synchronous_commit=$(psql -Atc 'show synchronous_commit'), fsync=$(psql -Atc 'show fsync'); load $(cut -d' ' -f1-3 /proc/loadavg)"
