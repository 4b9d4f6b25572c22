#!/usr/bin/env bash
# Build mediasoup's C++ worker offline, against Debian's libraries.
#
# Why: mediasoup's own postinstall downloads a prebuilt worker, then meson and
# ninja from PyPI, then 8 C/C++ subprojects from GitHub. None of that is
# reachable on our machines (only the npm registry and the Debian archive are),
# so the root package.json denies mediasoup's install script (allowScripts) and
# the root postinstall runs this script instead.
#
# How (see /work/shared/notes/mediasoup-offline.md for the tested facts):
#   1. Debian build packages (installed with apt-get when root).
#   2. Copy node_modules/mediasoup/worker to .cache/mediasoup-build/ and put a
#      shim subproject (scripts/install/mediasoup/shims/<wrap>) into the folder
#      each .wrap names, so meson never downloads anything and links Debian's
#      .so files instead. libsrtp3 and liburing get compat headers.
#   3. Apply scripts/install/mediasoup/dtls-bio-callback.patch (DTLS crash with
#      Debian's KTLS-enabled OpenSSL) and relax meson_version to Debian's 1.0.1.
#   4. meson setup / compile / strip, install to
#      node_modules/mediasoup/worker/out/Release/mediasoup-worker.
#   5. Cache the binary in $TONGBAN_CACHE_DIR (default ~/.cache/tongban), keyed
#      by mediasoup version + hash of this script and its shims/patch + Debian
#      package versions, so a reinstall copies it in a second instead of
#      spending ~6 minutes compiling.
#
# Usage: bash scripts/install/build-mediasoup-worker.sh [--force]
#   --force                     ignore the installed stamp and the cache; rebuild.
# Environment:
#   TONGBAN_CACHE_DIR           binary cache dir (default: ~/.cache/tongban)
#   TONGBAN_BUILD_JOBS          parallel compile jobs (default: nproc)
#   TONGBAN_KEEP_MEDIASOUP_BUILD=1  keep .cache/mediasoup-build after success
#   MEDIASOUP_WORKER_BIN        if set to an existing file, mediasoup uses that
#                               binary at run time, so there is nothing to build.
#
# Upgrading mediasoup: the script fails loudly (never half-builds) when the
# DTLS patch no longer applies, the meson_version line moved, or a new .wrap
# appeared without a shim. Fix the patch/shim, rerun, run the media smoke test
# (tests/e2e/media-smoke.e2e.test.ts). The cache key changes by itself.
set -euo pipefail

