#!/usr/bin/env bash
# Container test: builds the real Dockerfile with podman, runs the image on loopback and checks
# it (health, HEALTHCHECK, register + log in, non-root, data in /data, graceful stop, separate
# dependency layers). Needs root; installs podman with apt when it is missing.
#
# No registry is needed: the base images are made locally with debootstrap (see
# /work/shared/CONTAINERS.md) and the build uses the host's Maven cache (~/.m2) offline.
# Warm: 1-2 minutes (mostly two JVM start-ups and one rebuild after a code change); cold (base
# images to make): 3-5 minutes. Cleans up after itself; keeps the images and the layer cache.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=localhost/p2pchat-directory:ci
REBUILD_IMAGE=localhost/p2pchat-directory:ci-rebuild
JDK_IMAGE=localhost/p2pchat-jdk17
JRE_IMAGE=localhost/p2pchat-jre17
SUITE=bookworm
NAME="p2pchat-ci-$$"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/p2pchat-container-test"
M2="$HOME/.m2"

log() { printf '[container-test] %s\n' "$*" >&2; }
fail() { printf '[container-test] FAILED: %s\n' "$*" >&2; exit 1; }
skip() {
  printf 'SKIPPED: container test: %s\n' "$*"
  printf '  To run it: as root on a Debian/Ubuntu machine, .ci/container-test.sh (installs podman, buildah, debootstrap and runc with apt when missing).\n'
  exit 0
}
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
secs() { printf '%d.%01d s' $(($1 / 1000)) $((($1 % 1000) / 100)); }

