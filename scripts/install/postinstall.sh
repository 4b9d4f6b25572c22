#!/usr/bin/env bash
# Root `postinstall` (package.json). npm runs it after every `npm install` /
# `npm ci`. Each step is its own script, idempotent and fast when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# 0. Debian packages the app needs at run time (ffmpeg for recording, CJK fonts).
bash scripts/install/debian-packages.sh runtime

# 1. mediasoup's C++ worker, built from the package's sources against Debian
#    libraries (its own postinstall is denied in package.json "allowScripts").
bash scripts/install/build-mediasoup-worker.sh

# 2. OCR language data. Hook for the OCR step: runs once the file exists.
if [[ -f scripts/install/install-ocr-data.mjs ]]; then
  node scripts/install/install-ocr-data.mjs
fi

# Further install steps go here, one script each.
