"""Write workflow/data/english_names.json: CLDR's English name tables from the installed Babel's en.dat.

Run after upgrading Babel (the tables are used only while en.dat is the file they were read from;
with another, workflow reads en.dat itself: the same names, a little slower):
    .venv/bin/python scripts/english_names.py
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from workflow.languages import ENGLISH_TABLES, SHIPPED_ENGLISH_NAMES, _babel_data, english_names_of


def main() -> None:
    folder = _babel_data()
    if folder is None:
        raise SystemExit("Babel is not installed")
    data = Path(folder, "en.dat").read_bytes()
    names = english_names_of(data)
    table = {"en.dat sha1": hashlib.sha1(data).hexdigest(), **{name: names[name] for name in ENGLISH_TABLES}}
    text = json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    Path(SHIPPED_ENGLISH_NAMES).write_text(text, encoding="utf-8")
    count = sum(map(len, names.values()))
    print(f"{os.path.relpath(SHIPPED_ENGLISH_NAMES)}: {count} names, {len(text):,} bytes")


if __name__ == "__main__":
    main()
