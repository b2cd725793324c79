"""Write the catalogs under tests/data/po/: one translator's catalog as each PO tool saves it.

Run from the repository root: `python tests/data/po/make_fixtures.py` (needs GNU gettext's
msgcat, polib and Translate Toolkit; the test suite reads the files, it does not run this).

The translator's catalog (`workflow.po`) is what `workflow extract` writes for
source/fair-bulletin-2021-01.txt in zh, then translated: every unit filled (one fuzzy), a
hand-made plural entry, a header with fields workflow does not write (`X-Poedit-Bookmarks`,
`X-Crowdin-Project`, a translator, a team, `Language: zh_CN`), and obsolete entries as
msgmerge writes them: without msgctxt, with `#~|` previous lines and comments. Each tool then
saves it in its own style:

- msgcat-NN.po       GNU gettext `msgcat --width=NN` (79 is gettext's default) / `--no-wrap`
- polib.po           polib 1.2 `POFile.save()` (wraps at 78)
- translate-toolkit.po  Translate Toolkit 3.x `translate.storage.pypo`, every unit set again so that its
  own writer writes it (it wraps at 77 columns)
- poedit.po, weblate.po, lokalize.po: those editors' styles as they document them, reproduced
  with msgcat: Poedit wraps as gettext does at 79 columns, Weblate at 77, Lokalize at the
  project's word-wrap width (80 by default); each names itself in X-Generator.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent
ARTICLE = "fair-bulletin-2021-01.txt"
TRANSLATIONS = {
    "China International Fair": "中国国际服务贸易交易会 (China International Fair for Trade in Services) "
                                "在北京开幕",
    "The fair is a comprehensive": "服贸会是全球唯一的国家级、国际性、综合型服务贸易展会, 具有全球影响力, "
                                   "吸引了 22,000 名观众, "
                                   "其中包括来自 148 个国家和地区的 professional visitors and buyers.",
    "Prices rose": "2020 年价格上涨 2.6%。",
    "The summit was a success.": "峰会取得圆满成功。",
    "More than 190": "据组委会介绍, 展会期间举办了 190 多场论坛、会议和洽谈活动, "
                     "covering trade in services, digital trade and tourism.",
    "Exhibitors from": "来自 148 个国家和地区的展商参展, 组委会表示明年的展会规模将更大。",
}
OBSOLETE = """
# Kept from the 2020 edition.
#~| msgid "The fair opened on September 4."
#~ msgid "The fair opened on September 5."
#~ msgstr "展会于9月5日开幕。"

#, fuzzy
#~| msgid "Some 18,000 firms took part."
#~ msgid "Some 18,600 firms took part."
#~ msgstr "约1.86万家企业参展。"

#~ msgid "The fair closed on Wednesday, with deals worth a record amount signed by the participants of all \\
the forums."
#~ msgstr "展会于周三闭幕, 各论坛参与方签约金额创历史新高 (a record amount)。"

#~ msgctxt "0123456789ab"
#~ msgid "An obsolete unit with its key."
#~ msgstr "一个带键的过时单元。"
""".replace("\\\n", "")


def run(*command: str, cwd: Path | None = None, stdin: bytes | None = None) -> bytes:
    return subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, check=True).stdout


def translator_catalog(root: Path) -> bytes:
    """The zh catalog workflow writes, then a translator's work put in with polib (no wrapping)."""
    (root / "source").mkdir(parents=True)
    shutil.copy(HERE / "source" / ARTICLE, root / "source" / ARTICLE)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    subprocess.run([sys.executable, "-m", "workflow", "init", str(root)], check=True, env=env)
    config = root / "setup.cfg"
    config.write_text(re.sub(r"(?m)^languages = .*$", "languages = zh", config.read_text()))
    subprocess.run([sys.executable, "-m", "workflow", "--root", str(root), "extract"], check=True, env=env)
    path = root / "locales" / "zh" / ARTICLE.replace(".txt", ".po")
    catalog = polib.pofile(str(path), wrapwidth=0)
    for entry in catalog:
        entry.msgstr = next(target for start, target in TRANSLATIONS.items() if entry.msgid.startswith(start))
        if entry.msgid.startswith("Prices"):
            entry.flags.append("fuzzy")
            entry.tcomment = "workflow: tm 92% fair-2020.tmx"
        if entry.msgid.startswith("Exhibitors"):  # a hand-made plural entry
            entry.msgid_plural = entry.msgid
            entry.msgstr_plural = {0: entry.msgstr}
            entry.msgstr = ""
        if entry.msgid.startswith("More than"):
            entry.tcomment = "Checked with the organizers' release."
    catalog.metadata.update({
        "PO-Revision-Date": "2024-03-02 17:45+0800",
        "Last-Translator": "Li Wei <li.wei@example.org>",
        "Language-Team": "Chinese (simplified) <zh@example.org>",
        "Language": "zh_CN",
        "X-Poedit-Bookmarks": "-1,-1,-1,-1,-1,-1,-1,-1,-1,-1",
        "X-Crowdin-Project": "fair-bulletins",
    })
    text = str(catalog).rstrip("\n") + "\n" + OBSOLETE
    return run("msgcat", "--no-wrap", "-", stdin=text.encode("utf-8"))


def with_generator(data: bytes, generator: str) -> bytes:
    return re.sub(rb'"X-Generator: [^"\\]*\\n"', f'"X-Generator: {generator}\\\\n"'.encode(), data)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = translator_catalog(Path(folder) / "ws")
    out = HERE / "zh"
    out.mkdir(exist_ok=True)
    (out / "workflow.po").write_bytes(base)
    for width in (40, 60, 79):
        (out / f"msgcat-{width}.po").write_bytes(run("msgcat", f"--width={width}", "-", stdin=base))
    (out / "msgcat-no-wrap.po").write_bytes(run("msgcat", "--no-wrap", "-", stdin=base))
    catalog = polib.pofile(base.decode("utf-8"))
    (out / "polib.po").write_text(str(catalog).rstrip("\n") + "\n", encoding="utf-8")
    from translate.storage import pypo

    store = pypo.pofile.parsestring(base)
    for unit in store.units:  # set again, so that Translate Toolkit writes each unit itself (at 77 columns)
        if not unit.isheader():
            source, target = unit.source, unit.target
            unit.source, unit.target = "", ""
            unit.source, unit.target = source, target
    (out / "translate-toolkit.po").write_bytes(bytes(store))
    for name, width, generator in (("poedit", 79, "Poedit 3.4.2"), ("weblate", 77, "Weblate 5.4"),
                                   ("lokalize", 80, "Lokalize 23.08.5")):
        styled = run("msgcat", f"--width={width}", "-", stdin=with_generator(base, generator))
        (out / f"{name}.po").write_bytes(styled)


if __name__ == "__main__":
    main()
