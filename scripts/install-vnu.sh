#!/usr/bin/env bash
# Install the W3C Nu HTML Checker (npm package vnu-jar) into .tools/, for tests/test_validity.py.
# Needs npm (Debian: nodejs npm) and Java >= 11 (Debian: default-jre-headless) to run it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${VNU_VERSION:-26.9.27}"
jar="$root/.tools/node_modules/vnu-jar/build/dist/vnu.jar"
if [ -f "$jar" ]; then
    echo "vnu.jar already installed: $jar"
    exit 0
fi
if ! command -v java >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt-get update
    apt-get install -y --no-install-recommends default-jre-headless npm
fi
mkdir -p "$root/.tools"
npm install --prefix "$root/.tools" --no-audit --no-fund "vnu-jar@$version"
test -f "$jar"
echo "vnu.jar installed: $jar"
