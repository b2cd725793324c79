"""`workflow serve`: review and edit units in the browser, over the workspace's own PO files.

A small Starlette app (run by uvicorn) with a JSON API and three pages: languages,
articles of a language, and the units of one article. Every request needs the
token printed at start (`Authorization: Bearer TOKEN`, or the HttpOnly,
SameSite=Strict cookie set when the browser opens the printed URL); a write must
come from the app's own origin. Articles and languages are looked up among the
workspace's catalogs, never used as paths, so no parameter reaches outside it.

Writes go through `save_edit`, in a worker thread (a save waiting for the lock holds up
no other request): `store.edit_entry` under the workspace lock (held for the write only),
after the whole file is checked as every command checks it. One entry changes, and the
header's PO-Revision-Date (Last-Translator too, when the app was given the reviewer's
name), as a PO editor saving it would; the rest of the file keeps its bytes. Each unit
carries its `revision`, a digest of the entry as on disk; a write names the revision it
edited and is refused (409, nothing written) when the entry changed since, say in
a PO editor, so nobody's edit is overwritten unseen.
"""

from __future__ import annotations

import errno
import hmac
import json
import logging
import os
import re
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .catalogs import CatalogFile, find_catalogs
from .confidence import confidence_of
from .errors import WorkflowError
from .files import workspace_lock
from .languages import english_name, text_direction
from .model import Severity, Unit
from .publish import preview_page
from .qa import CHECKS, Finding, check_unit, check_units, load_terms
from .records import frozen
from .settings import Settings
from .status import STATES, status
from .store import (
    PROVENANCE,
    EntryEdit,
    LocatedUnit,
    StaleRevision,
    check_translator,
    edit_entry,
    load_located_units,
)

log = logging.getLogger(__name__)
Checked = tuple[LocatedUnit, list[Finding]]
Handler = Callable[[Request], Awaitable[Response]]
COOKIE = "workflow_session"
# a target that fails these cannot be approved (a control character: publish would refuse it, and no XLIFF
# file can carry a NUL)
BLOCKING_CHECKS = ("placeholders", "characters")
# the preview is the source page itself: sandboxed (no script, a unique origin), resources from the web only
PREVIEW_POLICY_HEADER = ("sandbox; default-src 'none'; style-src 'unsafe-inline' http: https:; "
                         "img-src http: https: data:; font-src http: https: data:")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
EVERY_ADDRESS = frozenset({"0.0.0.0", "::", ""})  # binds on which the app has no one name of its own
_HOST_HEADER = re.compile(r"(\[[^\]]*\]|[^:\[\]]*)(?::\d+)?")  # a Host header: name or [IPv6], then a port


@frozen
class ServeOptions:
    """How the app is reached (its token, the host names its pages are served under), and who edits in it."""

    token: str
    hosts: frozenset[str] = LOCAL_HOSTS
    translator: str = ""  # who edits through the app, for Last-Translator ("": the header's stays)
    any_host: bool = False  # bound to every address (0.0.0.0, ::): a write's Origin need only be its own Host