# --- Cleanup: only what this run created (the container and its anonymous /data volume, the
# chroot's mounts and folder, temporary files). Runs on every exit path.
CONTAINER_STARTED=0
ROOTFS=""
TMP_DIR=""
cleanup() {
  local rc=$?
  if [[ $CONTAINER_STARTED == 1 ]]; then
    if [[ $rc != 0 ]]; then
      log "last log lines of $NAME:"
      podman logs --tail 40 "$NAME" >&2 2>&1 || true
    fi
    podman rm -f -v -t 5 "$NAME" >/dev/null 2>&1 || true
  fi
  if [[ -n $ROOTFS ]]; then
    release_rootfs
  fi
  [[ -z $TMP_DIR ]] || rm -rf "$TMP_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Unmounts the chroot's /proc and /dev; deletes the folder only once nothing is mounted in it.
release_rootfs() {
  local m ok=1
  for m in "$ROOTFS/dev" "$ROOTFS/proc"; do
    if mountpoint -q "$m"; then
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    fi
    if mountpoint -q "$m"; then ok=0; log "WARNING: could not unmount $m; leaving $ROOTFS in place"; fi
  done
  if [[ $ok == 1 ]]; then rm -rf --one-file-system "$ROOTFS"; fi
  ROOTFS=""
}

# --- 1. Tools ------------------------------------------------------------------------------
missing=()
for tool in podman buildah debootstrap runc curl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  if [[ $EUID -ne 0 ]]; then skip "${missing[*]} missing and not running as root"; fi
  if ! command -v apt-get >/dev/null 2>&1; then skip "${missing[*]} missing and no apt-get"; fi
  log "installing ${missing[*]} with apt"
  t0=$(now_ms)
  if ! { apt-get -o DPkg::Lock::Timeout=300 update -q && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q podman buildah debootstrap runc curl; } \
      >/tmp/p2pchat-container-test-apt.log 2>&1; then
    tail -n 20 /tmp/p2pchat-container-test-apt.log >&2
    skip "could not install ${missing[*]} with apt (log: /tmp/p2pchat-container-test-apt.log)"
  fi
  log "installed in $(secs $(($(now_ms) - t0)))"
fi
if [[ $EUID -ne 0 ]]; then skip "needs root (rootful podman, debootstrap)"; fi

mkdir -p "$CACHE_DIR"
TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/p2pchat-container-test.XXXXXX")

# One run at a time: the runs share image names and the base-image build.
exec 9>"$CACHE_DIR/lock"
flock -w 900 9 || fail "another container test holds $CACHE_DIR/lock"

# --- 2. Podman configuration for this sandbox kind of machine (file limit 20000, hybrid cgroups).
cat >"$CACHE_DIR/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
export CONTAINERS_CONF="$CACHE_DIR/containers.conf"
podman info >/dev/null 2>"$TMP_DIR/podman-info.err" || {
  cat "$TMP_DIR/podman-info.err" >&2
  fail "podman is installed but does not work here (see above)"
}

# --- 3. Local base images (Debian bookworm + OpenJDK 17), made once and then reused. -----------
debian_mirror() {
  local url
  url=$( { grep -hsv '^[[:space:]]*#' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list || true; } \
    | grep -oE 'https?://[^[:space:]]+' | grep -E '/debian/?$' | head -n 1 || true)
  echo "${url:-http://deb.debian.org/debian}"
}

build_base_images() {
  local mirror arch jhome t0
  mirror=$(debian_mirror)
  t0=$(now_ms)
  log "building $JRE_IMAGE and $JDK_IMAGE: debootstrap $SUITE from $mirror (log: $CACHE_DIR/base-images.log)"
  ROOTFS=$(mktemp -d "${TMPDIR:-/tmp}/p2pchat-rootfs.XXXXXX")
  : >"$CACHE_DIR/base-images.log"
  debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$mirror" >>"$CACHE_DIR/base-images.log" 2>&1 \
    || { tail -n 20 "$CACHE_DIR/base-images.log" >&2; fail "debootstrap failed"; }
  mount -t proc proc "$ROOTFS/proc"
  mount --bind /dev "$ROOTFS/dev"
  in_chroot() { DEBIAN_FRONTEND=noninteractive LC_ALL=C chroot "$ROOTFS" "$@" >>"$CACHE_DIR/base-images.log" 2>&1; }
  arch=$(chroot "$ROOTFS" dpkg --print-architecture)
  jhome=/usr/lib/jvm/java-17-openjdk-$arch
  import_rootfs() { # image
    in_chroot apt-get clean
    rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/*
    tar --numeric-owner --one-file-system --exclude=./proc/* --exclude=./dev/* -C "$ROOTFS" -c . \
      | podman import \
          --change "ENV JAVA_HOME=$jhome" \
          --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
          --change 'ENV LANG=C.UTF-8' \
          --change 'CMD ["/bin/bash"]' \
          - "$1" >>"$CACHE_DIR/base-images.log" 2>&1
  }
  # The JRE image first; the JDK is the same tree plus the JDK package.
  { in_chroot apt-get update && in_chroot apt-get install -y --no-install-recommends ca-certificates openjdk-17-jre-headless; } \
    || { tail -n 20 "$CACHE_DIR/base-images.log" >&2; fail "installing openjdk-17-jre-headless in the chroot failed"; }
  import_rootfs "$JRE_IMAGE"
  { in_chroot apt-get update && in_chroot apt-get install -y --no-install-recommends openjdk-17-jdk-headless; } \
    || { tail -n 20 "$CACHE_DIR/base-images.log" >&2; fail "installing openjdk-17-jdk-headless in the chroot failed"; }
  import_rootfs "$JDK_IMAGE"
  release_rootfs
  log "base images built in $(secs $(($(now_ms) - t0)))"
}

if podman image exists "$JDK_IMAGE" && podman image exists "$JRE_IMAGE"; then
  log "reusing $JDK_IMAGE and $JRE_IMAGE"
else
  build_base_images
fi

# --- 4. Maven cache on the host: everything the image build needs, so that it runs offline
# (the wrapper's Maven distribution in ~/.m2/wrapper, the artifacts in ~/.m2/repository).
# Built in a copy of the working tree so that the developer's target/ folders stay untouched.
COPY_DIR="$TMP_DIR/context"
mkdir -p "$COPY_DIR"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -c 2>/dev/null | tar -x -C "$COPY_DIR"
else
  tar -c --exclude=./.git --exclude='*/target' --exclude=./data . | tar -x -C "$COPY_DIR"
fi
t0=$(now_ms)
(cd "$COPY_DIR" && ./mvnw -q -B -pl directory-service -am \
  org.apache.maven.plugins:maven-dependency-plugin:3.9.0:go-offline package -Dmaven.test.skip=true) >"$TMP_DIR/host-maven.log" 2>&1 \
  || { tail -n 30 "$TMP_DIR/host-maven.log" >&2; fail "the host Maven build (which fills ~/.m2 for the offline image build) failed"; }
rm -rf "$COPY_DIR"/*/target
log "host Maven cache ready in $(secs $(($(now_ms) - t0)))"

# --- 5. Build the real Dockerfile. ---------------------------------------------------------
podman_build() { # tag [context]
  timeout 900 podman build --format docker --pull=never --network none \
    --build-arg BUILD_IMAGE="$JDK_IMAGE" --build-arg BASE_IMAGE="$JRE_IMAGE" \
    --build-arg MAVEN_ARGS=--offline \
    -v "$M2:/root/.m2" -t "$1" "${2:-.}"
}
# The image IDs a build log names, one per step, in order (cached steps included).
step_ids() { sed -n 's/^--> \([0-9a-f]\{11,64\}\)$/\1/p' "$1"; }
# Removes the images (oldest last) that this script's builds made and no longer need; those
# still in use or with children stay (podman refuses), and nothing else is touched.
remove_images() { # id...
  local i
  for ((i = $#; i >= 1; i--)); do podman rmi "${!i}" >/dev/null 2>&1 || true; done
}
old_id=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
t0=$(now_ms)
podman_build "$IMAGE" >"$TMP_DIR/build.log" 2>&1 || { tail -n 40 "$TMP_DIR/build.log" >&2; fail "podman build failed"; }
build_ms=$(($(now_ms) - t0))
cached_steps=$(grep -c 'Using cache' "$TMP_DIR/build.log" || true)
log "image built in $(secs $build_ms) ($cached_steps steps from cache)"
new_id=$(podman image inspect --format '{{.Id}}' "$IMAGE")
if [[ -n $old_id && $old_id != "$new_id" ]]; then
  podman rmi "$old_id" >/dev/null 2>&1 || true   # the previous run's image, now untagged
fi
# The previous run's build steps that this build did not reuse (after a code change) are
# garbage: drop them so that the image store does not grow with every change.
step_ids "$TMP_DIR/build.log" >"$TMP_DIR/build.ids"
if [[ -f $CACHE_DIR/build.ids ]]; then
  mapfile -t stale < <(grep -vxFf "$TMP_DIR/build.ids" "$CACHE_DIR/build.ids" || true)
  ((${#stale[@]} == 0)) || remove_images "${stale[@]}"
fi
cp "$TMP_DIR/build.ids" "$CACHE_DIR/build.ids"

[[ $(podman image inspect --format '{{.Config.User}}' "$IMAGE") == p2pchat:p2pchat ]] \
  || fail "the image does not run as the p2pchat user"
healthcheck=$(podman image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE")
[[ $healthcheck == *HealthCheck* ]] || fail "the image has no HEALTHCHECK (built without --format docker?)"

# --- 6. Run it on loopback and wait until healthy. -------------------------------------------
t0=$(now_ms)
# (podman's "unable to get systemd connection" messages are harmless here: nothing runs the
# HEALTHCHECK on a timer, the test runs it itself.)
podman run -d --name "$NAME" -p 127.0.0.1::8080 "$IMAGE" >/dev/null 2>"$TMP_DIR/run.err" \
  || { cat "$TMP_DIR/run.err" >&2; fail "podman run failed"; }
CONTAINER_STARTED=1
PORT=$(podman port "$NAME" 8080/tcp | head -n 1 | sed 's/.*://')
[[ $PORT =~ ^[0-9]+$ ]] || fail "no published port for $NAME"
BASE="http://127.0.0.1:$PORT"

# Healthy within 3-10 s normally; up to a minute was seen on a heavily loaded 2-core machine.
wait_healthy() { # what
  local deadline=$(($(now_ms) + 120000))
  local body
  while :; do
    body=$(curl -fsS --max-time 2 "$BASE/readyz" 2>/dev/null || true)
    [[ $body != *'"status":"UP"'* ]] || break
    if [[ $(podman inspect --format '{{.State.Running}}' "$NAME") != true ]]; then
      fail "$1: the container stopped before it was healthy"
    fi
    (($(now_ms) < deadline)) || fail "$1: $BASE/readyz not UP within 120 s"
    sleep 0.25
  done
}
wait_healthy "first start"
healthy_ms=$(($(now_ms) - t0))
log "healthy on $BASE after $(secs $healthy_ms)"

podman healthcheck run "$NAME" >"$TMP_DIR/hc.out" 2>&1 \
  || { cat "$TMP_DIR/hc.out" >&2; fail "podman healthcheck run $NAME did not pass"; }
log "HEALTHCHECK passes"

# Metrics and the API browser: not on the published API port; on the management port, which
# only the container itself reaches (probed from inside with the image's own probe).
for path in /actuator/prometheus /actuator/health /actuator/swagger-ui/index.html; do
  status=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$BASE$path")
  [[ $status == 404 ]] || fail "$path answered $status on the API port (expected 404)"
done
podman exec "$NAME" env -u JAVA_TOOL_OPTIONS java -Xmx16m -cp /opt/healthcheck HealthCheck \
    http://127.0.0.1:8081/actuator/health >"$TMP_DIR/mgmt.out" 2>&1 \
  || { cat "$TMP_DIR/mgmt.out" >&2; fail "the management port 8081 does not answer inside the container"; }
log "metrics and the API browser only on the management port (127.0.0.1:8081 inside the container)"

# --- 7. The API from the host. -------------------------------------------------------------
post() { # path json -> prints the status, body in $TMP_DIR/body
  curl -sS --max-time 20 -o "$TMP_DIR/body" -w '%{http_code}' -X POST "$BASE$1" \
    -H 'Content-Type: application/json' -d "$2"
}
CREDENTIALS='{"username":"ci-user","password":"container test"}'
status=$(post /api/v1/accounts "$CREDENTIALS")
[[ $status == 201 ]] || fail "register answered $status: $(cat "$TMP_DIR/body")"
login() {
  local status
  status=$(post /api/v1/sessions "$CREDENTIALS")
  [[ $status == 201 ]] || fail "$1: log in answered $status: $(cat "$TMP_DIR/body")"
  TOKEN=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP_DIR/body")
  [[ -n $TOKEN ]] || fail "$1: no token in $(cat "$TMP_DIR/body")"
  status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/peers")
  [[ $status == 200 ]] || fail "$1: GET /api/v1/peers with the new token answered $status"
}
login "first start"
log "register 201, log in 201 with a token, peers 200"

# --- 8. Non-root, data in the /data volume. -------------------------------------------------
uid=$(podman exec "$NAME" id -u)
[[ $uid != 0 ]] || fail "the service runs as root"
podman exec "$NAME" test -s /data/directory.mv.db || fail "no H2 file /data/directory.mv.db after registering"
mounts=" $(podman inspect --format '{{range .Mounts}}{{.Destination}} {{end}}' "$NAME")"
[[ $mounts == *" /data "* ]] || fail "/data is not a volume (mounts:$mounts)"
log "runs as uid $uid; the H2 database is /data/directory.mv.db on a volume"

# --- 9. Graceful stop: java is PID 1 and gets SIGTERM (exec-form ENTRYPOINT). ---------------
t1=$(now_ms)
podman stop -t 30 "$NAME" >/dev/null 2>>"$TMP_DIR/run.err"
stop_ms=$(($(now_ms) - t1))
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$NAME")
((stop_ms < 25000)) || fail "podman stop took $(secs $stop_ms): SIGTERM was not handled"
[[ $exit_code == 143 || $exit_code == 0 ]] || fail "exit code $exit_code after SIGTERM"
log "stopped on SIGTERM in $(secs $stop_ms) (exit $exit_code)"

# --- 10. Layers: dependencies apart from the application; a code change reuses them. -----------
# Expected from the top: application, snapshot-dependencies, spring-boot-loader, dependencies,
# the health probe, then the base image.
mapfile -t copies < <(podman history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | grep -E 'COPY|ADD')
names=(application snapshot-dependencies spring-boot-loader dependencies "health probe" "base image")
((${#copies[@]} == ${#names[@]})) \
  || { printf '%s\n' "${copies[@]}" >&2; fail "expected separate COPY layers for the probe and the four Boot layers"; }
for i in "${!copies[@]}"; do
  printf '    %-22s %s\n' "${names[i]}" "${copies[i]%%$'\t'*}"
done >"$TMP_DIR/history"

# Rebuild from a copy of the context with one more Java class, then compare the layer lists:
# only the last (application) layer may differ.
marker="$COPY_DIR/directory-service/src/main/java/dev/p2pchat/directory/CiRebuildMarker.java"
printf 'package dev.p2pchat.directory;\n\nfinal class CiRebuildMarker {\n    static final String RUN = "%s";\n}\n' "$$-$(now_ms)" >"$marker"
t1=$(now_ms)
podman_build "$REBUILD_IMAGE" "$COPY_DIR" >"$TMP_DIR/rebuild.log" 2>&1 \
  || { tail -n 40 "$TMP_DIR/rebuild.log" >&2; fail "the rebuild after a code change failed"; }
rebuild_ms=$(($(now_ms) - t1))
mapfile -t layers_a < <(podman image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$IMAGE" | sed '/^$/d')
mapfile -t layers_b < <(podman image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$REBUILD_IMAGE" | sed '/^$/d')
podman rmi "$REBUILD_IMAGE" >/dev/null 2>&1 || true
mapfile -t rebuilt < <(step_ids "$TMP_DIR/rebuild.log" | grep -vxFf "$TMP_DIR/build.ids" || true)
((${#rebuilt[@]} == 0)) || remove_images "${rebuilt[@]}"
((${#layers_a[@]} == ${#layers_b[@]})) || fail "the rebuild has ${#layers_b[@]} layers, the image ${#layers_a[@]}"
n=${#layers_a[@]}
for ((i = 0; i < n - 1; i++)); do
  [[ ${layers_a[i]} == "${layers_b[i]}" ]] || fail "after a code change layer $((i + 1)) of $n changed too (only the application layer should)"
done
[[ ${layers_a[n - 1]} != "${layers_b[n - 1]}" ]] || fail "the application layer did not change after a code change"
log "code change: rebuilt in $(secs $rebuild_ms); $((n - 1)) of $n layers reused, only the application layer is new"

# --- Summary ----------------------------------------------------------------------------------
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
cat <<EOF
Container test passed ($IMAGE, $((size / 1000000)) MB, $n layers):
  build                 $(secs $build_ms) ($cached_steps steps from cache)
  start to healthy      $(secs $healthy_ms)
  rebuild after a code change  $(secs $rebuild_ms), dependency layers reused
  checks: /readyz UP, HEALTHCHECK passes, metrics only on the management port, register 201,
          log in 201, runs as uid $uid,
          H2 file in the /data volume, graceful stop in $(secs $stop_ms)
  image layers (the RUN that adds the user, 13 kB, not shown):
$(cat "$TMP_DIR/history")
EOF
