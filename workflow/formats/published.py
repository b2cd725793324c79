"""The publication date an HTML page declares about itself.

In this order: `<meta property="article:published_time">` (Open Graph), a JSON-LD
`datePublished` (schema.org, also inside `@graph`), `<meta itemprop="datePublished">`
or `<time itemprop="datePublished" datetime>`, then the first `<time datetime>` of
the page. Only the date part of an ISO 8601 value is used (`2021-03-02T10:00:00+08:00`
is 2 March 2021, as the publisher wrote it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import deque
from html.parser import HTMLParser
from typing import Any

from .common import attribute_values

_ISO_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})(?![\d])")
_OPEN_GRAPH = frozenset({"article:published_time", "og:published_time"})
DATED_TAGS = frozenset({"meta", "time", "script"})  # the start tags that may declare a date


def iso_date(value: str) -> dt.date | None:
    """The date at the start of an ISO 8601 date or date-time, or None."""
    found = _ISO_DATE.match(value)
    if found is None:
        return None
    try:
        return dt.date.fromisoformat(found.group(1))
    except ValueError:
        return None


class _Dates(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, dt.date] = {}  # kind -> first date of that kind
        self.in_json_ld = False
        self.json_ld: list[list[str]] = []  # the text of each JSON-LD script, in parts

    def _note(self, kind: str, value: str | None) -> None:
        date = iso_date(value or "")
        if date is not None and kind not in self.found:
            self.found[kind] = date

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in DATED_TAGS:
            return
        values = attribute_values(attrs)
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key in _OPEN_GRAPH:
                self._note("open-graph", values.get("content"))
            elif values.get("itemprop") == "datePublished":
                self._note("microdata", values.get("content"))
        elif tag == "time" and "datetime" in values:
            self._note(
                "microdata" if values.get("itemprop") == "datePublished" else "time", values["datetime"]
            )
        elif tag == "script" and values.get("type", "").strip().lower() == "application/ld+json":
            self.in_json_ld = True
            self.json_ld.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self.in_json_ld:
            self.json_ld[-1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_json_ld = False


def _date_published(document: Any) -> str | None:
    """The first `datePublished` in a JSON-LD document, walked without recursion."""
    todo = deque([document])
    while todo:
        item = todo.popleft()
        if isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str):
                return value
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return None


class Dates(_Dates):
    """Collects the dates a page declares from the events of a tokenizer that reads the page anyway.

    The scanner passes it the events of the same tokenizer (with the same settings), so
    the page is tokenized once, not twice: only those that can matter, as a page has
    thousands of others: start tags in DATED_TAGS, `</script>`, and text while
    `in_json_ld`.
    """

    def date(self) -> dt.date | None:
        return _declared(self)


def declared_date(text: str) -> dt.date | None:
    """The publication date the page declares, or None."""
    dates = _Dates()
    dates.feed(text)
    dates.close()
    return _declared(dates)


def _declared(dates: _Dates) -> dt.date | None:
    for script in dates.json_ld:
        try:
            value = _date_published(json.loads("".join(script)))
        except (ValueError, RecursionError):
            continue  # malformed JSON-LD is common: the other sources of a date still count
        if value:
            dates._note("json-ld", value)
    for kind in ("open-graph", "json-ld", "microdata", "time"):
        if kind in dates.found:
            return dates.found[kind]
    return None