def url_host(host: str) -> str:
    """The address the app listens on as a URL (and a Host header) writes it: an IPv6 literal in brackets."""
    if host in ("127.0.0.1", "localhost"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def serve_options(host: str, token: str, translator: str = "") -> ServeOptions:
    """The options of the app listening on `host`: its own pages are those of its address, or of any
    address the request came to when it listens on every one (the token is checked all the same)."""
    return ServeOptions(token, LOCAL_HOSTS | {url_host(host)}, translator, any_host=host in EVERY_ADDRESS)


def new_token() -> str:
    return secrets.token_urlsafe(24)


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("workflow", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


# -- units as the API shows them --------------------------------------------------------------------

def unit_json(catalog: CatalogFile, located: LocatedUnit, findings: list[Finding]) -> dict[str, Any]:
    unit = located.unit
    return {
        "key": unit.segment.key,
        "article": catalog.article,
        "source": unit.segment.text,
        "target": unit.target,
        "state": unit.state.value,
        "revision": located.revision,
        "findings": [{"check": f.issue.check, "severity": f.issue.severity.value, "message": f.issue.message,
                      "silenced": f.silenced} for f in findings],
        "provenance": unit.provenance,
        "confidence": confidence_of(unit.provenance),
        "comments": unit.comment,
        "context": unit.segment.note,
        "previous": unit.previous,
        "line": located.line,
    }


class _Workspace:
    """What the app reads of the workspace, looked up by name (never by a path from a request)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def language(self, lang: str) -> str | None:
        return lang if lang in self.settings.languages else None

    def catalogs(self, lang: str) -> dict[str, CatalogFile]:
        return {c.article: c for c in find_catalogs(self.settings, lang) if not c.orphan}

    def units(self, catalog: CatalogFile, only: str | None = None) -> list[dict[str, Any]]:
        located = load_located_units(catalog.path, catalog.lang, catalog.article)
        if only is not None:
            located = [item for item in located if item.unit.segment.key == only]
        terms = load_terms(self.settings, catalog.lang)
        findings = check_units(catalog, located, tuple(CHECKS.values()), self.settings.source_lang, terms)
        by_key: dict[str, list[Finding]] = {}
        for finding in findings:
            by_key.setdefault(finding.issue.key, []).append(finding)
        return [unit_json(catalog, item, by_key.get(item.unit.segment.key, [])) for item in located]

    def try_target(self, catalog: CatalogFile, key: str, target: str) -> Checked | None:
        """A unit with the target a reviewer typed, and its findings (None: no such unit); writes nothing."""
        located = [item for item in load_located_units(catalog.path, catalog.lang, catalog.article)
                   if item.unit.segment.key == key]
        if not located:
            return None
        item = replace(located[0], unit=replace(located[0].unit, target=target))
        terms = load_terms(self.settings, catalog.lang)
        return item, check_units(catalog, [item], tuple(CHECKS.values()), self.settings.source_lang, terms)


def save_edit(settings: Settings, catalog: CatalogFile, key: str, revision: str, edit: EntryEdit,
              validate: Callable[[Unit], None] | None = None, translator: str = "") -> LocatedUnit:
    """Write a reviewer's edit of one unit (`store.edit_entry`), holding the workspace lock for the write."""
    with workspace_lock(settings.root, settings.lock_timeout):
        return edit_entry(catalog.path, catalog.lang, catalog.article, key, revision, edit, validate,
                          translator)


# -- the app --------------------------------------------------------------------------------------------

class _NotApprovable(Exception):
    def __init__(self, findings: list[dict[str, str]]) -> None:
        super().__init__("not approvable")
        self.findings = findings


def _problem(status_code: int, message: str, **more: Any) -> JSONResponse:
    return JSONResponse({"error": message, **more}, status_code=status_code)


def _not_text(body: dict[str, Any], names: tuple[str, ...]) -> JSONResponse | None:
    """400 for a field that is no Unicode text (a lone surrogate, which JSON's \\uD800 escape can carry)."""
    for name in names:
        value = body.get(name)
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return _problem(400, f"{name} is not Unicode text: it holds a lone surrogate "
                                f"(U+{ord(value[exc.start]):04X}) at character {exc.start + 1}",
                                hint="send the text as the browser has it; a \\uD800-\\uDFFF escape must "
                                "come in a pair")
    return None


def create_app(settings: Settings, options: ServeOptions) -> Starlette:
    """The review app over a workspace."""
    workspace = _Workspace(settings)
    translator = check_translator(options.translator)  # refused at start, not at the first save

    def authorized(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        offered = header[7:] if header.lower().startswith("bearer ") else request.cookies.get(COOKIE, "")
        return bool(offered) and hmac.compare_digest(offered.encode(), options.token.encode())

    def same_origin(request: Request) -> bool:
        """A browser write comes from our own pages; a script with the bearer token needs no Origin."""
        origin = request.headers.get("origin")
        if origin is None:
            return request.headers.get("authorization", "").lower().startswith("bearer ")
        host = request.headers.get("host", "")
        if not host or origin != f"{request.url.scheme}://{host}":
            return False
        # a page of a name that is not ours but leads to us (DNS rebinding) is refused where we know our names
        name = _HOST_HEADER.fullmatch(host)
        return options.any_host or (name is not None and name.group(1) in options.hosts)

    def guarded(handler: Handler) -> Handler:
        async def wrapper(request: Request) -> Response:
            if not authorized(request):
                if request.url.path.startswith("/api/"):
                    return _problem(401, "a token is needed: open the URL `workflow serve` printed")
                return HTMLResponse(_environment().get_template("serve-denied.html.j2").render(), 401)
            if request.method == "POST" and not same_origin(request):
                return _problem(403, "a write must come from the review app's own pages")
            try:
                return await handler(request)
            except WorkflowError as exc:
                return _problem(422 if exc.path is None else 409, exc.message,
                                where=exc.location() or None, hint=exc.hint)
        return wrapper

    def page(template: str, **values: Any) -> HTMLResponse:
        return HTMLResponse(_environment().get_template(template).render(**values))

    async def home(request: Request) -> Response:
        offered = request.query_params.get("token")
        if offered is not None:
            if not hmac.compare_digest(offered.encode(), options.token.encode()):
                return HTMLResponse(_environment().get_template("serve-denied.html.j2").render(), 401)
            response = RedirectResponse("/", status_code=303)  # the token leaves the address bar and history
            response.set_cookie(COOKIE, options.token, httponly=True, samesite="strict", path="/")
            return response
        return await guarded(languages_page)(request)

    async def languages_page(request: Request) -> Response:
        report = status(settings, settings.languages)
        rows = [{"lang": row.lang, "name": english_name(row.lang or ""), "percent": row.reviewed_percent,
                 "units": row.units.total, "counts": [row.units.of(s) for s in STATES]}
                for row in report.totals]
        return page("serve-languages.html.j2", rows=rows, states=[s.value for s in STATES])

    async def articles_page(request: Request) -> Response:
        lang = workspace.language(request.path_params["lang"])
        if lang is None:
            return _problem(404, "no such language in this workspace")
        report = status(settings, (lang,))
        rows = [{"article": row.article, "percent": row.reviewed_percent, "units": row.units.total,
                 "counts": [row.units.of(s) for s in STATES]} for row in report.rows]
        return page("serve-articles.html.j2", lang=lang, name=english_name(lang), rows=rows,
                    states=[s.value for s in STATES])

    async def units_page(request: Request) -> Response:
        lang = workspace.language(request.path_params["lang"])
        article = request.query_params.get("article", "")
        if lang is None or article not in workspace.catalogs(lang):
            return _problem(404, "no such language or article in this workspace")
        return page("serve-units.html.j2", lang=lang, name=english_name(lang), article=article,
                    dir=text_direction(lang), source_lang=settings.source_lang,
                    source_dir=text_direction(settings.source_lang),
                    states=[state.value for state in STATES], checks=sorted(CHECKS),
                    boot=json.dumps({"lang": lang, "article": article}))

    async def preview(request: Request) -> Response:
        """The article's page as it would be published now, in a sandbox: the source page's own scripts
        (and anything else in it) run nowhere near the app's origin, token or cookie."""
        lang = workspace.language(request.path_params["lang"])
        article = request.query_params.get("article", "")
        if lang is None or article not in workspace.catalogs(lang):
            return _problem(404, "no such language or article in this workspace")
        page = preview_page(settings, article, lang)
        return HTMLResponse(page, headers={"Content-Security-Policy": PREVIEW_POLICY_HEADER,
                                           "X-Content-Type-Options": "nosniff"})

    async def list_units(request: Request) -> Response:
        lang = workspace.language(request.path_params["lang"])
        if lang is None:
            return _problem(404, "no such language in this workspace")
        catalogs = workspace.catalogs(lang)
        article = request.query_params.get("article")
        if article is not None and article not in catalogs:
            return _problem(404, "no such article in this workspace")
        state, check = request.query_params.get("state"), request.query_params.get("check")
        found: list[dict[str, Any]] = []
        for name in [article] if article is not None else sorted(catalogs):
            for unit in workspace.units(catalogs[name]):
                if state and unit["state"] != state:
                    continue
                if check and not any(f["check"] == check for f in unit["findings"]):
                    continue
                found.append(unit)
        return JSONResponse(found)

    async def check_target(request: Request) -> Response:
        """QA of a target as the reviewer types it: findings only, nothing written."""
        lang = workspace.language(request.path_params["lang"])
        body = await _json_body(request)
        if lang is None or body is None:
            return _problem(404 if lang is None else 400, "no such language, or a body that is not JSON")
        if (refused := _not_text(body, ("article", "key", "target"))) is not None:
            return refused
        catalogs = workspace.catalogs(lang)
        catalog = catalogs.get(str(body.get("article", "")))
        if catalog is None:
            return _problem(404, "no such article in this workspace")
        checked = workspace.try_target(catalog, str(body.get("key", "")), str(body.get("target", "")))
        if checked is None:
            return _problem(404, "no such unit")
        return JSONResponse(unit_json(catalog, *checked)["findings"])

    async def save_unit(request: Request) -> Response:
        lang = workspace.language(request.path_params["lang"])
        article, _, key = request.path_params["rest"].rpartition("/")
        catalog = workspace.catalogs(lang).get(article) if lang is not None else None
        if catalog is None:
            return _problem(404, "no such language or article in this workspace")
        body = await _json_body(request)
        if body is None or not all(isinstance(body.get(name), str) for name in ("target", "revision")):
            return _problem(400, "send JSON with target, state and revision")
        wanted = body.get("state", "reviewed")
        if wanted not in ("reviewed", "needs-work"):
            return _problem(400, "state is reviewed or needs-work")
        comment = body.get("comment")
        if comment is not None and not isinstance(comment, str):
            return _problem(400, "comment is a string")
        if (not_text := _not_text(body, ("target", "comment", "revision"))) is not None:
            return not_text
        # approved or to redo, a unit has its words: an empty one would erase them, and so would spaces
        if not body["target"].strip():
            return _problem(422, "the target is empty: a unit is approved, or marked as needing work, "
                            "with its translation (nothing was saved)",
                            hint="type the translation, or reload the page to get the saved one back")
        if comment is not None and any(line.startswith(PROVENANCE) for line in comment.splitlines()):
            # read as the unit's provenance: "workflow: pseudo was wrong" made a reviewer's words machine
            return _problem(422, f"a comment line may not start with {PROVENANCE.strip()!r}: such a line "
                            "says which engine wrote the words (nothing was saved)",
                            hint="start the line with other words")
        edit = EntryEdit(body["target"], wanted == "reviewed", comment)

        def approvable(unit: Unit) -> None:
            if edit.reviewed:
                checks = tuple(CHECKS[name] for name in BLOCKING_CHECKS)
                found = check_unit(unit, checks, source_lang=settings.source_lang)
                errors = [{"check": issue.check, "message": issue.message}
                          for issue in found if issue.severity is Severity.ERROR]
                if errors:
                    raise _NotApprovable(errors)

        try:
            located = await run_in_threadpool(  # (it may wait for the lock: the app answers others meanwhile)
                save_edit, settings, catalog, key, body["revision"], edit, approvable, translator)
        except KeyError:
            return _problem(404, "no such unit")
        except _NotApprovable as refused:
            return _problem(422, "this target cannot be approved", findings=refused.findings)
        except StaleRevision as exc:
            current = workspace.units(catalog, only=key)
            return _problem(409, exc.message, hint=exc.hint, unit=current[0] if current else None)
        findings = check_units(catalog, [located], tuple(CHECKS.values()), settings.source_lang,
                               load_terms(settings, catalog.lang))
        return JSONResponse(unit_json(catalog, located, findings))

    routes = [
        Route("/", home),
        Route("/api/{lang}/units", guarded(list_units)),
        Route("/api/{lang}/check", guarded(check_target), methods=["POST"]),
        Route("/api/{lang}/units/{rest:path}", guarded(save_unit), methods=["POST"]),
        Route("/{lang}/", guarded(articles_page)),
        Route("/{lang}/units", guarded(units_page)),
        Route("/{lang}/preview", guarded(preview)),
    ]
    return Starlette(routes=routes)


async def _json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def listen(host: str, port: int) -> list[socket.socket]:
    """Sockets listening on each address of `host` (as asyncio's would), at `port` (0: one free port for all).

    Bound here, not by uvicorn, so that a port in use or an address not of this machine is a
    WorkflowError (the CLI's `error:`/`hint:` and exit 1), not uvicorn's log line and exit 3.
    """
    shown = url_host(host)
    try:
        found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise WorkflowError(f"cannot listen on {shown}: {exc.strerror}",
                            hint="give --host an address of this machine (127.0.0.1, the default; "
                            "0.0.0.0: every address)") from None
    sockets: list[socket.socket] = []
    unavailable: OSError | None = None
    try:
        for family, kind, proto, _, address in dict.fromkeys(found):
            sock = socket.socket(family, kind, proto)
            try:
                if os.name == "posix":
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind((address[0], port, *address[2:]))
            except OSError as exc:
                sock.close()
                if exc.errno != errno.EADDRNOTAVAIL:
                    raise
                unavailable = exc  # (a family this machine has not enabled, as asyncio assumes: skipped)
                continue
            sockets.append(sock)
            port = port or sock.getsockname()[1]
            sock.listen(2048)
        if not sockets:
            raise unavailable or OSError(errno.EADDRNOTAVAIL, os.strerror(errno.EADDRNOTAVAIL))
    except OSError as exc:
        for sock in sockets:
            sock.close()
        if exc.errno == errno.EADDRINUSE:
            hint = ("another program (perhaps another `workflow serve`) is using that port: stop it, or "
                    "choose another port with --port (0: any free one)")
        elif exc.errno == errno.EADDRNOTAVAIL:
            hint = "give --host an address of this machine (127.0.0.1, the default; 0.0.0.0: every address)"
        else:
            hint = "choose another port with --port (a port under 1024 needs the administrator's rights)"
        where = f"{shown}:{port}" if port else shown
        raise WorkflowError(f"cannot listen on {where}: {exc.strerror or exc}", hint=hint) from None
    return sockets


def serve(settings: Settings, host: str, port: int, token: str, on_ready: Callable[[str], None],
          translator: str = "") -> None:
    """Run the app until interrupted; `on_ready` gets the URL to open (with the token).

    `translator` ("Full Name <email>") goes into the Last-Translator field of each catalog edited.
    """
    import uvicorn

    shown = url_host(host)
    app = create_app(settings, serve_options(host, token, translator))
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    original = server.startup

    async def startup(sockets: Any = None) -> None:
        await original(sockets)
        bound = server.servers[0].sockets[0].getsockname()[1] if server.servers else port
        on_ready(f"http://{shown}:{bound}/?token={token}")

    server.startup = startup  # type: ignore[method-assign]
    sockets = listen(host, port)
    try:
        server.run(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()
