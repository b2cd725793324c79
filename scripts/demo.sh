#!/usr/bin/env bash
# The demo (`make demo`): the whole job on the sample bulletin, in demo/ (ignored by git, made afresh
# each time), with nothing but the repository.
#   Chinese: the sample's translation memory and glossary (samples/), published as a marked draft;
#   Spanish: machine-translated by Apertium (apertium eng-spa), when it is installed.
# Usage: scripts/demo.sh WORKFLOW-COMMAND…   (make passes `.venv/bin/python -m workflow`)
# Ends with the paths of the published editions (stdout).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then set -- python3 -m workflow; fi
DEMO=demo

rm -rf "$DEMO"
mkdir -p "$DEMO/source"
cp source/ciftis-bulletin-2021-01.txt "$DEMO/source/"
cat > "$DEMO/setup.cfg" <<'EOF'
[workflow]
source_lang = en
languages = zh es
# Chinese: memory first, then an Argos model if one is installed; Spanish: memory, then Apertium
engines = tm argos
engines.es = tm apertium
EOF

"$@" --root "$DEMO" tm import samples/tm/ciftis-en-zh.tmx
"$@" --root "$DEMO" glossary import samples/glossary/en-zh.tsv

langs=(zh)
if command -v apertium >/dev/null && apertium -l | grep -x '[[:space:]]*eng-spa' >/dev/null; then
    langs+=(es)
else
    echo "demo: Apertium is not installed, so there is no Spanish edition; on Debian/Ubuntu:" \
         "sudo apt-get install apertium apertium-eng-spa (or run make demo as root), then make demo again" >&2
fi
"$@" --root "$DEMO" run "${langs[@]}" --draft
