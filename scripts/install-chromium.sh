#!/usr/bin/env bash
# Headless Chromium and fonts for Chinese and Arabic, for scripts/screenshots.py (`make screenshots`).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list | grep -qi "Noto Sans CJK" && fc-list | grep -qi "Noto Naskh Arabic"; then
    echo "chromium and fonts already installed"
    exit 0
fi
apt-get update
apt-get install -y --no-install-recommends chromium fonts-noto-cjk fonts-noto-core