log() { printf '[mediasoup] %s\n' "$*"; }
die() { printf '[mediasoup] ERROR: %s\n' "$*" >&2; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
SUPPORT_DIR="$SCRIPT_DIR/mediasoup"
SHIMS_DIR="$SUPPORT_DIR/shims"
PATCH_FILE="$SUPPORT_DIR/dtls-bio-callback.patch"

MEDIASOUP_DIR="$ROOT/node_modules/mediasoup"
TARGET_DIR="$MEDIASOUP_DIR/worker/out/Release"
TARGET_BIN="$TARGET_DIR/mediasoup-worker"
STAMP_FILE="$TARGET_DIR/.tongban-build-key"

BUILD_ROOT="$ROOT/.cache/mediasoup-build"
CACHE_DIR="${TONGBAN_CACHE_DIR:-${HOME:-/root}/.cache/tongban}"
JOBS="${TONGBAN_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    *) die "unknown argument: $arg (usage: $0 [--force])" ;;
  esac
done

START_US=${EPOCHREALTIME/./}
elapsed() { # wall time since start: "850 ms" or "214 s"
  local ms=$(((${EPOCHREALTIME/./} - START_US) / 1000))
  if ((ms < 10000)); then printf '%d ms' "$ms"; else printf '%d s' "$((ms / 1000))"; fi
}

# --- 0. Is there anything to do? -------------------------------------------------
if [[ -n "${MEDIASOUP_WORKER_BIN:-}" ]]; then
  [[ -x "$MEDIASOUP_WORKER_BIN" ]] || die "MEDIASOUP_WORKER_BIN=$MEDIASOUP_WORKER_BIN is not an executable file"
  log "MEDIASOUP_WORKER_BIN is set ($MEDIASOUP_WORKER_BIN); not building."
  exit 0
fi
if [[ ! -f "$MEDIASOUP_DIR/package.json" ]]; then
  log "node_modules/mediasoup is not installed; nothing to build."
  exit 0
fi
MEDIASOUP_VERSION="$(node -p "require('$MEDIASOUP_DIR/package.json').version")"

# --- 1. Debian build packages -------------------------------------------------------
bash "$SCRIPT_DIR/debian-packages.sh" mediasoup || die "the Debian build packages are missing (see above)"
mapfile -t PACKAGES < <(bash "$SCRIPT_DIR/debian-packages.sh" mediasoup --list)

# --- 2. Cache key --------------------------------------------------------------------
# Anything that changes the binary changes the key: mediasoup's sources (its
# version), our shims/patch/script, and the exact Debian library/tool versions.
inputs_hash() {
  (
    cd "$SCRIPT_DIR"
    find build-mediasoup-worker.sh mediasoup -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-64
}
KEY_TEXT="$(
  printf 'mediasoup=%s\n' "$MEDIASOUP_VERSION"
  printf 'inputs=%s\n' "$(inputs_hash)"
  printf 'arch=%s\n' "$(uname -m)"
  for pkg in "${PACKAGES[@]}"; do
    printf '%s=%s\n' "$pkg" "$(dpkg-query -W -f='${Version}' "$pkg")"
  done
)"
KEY="$MEDIASOUP_VERSION-$(printf '%s' "$KEY_TEXT" | sha256sum | cut -c1-16)"
CACHED_BIN="$CACHE_DIR/mediasoup-worker-$KEY"

install_binary() { # <source> : atomic copy into node_modules + stamp
  mkdir -p "$TARGET_DIR"
  cp "$1" "$TARGET_BIN.tmp.$$"
  chmod 755 "$TARGET_BIN.tmp.$$"
  mv -f "$TARGET_BIN.tmp.$$" "$TARGET_BIN"
  printf '%s\n' "$KEY" >"$STAMP_FILE"
}

if ((FORCE == 0)); then
  if [[ -x "$TARGET_BIN" && -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$KEY" ]]; then
    log "worker $KEY already installed; nothing to do ($(elapsed))."
    exit 0
  fi
  if [[ -x "$CACHED_BIN" ]]; then
    install_binary "$CACHED_BIN"
    log "installed cached worker $CACHED_BIN ($(elapsed))."
    exit 0
  fi
fi

# --- 3. Prepare the sources ----------------------------------------------------------
mkdir -p "$BUILD_ROOT"
# One build at a time per checkout (e.g. two npm installs racing).
exec 9>"$BUILD_ROOT/.lock"
flock 9

SRC="$BUILD_ROOT/worker"
BUILD="$BUILD_ROOT/build"
LOG_FILE="$BUILD_ROOT/build.log"
log "building worker $KEY (4–6 min on 2 cores)…"
log "sources: $SRC, log: $LOG_FILE"
rm -rf "$SRC" "$BUILD"
cp -a "$MEDIASOUP_DIR/worker" "$SRC"
rm -rf "$SRC/out"
: >"$LOG_FILE"

# A shim subproject for every wrap, in the folder the wrap's `directory =` names:
# meson never downloads a wrap whose folder already exists.
shopt -s nullglob
WRAPS=("$SRC"/subprojects/*.wrap)
shopt -u nullglob
((${#WRAPS[@]} > 0)) || die "no .wrap files under $SRC/subprojects — mediasoup's layout changed"
for wrap in "${WRAPS[@]}"; do
  name="$(basename "$wrap" .wrap)"
  dir="$(sed -n 's/^[[:space:]]*directory[[:space:]]*=[[:space:]]*//p' "$wrap" | head -n1 | tr -d '[:space:]')"
  [[ -n "$dir" ]] || die "$wrap has no 'directory =' line"
  [[ -d "$SHIMS_DIR/$name" ]] ||
    die "mediasoup $MEDIASOUP_VERSION has a new wrap '$name' with no shim in $SHIMS_DIR — add one"
  rm -rf "$SRC/subprojects/$dir"
  cp -a "$SHIMS_DIR/$name" "$SRC/subprojects/$dir"
  cp "$SHIMS_DIR/empty.c" "$SRC/subprojects/$dir/empty.c"
done
log "shimmed ${#WRAPS[@]} subprojects with Debian libraries"

# The DTLS fix. Dry run first so a half-applied patch never happens.
patch -p1 --dry-run --forward -d "$SRC" <"$PATCH_FILE" >/dev/null ||
  die "$(basename "$PATCH_FILE") no longer applies to mediasoup $MEDIASOUP_VERSION — check worker/src/RTC/DtlsTransport.cpp and update the patch"
patch -p1 --forward --silent -d "$SRC" <"$PATCH_FILE"
log "applied $(basename "$PATCH_FILE")"

# mediasoup asks for meson >= 1.1; bookworm ships 1.0.1, which builds it fine.
MESON_LINE_RE="^\([[:space:]]*meson_version[[:space:]]*:[[:space:]]*\)'>= 1\.[0-9.]*'"
grep -q "$MESON_LINE_RE" "$SRC/meson.build" ||
  die "meson_version line not found in worker/meson.build — mediasoup's layout changed"
sed -i "s/$MESON_LINE_RE/\1'>= 1.0.0'/" "$SRC/meson.build"
grep -q "meson_version *: *'>= 1.0.0'" "$SRC/meson.build" || die "failed to relax meson_version"

# --- 4. Build ------------------------------------------------------------------------
run() { # run a build step, stream its output and keep it in the log
  printf '+ %s\n' "$*" >>"$LOG_FILE"
  if ! "$@" 2>&1 | tee -a "$LOG_FILE"; then
    die "'$*' failed after $(elapsed); full log: $LOG_FILE"
  fi
}

log "meson setup ($(meson --version))"
run meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true "$BUILD" "$SRC"
# FBS/*.h are generated by flatc; compile them first or the worker sources miss them.
log "generating flatbuffers headers"
run meson compile -C "$BUILD" -j "$JOBS" flatbuffers-generator
log "compiling mediasoup-worker with $JOBS jobs ($(elapsed) so far)"
run meson compile -C "$BUILD" -j "$JOBS" mediasoup-worker

BUILT_BIN="$BUILD/mediasoup-worker"
[[ -x "$BUILT_BIN" ]] || die "build finished but $BUILT_BIN is missing"
strip "$BUILT_BIN"
if ldd "$BUILT_BIN" | grep -q 'not found'; then
  ldd "$BUILT_BIN" >&2
  die "the built worker has unresolved shared libraries"
fi

# --- 5. Cache and install -----------------------------------------------------------
mkdir -p "$CACHE_DIR"
cp "$BUILT_BIN" "$CACHED_BIN.tmp.$$"
mv -f "$CACHED_BIN.tmp.$$" "$CACHED_BIN"
printf '%s\n' "$KEY_TEXT" >"$CACHED_BIN.inputs.txt"
install_binary "$CACHED_BIN"

if [[ "${TONGBAN_KEEP_MEDIASOUP_BUILD:-0}" != "1" ]]; then
  rm -rf "$SRC" "$BUILD"
fi
log "done in $(elapsed): $TARGET_BIN ($(du -h "$TARGET_BIN" | cut -f1)), cached as $CACHED_BIN"
