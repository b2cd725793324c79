"""`workflow serve`: the review app's JSON API, its token, its origin rule and its writes.

Every test drives the real Starlette app (Starlette's TestClient) over a real workspace
and looks at the PO file on disk afterwards.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from publishing import workspace
from starlette.testclient import TestClient

from workflow.files import workspace_lock
from workflow.serve import COOKIE, ServeOptions, create_app, serve_options
from workflow.settings import Settings

TOKEN = "test-token-0123456789"
ARTICLE = "news.html"
PAGE = ('<!DOCTYPE html><html lang="en"><head><title>Exports grew</title></head><body>'
        '<p>Read the <a href="https://example.org/paper">white paper</a> today.</p>'
        "<p>Exports grew by 10 percent in 2020.</p><p>Imports fell.</p></body></html>\n")
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return workspace(tmp_path / "ws", {ARTICLE: PAGE}, languages="zh ar")


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings, ServeOptions(TOKEN)), base_url="http://127.0.0.1:8765")


def units(client: TestClient, lang: str = "zh", **query: str) -> list[dict[str, object]]:
    response = client.get(f"/api/{lang}/units", params={"article": ARTICLE, **query}, headers=BEARER)
    assert response.status_code == 200, response.text
    result: list[dict[str, object]] = response.json()
    return result


def unit_with(client: TestClient, source_part: str, lang: str = "zh") -> dict[str, object]:
    return next(u for u in units(client, lang) if source_part in str(u["source"]))


def post(client: TestClient, unit: dict[str, object], lang: str = "zh", **body: object) -> object:
    payload = {"target": "", "state": "reviewed", "revision": unit["revision"], **body}
    return client.post(f"/api/{lang}/units/{ARTICLE}/{unit['key']}", json=payload, headers=BEARER)


def entry(settings: Settings, key: object, lang: str = "zh") -> polib.POEntry:
    catalog = polib.pofile(str(settings.catalog(ARTICLE, lang)))
    return next(e for e in catalog if e.msgctxt == key)


def test_units_list_what_a_reviewer_needs(client: TestClient) -> None:
    found = units(client)
    assert [u["source"] for u in found] == ["Exports grew", "Read the <1>white paper</1> today.",
                                            "Exports grew by 10 percent in 2020.", "Imports fell."]
    for unit in found:
        assert {"key", "article", "source", "target", "state", "revision", "findings", "provenance",
                "comments", "confidence", "context"} <= set(unit)
        assert unit["article"] == ARTICLE and unit["state"] == "new" and re.fullmatch(r"[0-9a-f]{16}",
                                                                                       str(unit["revision"]))
    assert "<1>" in str(found[1]["context"])  # the extracted comment says what the placeholder stands for


def test_approving_writes_only_that_entry(client: TestClient, settings: Settings,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = settings.catalog(ARTICLE, "zh")
    before = path.read_text(encoding="utf-8")
    old_date = polib.pofile(before).metadata["PO-Revision-Date"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # the date the save gives, whatever the clock
    unit = unit_with(client, "Imports")
    response = post(client, unit, target="进口下降了。", comment="checked with the desk")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["state"] == "reviewed" and answer["target"] == "进口下降了。"
    assert answer["revision"] != unit["revision"] and answer["line"] == unit["line"]
    saved = entry(settings, unit["key"])
    assert saved.msgstr == "进口下降了。" and "fuzzy" not in saved.flags
    assert saved.tcomment == "checked with the desk"
    after = path.read_text(encoding="utf-8")
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed == ['"PO-Revision-Date: 2027-01-15 08:00+0000\\n"', "# checked with the desk",
                       'msgstr "进口下降了。"'], changed  # (and the header's date: see test_revision_dates)
    assert after.replace("# checked with the desk\n", "").replace('"进口下降了。"', '""').replace(
        "2027-01-15 08:00+0000", old_date) == before


def test_needs_work_keeps_the_unit_fuzzy(client: TestClient, settings: Settings) -> None:
    unit = unit_with(client, "Imports")
    response = post(client, unit, target="进口？", state="needs-work")
    assert response.status_code == 200, response.text
    assert "fuzzy" in entry(settings, unit["key"]).flags
    assert response.json()["state"] == "needs-work"


def test_a_stale_revision_is_refused_and_nothing_is_written(client: TestClient, settings: Settings) -> None:
    unit = unit_with(client, "Imports")
    assert post(client, unit, target="第一次。").status_code == 200
    assert_refused_as_stale(client, settings, unit, "第二次。", kept="第一次。")  # the revision read before


def assert_refused_as_stale(client: TestClient, settings: Settings, unit: dict[str, object], target: str,
                            kept: str) -> None:
    """A save from a stale revision: 409 with the unit as it is now, and the file left byte for byte."""
    path = settings.catalog(ARTICLE, "zh")
    before = path.read_bytes()
    response = post(client, unit, target=target)
    assert response.status_code == 409
    assert response.json()["unit"]["target"] == kept
    assert path.read_bytes() == before


def test_an_edit_saved_meanwhile_in_a_po_editor_is_kept(client: TestClient, settings: Settings) -> None:
    unit = unit_with(client, "Exports grew by")
    path = settings.catalog(ARTICLE, "zh")
    catalog = polib.pofile(str(path))
    for item in catalog:
        if item.msgctxt == unit["key"]:
            item.msgstr = "出口增长了百分之十（2020年）。"
    catalog.save()
    assert_refused_as_stale(client, settings, unit, "浏览器里的译文。", kept="出口增长了百分之十（2020年）。")


def test_broken_placeholders_cannot_be_approved(client: TestClient, settings: Settings) -> None:
    unit = unit_with(client, "white paper")
    path = settings.catalog(ARTICLE, "zh")
    before = path.read_bytes()
    response = post(client, unit, target="今天阅读白皮书。")
    assert response.status_code == 422
    assert [f["check"] for f in response.json()["findings"]] == ["placeholders"]
    assert path.read_bytes() == before
    assert post(client, unit, target="今天阅读<1>白皮书</1>。").status_code == 200


def test_qa_runs_on_a_target_before_it_is_saved(client: TestClient, settings: Settings) -> None:
    unit = unit_with(client, "Exports grew by")
    path = settings.catalog(ARTICLE, "zh")
    before = path.read_bytes()
    typed = {"article": ARTICLE, "key": unit["key"], "target": "出口增长了百分之十一（2021年）。"}
    response = client.post("/api/zh/check", json=typed, headers=BEARER)
    assert response.status_code == 200
    assert "numbers" in [f["check"] for f in response.json()]
    assert path.read_bytes() == before


def test_every_request_needs_the_token(client: TestClient) -> None:
    for url in ("/", "/zh/", f"/zh/units?article={ARTICLE}", "/api/zh/units"):
        assert client.get(url).status_code == 401, url
        assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401, url
    assert client.get("/?token=wrong").status_code == 401
    unit = units(client)[0]
    response = client.post(f"/api/zh/units/{ARTICLE}/{unit['key']}",
                           json={"target": "x", "revision": unit["revision"]})
    assert response.status_code == 401


def test_the_printed_url_sets_a_strict_cookie_and_drops_the_token(settings: Settings) -> None:
    browser = TestClient(create_app(settings, ServeOptions(TOKEN)), base_url="http://127.0.0.1:8765")
    response = browser.get(f"/?token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert f"{COOKIE}={TOKEN}" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert browser.get("/").status_code == 200
    assert browser.get("/api/zh/units").status_code == 200


def test_a_cross_origin_write_is_refused(settings: Settings, client: TestClient) -> None:
    browser = TestClient(create_app(settings, ServeOptions(TOKEN)), base_url="http://127.0.0.1:8765")
    browser.get(f"/?token={TOKEN}")
    unit = unit_with(client, "Imports")
    path = settings.catalog(ARTICLE, "zh")
    before = path.read_bytes()
    url = f"/api/zh/units/{ARTICLE}/{unit['key']}"
    body = {"target": "恶意。", "revision": unit["revision"]}
    assert browser.post(url, json=body, headers={"Origin": "http://evil.example"}).status_code == 403
    assert browser.post(url, json=body).status_code == 403  # a cookie and no Origin: not from a page of ours
    assert client.post(url, json=body, headers={**BEARER, "Origin": "http://evil.example"}).status_code == 403
    assert path.read_bytes() == before
    assert browser.post(url, json=body, headers={"Origin": "http://127.0.0.1:8765"}).status_code == 200


def test_nothing_outside_the_workspace_is_reachable(client: TestClient, settings: Settings) -> None:
    (settings.root.parent / "secret.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    for url in ("/api/zh/units?article=../../secret", "/api/zh/units?article=../setup.cfg",
                "/api/..%2F..%2Fetc/units", "/api/fr/units", "/fr/", "/zh/units?article=/etc/passwd"):
        response = client.get(url, headers=BEARER)
        assert response.status_code == 404, url
    unit = units(client)[0]
    for article in ("../../secret", "..%2F..%2Fsecret", "/etc/passwd"):
        response = client.post(f"/api/zh/units/{article}/{unit['key']}", headers=BEARER,
                               json={"target": "x", "revision": unit["revision"]})
        assert response.status_code == 404, article


def test_hostile_text_is_escaped_in_every_page(client: TestClient, settings: Settings) -> None:
    payload = '<script>alert("PWNED")</script><img src=x onerror=alert("PWNED")>'
    unit = unit_with(client, "Imports")
    assert post(client, unit, target=payload, comment=payload, state="needs-work").status_code == 200
    for url in ("/", "/zh/", f"/zh/units?article={ARTICLE}"):
        page = client.get(url, headers=BEARER).text
        assert "<script>alert" not in page and "<img src=x" not in page, url
    listed = client.get("/api/zh/units", headers=BEARER)
    assert listed.headers["content-type"].startswith("application/json")
    assert payload in [u["target"] for u in listed.json()]  # the API returns data; pages put it in as text


def test_right_to_left_languages_edit_right_to_left(client: TestClient) -> None:
    page = client.get(f"/ar/units?article={ARTICLE}", headers=BEARER).text
    assert 'data-dir="rtl"' in page and 'data-lang="ar"' in page


def test_a_file_in_an_unusual_layout_is_edited_whole_and_still_read_back(client: TestClient,
                                                                          settings: Settings) -> None:
    """Entries with no blank line between them: the one-entry splice does not apply; the edit still lands."""
    path = settings.catalog(ARTICLE, "zh")
    path.write_text(path.read_text(encoding="utf-8").replace("\n\n#.", "\n#."), encoding="utf-8")
    unit = unit_with(client, "Imports")
    assert post(client, unit, target="进口下降了。").status_code == 200
    assert entry(settings, unit["key"]).msgstr == "进口下降了。"
    assert len(polib.pofile(str(path))) == 4


def test_crlf_catalogs_keep_their_line_ends(client: TestClient, settings: Settings) -> None:
    path = settings.catalog(ARTICLE, "zh")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    unit = unit_with(client, "Imports")
    assert post(client, unit, target="进口下降了。").status_code == 200
    data = path.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert entry(settings, unit["key"]).msgstr == "进口下降了。"


def test_approving_machine_words_as_they_are_keeps_their_provenance(client: TestClient,
                                                                    settings: Settings) -> None:
    path = settings.catalog(ARTICLE, "zh")
    catalog = polib.pofile(str(path))
    for item in catalog:
        if item.msgid == "Imports fell.":
            item.msgstr, item.flags = "进口下降。", ["fuzzy"]
            item.tcomment = "workflow: mt argos translate-en_zh 1.9"
    catalog.save()
    unit = unit_with(client, "Imports")
    assert unit["state"] == "machine" and unit["provenance"] == "mt argos translate-en_zh 1.9"
    response = post(client, unit, target="进口下降。")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["state"] == "reviewed" and answer["provenance"] == "mt argos translate-en_zh 1.9"
    second = post(client, answer, target="进口下降了。").json()
    assert second["provenance"] == ""  # the reviewer's own words now


def test_the_preview_is_the_page_as_published_now_rendered_in_memory(client: TestClient,
                                                                      settings: Settings) -> None:
    unit = unit_with(client, "Imports")
    assert post(client, unit, target="进口下降了。").status_code == 200
    machine = unit_with(client, "Exports grew by")
    assert post(client, machine, target="出口增长了百分之十。", state="needs-work").status_code == 200
    response = client.get(f"/zh/preview?article={ARTICLE}", headers=BEARER)
    assert response.status_code == 200
    assert "进口下降了。" in response.text and "出口增长了百分之十。" in response.text
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "script-src" not in policy and "default-src 'none'" in policy
    assert not settings.output.exists() or not any(settings.output.rglob("*.html"))
    assert client.get("/zh/preview?article=../setup.cfg", headers=BEARER).status_code == 404
    assert client.get(f"/zh/preview?article={ARTICLE}").status_code == 401


KEPT_COMMENTS = 'Client asked: keep it short.\nDo NOT use "encore".\nworkflow-ignore: numbers'


def with_comments(settings: Settings, source: str, tcomment: str, target: str = "") -> None:
    path = settings.catalog(ARTICLE, "zh")
    catalog = polib.pofile(str(path))
    for item in catalog:
        if item.msgid == source:
            item.tcomment, item.msgstr = tcomment, target or item.msgstr
    catalog.save()


def test_a_save_without_a_comment_keeps_every_translator_comment_line(client: TestClient,
                                                                      settings: Settings) -> None:
    """The page sends `comment` only when the reviewer changed it: absent, each comment line stays its own."""
    with_comments(settings, "Exports grew by 10 percent in 2020.", KEPT_COMMENTS)
    unit = unit_with(client, "Exports grew by")
    assert unit["comments"] == KEPT_COMMENTS
    response = post(client, unit, target="出口增长了百分之十一（2021年）。")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["comments"] == KEPT_COMMENTS
    assert [f["silenced"] for f in answer["findings"] if f["check"] == "numbers"] == [True]
    assert entry(settings, unit["key"]).tcomment == KEPT_COMMENTS
    lines = settings.catalog(ARTICLE, "zh").read_text(encoding="utf-8").splitlines()
    assert "# Client asked: keep it short." in lines and "# workflow-ignore: numbers" in lines
    changed = post(client, answer, target=answer["target"], comment="One line.\nAnother line.").json()
    assert changed["comments"] == "One line.\nAnother line."  # a comment sent replaces them, lines kept


def test_the_comment_is_edited_in_a_multi_line_field(client: TestClient) -> None:
    """An <input type=text> drops line breaks from its value: every save would merge the comment lines."""
    page = client.get(f"/zh/units?article={ARTICLE}", headers=BEARER).text
    assert re.search(r'<textarea class="comment"', page) and 'class="comment" type="text"' not in page


@pytest.mark.parametrize("broken", ['Language: zh\\n"', '"Language: zh\\n\n"'])
def test_a_catalog_broken_on_disk_is_refused_as_every_command_refuses_it(
        client: TestClient, settings: Settings, broken: str) -> None:
    """A header line broken after the page loaded: the save names the file and line and writes nothing."""
    unit = unit_with(client, "Imports")
    path = settings.catalog(ARTICLE, "zh")
    text = path.read_text(encoding="utf-8")
    assert '"Language: zh\\n"' in text
    path.write_text(text.replace('"Language: zh\\n"', broken), encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index(broken.split("\n")[0]) + 1
    before = path.read_bytes()
    response = post(client, unit, target="进口下降了。")
    assert response.status_code == 409, response.text
    answer = response.json()
    assert "PO syntax error" in answer["error"] and answer["where"] == f"{path}:{line}" and answer["hint"]
    assert path.read_bytes() == before


def test_a_save_waiting_for_the_workspace_lock_leaves_the_app_answering(settings: Settings) -> None:
    """Another command holds the lock: the save waits for it, and pages and the API answer meanwhile."""
    waiting = threading.Event()

    class Waiting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "waiting up to" in record.getMessage():
                waiting.set()

    logger = logging.getLogger("workflow.files")
    handler, level = Waiting(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    slow = replace(settings, lock_timeout=30)
    answers: list[int] = []
    try:
        with TestClient(create_app(slow, ServeOptions(TOKEN)), base_url="http://127.0.0.1:8765") as client:
            unit = unit_with(client, "Imports")  # one event loop for every request, as under uvicorn
            with workspace_lock(settings.root, 1):
                saver = threading.Thread(target=lambda: answers.append(
                    post(client, unit, target="进口下降了。").status_code))
                saver.start()
                assert waiting.wait(30), "the save never waited for the lock"
                assert client.get("/api/zh/units", headers=BEARER).status_code == 200
                assert client.get("/zh/", headers=BEARER).status_code == 200
                assert saver.is_alive() and not answers  # answered while the save still waits
                assert entry(settings, unit["key"]).msgstr == ""
            saver.join(30)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert answers == [200] and entry(settings, unit["key"]).msgstr == "进口下降了。"


def test_listening_on_every_address_a_page_writes_through_the_address_it_came_to(settings: Settings) -> None:
    """`--host 0.0.0.0`: a browser's Origin is the address it used, never `0.0.0.0`; the token still rules."""
    app = create_app(settings, serve_options("0.0.0.0", TOKEN))
    browser = TestClient(app, base_url="http://192.0.2.2:8812")
    browser.get(f"/?token={TOKEN}")
    unit = unit_with(browser, "Imports")
    url = f"/api/zh/units/{ARTICLE}/{unit['key']}"
    body = {"target": "进口下降了。", "revision": unit["revision"]}
    assert browser.post(url, json=body, headers={"Origin": "http://evil.example"}).status_code == 403
    stranger = TestClient(app, base_url="http://192.0.2.2:8812")  # the same origin, without the token
    assert stranger.post(url, json=body, headers={"Origin": "http://192.0.2.2:8812"}).status_code == 401
    response = browser.post(url, json=body, headers={"Origin": "http://192.0.2.2:8812"})
    assert response.status_code == 200, response.text
    assert entry(settings, unit["key"]).msgstr == "进口下降了。"


