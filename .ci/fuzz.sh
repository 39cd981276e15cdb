#!/usr/bin/env bash
# Fuzzes every Jazzer target (the *FuzzTest classes) for a while each, one JVM per target, since
# Jazzer fuzzes one test per JVM. Maven runs once, before the targets: it compiles what changed
# (after ./mvnw verify, nothing) and writes each module's test classpath; each target then runs
# in a plain `java` with the JUnit Platform console launcher (junit-platform-console-standalone
# of the project's JUnit version, copied by Maven into target/fuzz-lib/). Two targets run side
# by side on a machine with 2 cores or more (FUZZ_JOBS=1: one at a time), each for
# FUZZ_DURATION; about 1.5-2 GB of memory per target.
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
root=$PWD

duration="${FUZZ_DURATION:-60s}"
heap="${FUZZ_HEAP:-2g}"
logs="${FUZZ_LOGS:-target/fuzz}"
dependency_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.9.0

all_targets=(   # the longest first (a Spring start-up), so that the others fill in beside it
    "directory-service DirectoryApiFuzzTest#request"
    "peer-cli FrameReaderFuzzTest#anyBytes"
    "peer-cli FrameReaderFuzzTest#payloadOfEachType"
    "peer-cli FileNamesFuzzTest#sanitize"
    "peer-cli KnownPeersFuzzTest#load"
    "peer-cli KnownPeersFuzzTest#remember"
    "peer-cli KeyLogJsonFuzzTest#proof"
    "peer-cli KeyLogJsonFuzzTest#consistency"
    "peer-cli KeyLogJsonFuzzTest#historyAndLogKey"
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
logs=$(cd "$logs" && pwd)
started=$SECONDS

# --- Once: compile, and each module's test classpath (its dependencies, in Maven's order). In
# the reactor at test-compile, peer-cli's dependency on directory-service is that module's
# target/classes, as in ./mvnw verify (nothing is installed into ~/.m2).
echo "== building the test classpaths (one Maven run)"
./mvnw -q -B test-compile "$dependency_plugin:build-classpath" \
    -Dmdep.outputFile=target/fuzz-test.classpath -Dmdep.includeScope=test >"$logs/maven.log" 2>&1 || {
    echo "   FAILED: the Maven build before fuzzing: see $logs/maven.log" >&2
    grep -a -E '^\[ERROR\]' "$logs/maven.log" | head -n 10 | sed 's/^/   /' >&2 || true
    exit 1
}

# The console launcher of the JUnit Platform version the tests resolve to.
junit_version=$(tr ':' '\n' <peer-cli/target/fuzz-test.classpath \
    | sed -n 's|.*/junit-platform-engine-\([^/]*\)\.jar$|\1|p' | head -n 1)
[[ -n $junit_version ]] || { echo "FAILED: no junit-platform-engine on peer-cli's test classpath" >&2; exit 1; }
launcher="target/fuzz-lib/junit-platform-console-standalone-$junit_version.jar"
if [[ ! -f $launcher ]]; then
    ./mvnw -q -B -N "$dependency_plugin:copy" \
        -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version" \
        -DoutputDirectory=target/fuzz-lib >>"$logs/maven.log" 2>&1 || {
        echo "FAILED: could not get junit-platform-console-standalone $junit_version: see $logs/maven.log" >&2
        exit 1
    }
fi
echo "   done in $((SECONDS - started)) s (JUnit Platform $junit_version)"

# fuzz_one TARGET: one target in its own JVM; prints its report and returns non-zero on a
# finding or any other failure.
fuzz_one() {
    local module="${1%% *}" test="${1#* }"
    local class="${test%%#*}" method="${test#*#}"
    local log="$logs/$test.log" status=0 class_file fqcn method_pattern classpath last execs rate rss finding
    echo "== $test ($module, $duration)"
    class_file=$(cd "$module/target/test-classes" && find . -name "$class.class" -print -quit)
    if [[ -z $class_file ]]; then
        echo "   FAILED: no $class.class in $module/target/test-classes"
        return 1
    fi
    fqcn=$(sed -e 's|^\./||' -e 's|\.class$||' -e 's|/|.|g' <<<"$class_file")
    # this method only, as -Dtest=Class#method selects it (the launcher matches the regular
    # expression against "<class>#<method>", with the parameter types in brackets or without)
    method_pattern="${fqcn//./\\.}#$method(\\(.*\\))?"
    # As Surefire runs it: in the module's folder (the corpus goes to <module>/.cifuzz-corpus/),
    # test classes, classes, then the dependencies.
    classpath="$root/$module/target/test-classes:$root/$module/target/classes:$(cat "$module/target/fuzz-test.classpath"):$root/$launcher"
    (cd "$module" && JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$duration" exec java "-Xmx$heap" -cp "$classpath" \
        org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors \
        --details=summary --fail-if-no-tests --include-engine=junit-jupiter --select-class="$fqcn" \
        --include-methodname="$method_pattern") >"$log" 2>&1 || status=$?

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
            echo "   FAILED without a finding (exit $status; setup problem or a failing test): see $log"
            grep -a -E 'MethodSource|=> |Exception|tests (failed|found)' "$log" | head -n 8 | sed 's/^/   /' || true
        fi
    fi
    return "$status"
}
# fuzz TARGET: fuzz_one, its report printed in one piece (targets may run side by side)
fuzz() {
    local report="$logs/${1#* }.report" status=0
    fuzz_one "$1" >"$report" 2>&1 || status=$?
    cat "$report"
    return "$status"
}

# FUZZ_JOBS targets at a time (default: one per core, at most 2 — each fuzzes on one thread and
# takes up to 2 GB), each still for FUZZ_DURATION; reports are printed as targets finish.
jobs_max="${FUZZ_JOBS:-$(nproc)}"
[[ -n ${FUZZ_JOBS:-} ]] || ((jobs_max <= 2)) || jobs_max=2
((jobs_max >= 1)) || jobs_max=1
failed=()
declare -A running=()   # pid -> test
for target in "${targets[@]}"; do
    while ((${#running[@]} >= jobs_max)); do
        pid=""
        wait -n -p pid "${!running[@]}" || failed+=("${running[$pid]}")
        unset "running[$pid]"
    done
    fuzz "$target" &
    running[$!]="${target#* }"
done
while ((${#running[@]} > 0)); do
    pid=""
    wait -n -p pid "${!running[@]}" || failed+=("${running[$pid]}")
    unset "running[$pid]"
done

echo "== ${#targets[@]} target(s) in $((SECONDS - started)) s ($jobs_max at a time)"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
