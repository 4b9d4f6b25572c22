#!/usr/bin/env bash
# Ensure the Debian packages one part of the project needs are installed.
#
#   bash scripts/install/debian-packages.sh runtime   # npm install: what the app needs to run
#   bash scripts/install/debian-packages.sh test      # npm test (pretest): what the tests and benches need
#   bash scripts/install/debian-packages.sh mediasoup # the mediasoup worker build
#   bash scripts/install/debian-packages.sh SET --list   # print the set's packages, one a line
#
# As root it installs what is missing with apt-get (one `apt-get update` only when something is
# missing). Without root it prints the one `apt-get install` line to run and exits 1, so a newcomer
# sees what to do instead of a test failing later for a missing binary.
set -euo pipefail

SET="${1:-}"
case "$SET" in
  # ffmpeg: recording co-reviews; fonts-noto-cjk: Chinese text in snapshot watermarks.
  runtime) PACKAGES=(ffmpeg fonts-noto-cjk) ;;
  # chromium: end-to-end suite; the rest are independent reference tools the tests and benches
  # check our output against (qpdf, zbarimg, pdftoppm, tesseract, ffprobe, openssl, unzip) or use to
  # make bad input (imagemagick) and network cuts (iptables, iproute2).
  test)
    PACKAGES=(
      chromium fonts-noto-cjk ffmpeg
      tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng tesseract-ocr-osd
      poppler-utils qpdf zbar-tools imagemagick iptables iproute2 openssl unzip
    )
    ;;
  # The -dev packages pull in the runtime libraries the worker links against.
  mediasoup)
    PACKAGES=(
      meson ninja-build pkg-config g++ patch binutils
      libssl-dev libuv1-dev libsrtp2-dev libnss3-dev libusrsctp-dev libabsl-dev
      libflatbuffers-dev flatbuffers-compiler liburing-dev
    )
    ;;
  *)
    echo "usage: $0 runtime|test|mediasoup" >&2
    exit 2
    ;;
esac

if [[ "${2:-}" == "--list" ]]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "[debian-packages] this machine has no dpkg (not Debian/Ubuntu). Install the equivalents of: ${PACKAGES[*]}" >&2
  exit 1
fi

MISSING=()
for pkg in "${PACKAGES[@]}"; do
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" == "installed" ]] || MISSING+=("$pkg")
done
((${#MISSING[@]} == 0)) && exit 0

INSTALL_CMD="apt-get install -y --no-install-recommends ${MISSING[*]}"
if [[ "$(id -u)" -ne 0 ]]; then
  printf '[debian-packages] missing Debian packages (%s): %s\n' "$SET" "${MISSING[*]}" >&2
  printf '[debian-packages] run this once as root, then try again:\n  sudo apt-get update && sudo %s\n' "$INSTALL_CMD" >&2
  exit 1
fi
printf '[debian-packages] installing (%s): %s\n' "$SET" "${MISSING[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # word splitting of the package list is intended
apt-get install -y -qq --no-install-recommends ${MISSING[*]} >/dev/null
