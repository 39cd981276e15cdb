#!/usr/bin/env bash
# Summarizes CPU samples of JFR recordings (jdk.ExecutionSample) and their allocation samples:
#   bench/jfr-top.sh FILE.jfr [N] [THREAD-REGEX]
#   bench/jfr-top.sh [-n N] [-t THREAD-REGEX] FILE.jfr...      (several recordings together)
# prints the N hottest methods by self time (top frame) and by total time (anywhere on the
# stack, counted once per sample), optionally only for threads whose name matches the regex.
set -euo pipefail
n=25; threads=.
if [[ $# -ge 2 && $1 != -* && $2 =~ ^[0-9]+$ ]]; then
    files=("$1"); n=$2; threads=${3:-.}
else
    while getopts n:t: opt; do
        case $opt in n) n=$OPTARG ;; t) threads=$OPTARG ;; *) exit 2 ;; esac
    done
    shift $(( OPTIND - 1 ))
    files=("$@")
fi
# jfr print (JDK 17) can fail on an odd frame; keep what it printed
print() { local f; for f in "${files[@]}"; do jfr print "$@" "$f" 2>/dev/null || true; done; }
print --events jdk.ExecutionSample --stack-depth 64 | awk -v n="$n" -v want="$threads" '
  function flush() {
    if (insample && keep && depth > 0) {
      total++
      self[frames[1]]++
      delete seen
      for (i = 1; i <= depth; i++) if (!(frames[i] in seen)) { seen[frames[i]] = 1; incl[frames[i]]++ }
    }
    insample = 0; depth = 0; keep = 0
  }
  /^jdk\.ExecutionSample/ { flush(); insample = 1; next }
  insample && /sampledThread = / { t = $0; sub(/.*sampledThread = "/, "", t); sub(/".*/, "", t); keep = (t ~ want); threadsamples[t]++; next }
  insample && /line:/ { f = $0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f); frames[++depth] = f; next }
  END {
    flush()
    printf "samples: %d (threads matching /%s/)\n\n", total, want
    printf "self%%   total%%  method (by self time)\n"
    for (m in self) printf "%6.1f %6.1f  %s\n", 100 * self[m] / total, 100 * incl[m] / total, m | "sort -rn | head -" n
    close("sort -rn | head -" n)
    printf "\ntotal%%  method (by total time, anywhere on the stack)\n"
    for (m in incl) printf "%6.1f  %s\n", 100 * incl[m] / total, m | "sort -rn | head -" n
    close("sort -rn | head -" n)
    printf "\nsamples per thread (all threads)\n"
    for (t in threadsamples) printf "%6d  %s\n", threadsamples[t], t | "sort -rn | head -" n
    close("sort -rn | head -" n)
  }'

# Allocation (jdk.ObjectAllocationSample, weighted): which classes and which allocating frames
if for f in "${files[@]}"; do jfr summary "$f"; done | grep -q 'jdk.ObjectAllocationSample *[1-9]'; then
    print --events jdk.ObjectAllocationSample --stack-depth 8 | awk -v n="$n" -v want="$threads" '
      function flush() {
        if (insample && keep) { total += w; byclass[cls] += w; if (top != "") bysite[top] += w }
        insample = 0; keep = 0; top = ""; w = 0; cls = ""
      }
      function bytes(s,   v, u) { v = s; sub(/ .*/, "", v); u = s; sub(/^[0-9.]+ */, "", u)
        if (u ~ /^kB/) v *= 1024; else if (u ~ /^MB/) v *= 1048576; else if (u ~ /^GB/) v *= 1073741824; return v }
      /^jdk\.ObjectAllocationSample/ { flush(); insample = 1; next }
      insample && /eventThread = / { t = $0; sub(/.*eventThread = "/, "", t); sub(/".*/, "", t); keep = (t ~ want); next }
      insample && /objectClass = / { cls = $0; sub(/.*objectClass = /, "", cls); sub(/ \(classLoader.*/, "", cls); next }
      insample && /weight = / { x = $0; sub(/.*weight = /, "", x); w = bytes(x); next }
      insample && /line:/ && top == "" { f = $0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f); top = f; next }
      END {
        flush()
        if (total == 0) exit
        printf "\nallocation (sampled, weighted): %.0f MB in all\n\n%%      class\n", total / 1e6
        for (c in byclass) printf "%6.1f  %s\n", 100 * byclass[c] / total, c | "sort -rn | head -" n
        close("sort -rn | head -" n)
        printf "\n%%      allocating method (top frame)\n"
        for (m in bysite) printf "%6.1f  %s\n", 100 * bysite[m] / total, m | "sort -rn | head -" n
        close("sort -rn | head -" n)
      }'
fi