@pytest.mark.parametrize("host, own", [("127.0.0.1", "http://127.0.0.1:8765"), ("::1", "http://[::1]:8765"),
                                       ("192.0.2.2", "http://192.0.2.2:8765"),
                                       ("2001:db8::1", "http://[2001:db8::1]:8765")])
def test_bound_to_one_address_a_page_of_another_name_cannot_write(settings: Settings, host: str,
                                                                  own: str) -> None:
    """DNS rebinding: evil.example made to lead to our address sends its own Origin and Host: refused."""
    app = create_app(settings, serve_options(host, TOKEN))
    for base, allowed in ((own, True), ("http://evil.example:8765", False)):
        browser = TestClient(app, base_url=base)
        browser.cookies.set(COOKIE, TOKEN)  # even with the token, as a rebinding page could never have it
        unit = units(browser)[0]
        response = browser.post(f"/api/zh/units/{ARTICLE}/{unit['key']}", headers={"Origin": base},
                                json={"target": "x", "revision": unit["revision"], "state": "needs-work"})
        assert (response.status_code == 200) is allowed, (base, response.text)


def test_the_printed_address_of_an_ipv6_host_has_brackets(settings: Settings) -> None:
    command = [sys.executable, "-m", "workflow", "--root", str(settings.root), "serve", "--host", "::1",
               "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert re.fullmatch(r"http://\[::1\]:\d+/\?token=\S+", url), url


@pytest.mark.parametrize("state", ["reviewed", "needs-work"])
def test_an_empty_target_is_refused_and_the_translation_kept(client: TestClient, settings: Settings,
                                                             state: str) -> None:
    """Approve (or Needs work) with the target field emptied: 422 with a message; the reviewed words stay."""
    unit = post(client, unit_with(client, "Imports"), target="进口下降了。").json()
    path = settings.catalog(ARTICLE, "zh")
    before = path.read_bytes()
    for blank in ("", "   ", "\r\n", "\u3000"):  # spaces erased the words too, approved as reviewed
        response = post(client, unit, target=blank, state=state)
        assert response.status_code == 422, response.text
        assert "empty" in response.json()["error"] and path.read_bytes() == before


def test_a_target_with_a_control_character_is_not_approved(client: TestClient, settings: Settings) -> None:
    """A NUL in an approved target: saved (200), then publish refused the unit and xliff export the file."""
    unit = unit_with(client, "Imports")
    path = settings.catalog(ARTICLE, "zh")
    before = path.read_bytes()
    response = post(client, unit, target="进口\u0000下降了。")
    assert response.status_code == 422, response.text
    assert response.json()["findings"][0]["check"] == "characters" and path.read_bytes() == before


def test_a_comment_line_that_reads_as_provenance_is_refused(client: TestClient, settings: Settings) -> None:
    """A reviewer's comment `workflow: pseudo text was wrong` was read as the unit's provenance: the
    needs-work save came back as machine output, and --redo-machine replaced the reviewer's words."""
    unit = unit_with(client, "Imports")
    path = settings.catalog(ARTICLE, "zh")
    before = path.read_bytes()
    response = post(client, unit, target="我自己的译文", state="needs-work",
                    comment="fine\nworkflow: pseudo text was wrong, I rewrote it")
    assert response.status_code == 422, response.text
    assert "may not start with 'workflow:'" in response.json()["error"] and path.read_bytes() == before
    response = post(client, unit, target="我自己的译文", state="needs-work", comment="see workflow: notes")
    assert response.status_code == 200 and response.json()["state"] == "needs-work", response.text


@pytest.mark.parametrize("field", ["target", "comment"])
def test_a_lone_surrogate_is_refused_with_a_message(client: TestClient, settings: Settings,
                                                    field: str) -> None:
    """JSON can carry `\\ud800` alone, no text a file can hold: 400 with a message, nothing written."""
    unit = unit_with(client, "Imports")
    path = settings.catalog(ARTICLE, "zh")
    before = path.read_bytes()
    body = {"target": "Et", "state": "reviewed", "revision": unit["revision"], field: "Et\ud800"}
    data = json.dumps(body).encode("ascii")  # (\ud800 escaped, as a browser's JSON.stringify sends it)
    response = client.post(f"/api/zh/units/{ARTICLE}/{unit['key']}", content=data,
                           headers={**BEARER, "Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert f"{field} is not Unicode text" in response.json()["error"] and path.read_bytes() == before
    checked = client.post("/api/zh/check", content=json.dumps({"article": ARTICLE, "key": unit["key"],
                                                               "target": "Et\ud800"}).encode("ascii"),
                          headers={**BEARER, "Content-Type": "application/json"})
    assert checked.status_code == 400 and "target is not Unicode text" in checked.json()["error"]


def test_a_port_in_use_is_an_error_with_a_hint_not_a_qa_exit(settings: Settings) -> None:
    """uvicorn logged `ERROR: [Errno 98]…` and exited 3, which here means "QA errors remain"."""
    from click.testing import CliRunner

    from workflow.cli import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["--root", str(settings.root), "serve", "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use",
        "hint: another program (perhaps another `workflow serve`) is using that port: stop it, or choose "
        "another port with --port (0: any free one)"]
    assert result.stdout == ""


@pytest.mark.parametrize("odd", ["\u2028", "\x1c", "\x85"])
def test_a_target_with_a_line_separator_can_be_edited_again(client: TestClient, settings: Settings,
                                                              odd: str) -> None:
    """A target holding U+2028 (or another break str.splitlines makes) is saved, and saved again after.

    The one-entry save read the entry with polib.pofile(string), which splits lines there
    (a file read does not): another entry than the listing's, so every later save was "changed
    meanwhile"."""
    first = post(client, unit_with(client, "Imports"), target=f"进口{odd}下降了。", state="needs-work")
    assert first.status_code == 200, first.text
    unit = unit_with(client, "Imports")
    assert unit["revision"] == first.json()["revision"] and unit["target"] == f"进口{odd}下降了。"
    second = post(client, unit, target="进口下降了。")
    assert second.status_code == 200, second.text
    assert entry(settings, unit["key"]).msgstr == "进口下降了。"
