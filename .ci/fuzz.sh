#!/usr/bin/env bash
# Fuzzes every Jazzer target (the *FuzzTest classes) for a while each: one Maven run per target,
# since Jazzer fuzzes one test per JVM. Run it after ./mvnw verify: it works offline and only
# recompiles what changed since. About 1.5-2 GB of memory per target (one at a time).
#
#   .ci/fuzz.sh                          every target, FUZZ_DURATION (default 60s) each
#   FUZZ_DURATION=10m .ci/fuzz.sh 'FileNamesFuzzTest#sanitize'    one target, longer
#
# Each target prints its executions (libFuzzer's last status line) and peak RSS. A finding fails
# the script; its input is in the test's Inputs folder (crash-<sha1>, git-ignored) and
# `./mvnw test -Dtest=<Class>` replays it. Logs: target/fuzz/<Class>#<method>.log.
# The generated corpus grows in <module>/.cifuzz-corpus/ (git-ignored) from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${FUZZ_DURATION:-60s}"
heap="${FUZZ_HEAP:-2g}"
logs="${FUZZ_LOGS:-target/fuzz}"

all_targets=(
    "peer-cli FrameReaderFuzzTest#anyBytes"
    "peer-cli FrameReaderFuzzTest#payloadOfEachType"
    "peer-cli FileNamesFuzzTest#sanitize"
    "peer-cli KnownPeersFuzzTest#load"
    "peer-cli KnownPeersFuzzTest#remember"
    "peer-cli KeyLogJsonFuzzTest#proof"
    "peer-cli KeyLogJsonFuzzTest#consistency"
    "peer-cli KeyLogJsonFuzzTest#historyAndLogKey"
    "directory-service DirectoryApiFuzzTest#request"
)

targets=()
if [[ $# -eq 0 ]]; then
    targets=("${all_targets[@]}")
else
    for wanted in "$@"; do
        match=""
        for target in "${all_targets[@]}"; do
            [[ "${target#* }" == "$wanted" ]] && match="$target"
        done
        [[ -n "$match" ]] || { echo "unknown fuzz target: $wanted (known: ${all_targets[*]#* })" >&2; exit 2; }
        targets+=("$match")
    done
fi

mkdir -p "$logs"
failed=()
started=$SECONDS
for target in "${targets[@]}"; do
    module="${target%% *}"
    test="${target#* }"
    log="$logs/$test.log"
    echo "== $test ($module, $duration)"
    status=0
    # -am: peer-cli's tests need directory-service's classes from this reactor (nothing is installed)
    JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$duration" ./mvnw -o -q -B -pl "$module" -am test \
        -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx$heap" >"$log" 2>&1 || status=$?

    # libFuzzer status lines: "#<execs> <event> cov: .. ft: .. corp: .. exec/s: .. rss: ..Mb"
    last=$(grep -a -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1 || true)
    if [[ -n "$last" ]]; then
        echo "   $last"
        execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
        rate=$(grep -o -E 'exec/s: [0-9]+' <<<"$last" || echo "exec/s: ?")
        rss=$(grep -a -o -E 'rss: [0-9]+Mb' "$log" | awk '{ sub("Mb", "", $2); if ($2 > max) max = $2 } END { print max }')
        echo "   executions: $execs ($rate, peak rss ${rss} MB)"
    else
        echo "   no status line from Jazzer"
    fi
    if [[ $status -ne 0 ]]; then
        finding=$(grep -a -o -E 'Test unit written to [^ ]+' "$log" | tail -n 1 | sed 's/Test unit written to //' || true)
        if [[ -n "$finding" ]]; then
            echo "   FINDING: input in $finding"
            grep -a -m 1 -A 3 -E 'FuzzTestFindingException' "$log" | sed 's/^/   /' || true
        else
            echo "   FAILED without a finding (build or setup problem): see $log"
            grep -a -E '^\[ERROR\]' "$log" | head -n 5 | sed 's/^/   /' || true
        fi
        failed+=("$test")
    fi
done

echo "== ${#targets[@]} target(s) in $((SECONDS - started)) s"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
