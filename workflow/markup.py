"""The only place that builds lxml parsers: safe settings for untrusted XML."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, cast

from lxml import etree

from .errors import SourceError, WorkflowError

BULLETIN_NS = "urn:x-workflow:bulletin:1"
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


_SAFE: dict[str, Any] = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_blank_text=False)


def local_name(element: etree._Element) -> str:
    """An element's tag without its namespace (`{urn:…}p` is `p`); "" for a comment or a
    processing instruction, whose tag is not a string."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def xml_parser() -> etree.XMLParser:
    """A parser that never loads a DTD, never expands entities and never uses the network."""
    return etree.XMLParser(**_SAFE)


def read_xml(data: bytes, path: str | Path, kind: str = "XML",
             error: type[WorkflowError] = SourceError) -> etree._Element:
    """Parse untrusted XML bytes with the safe parser; libxml2's errors become `error` with the line.

    `kind` names the format in messages ("malformed TMX: …").
    """
    try:
        return etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise _malformed(str(exc.msg), exc.lineno, path, kind, error) from None


def iterparse_xml(file: Path, kind: str = "XML", error: type[WorkflowError] = SourceError,
                  events: tuple[str, ...] = ("start", "end"),
                  tags: tuple[str, ...] | None = None) -> Iterator[tuple[str, etree._Element]]:
    """Stream (event, element) pairs of an untrusted XML file, with `read_xml`'s safety and errors.

    Only elements named in `tags` are reported, when given (the others cost nothing in
    Python). The caller clears what it has read (`element.clear()`), so memory stays
    bounded however large the file is.
    """
    try:
        stream = file.open("rb")
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", path=file) from None
    with stream:
        parser = etree.iterparse(stream, events=events, tag=tags, **_SAFE)
        try:
            yield from parser
        except etree.XMLSyntaxError as exc:
            # the pull parser sometimes reports a later symptom ("no element found"); its log has the cause
            first = next(iter(parser.error_log), None)
            message, line = (first.message, first.line) if first is not None else (str(exc.msg), exc.lineno)
            raise _malformed(message, line, file, kind, error) from None


def _malformed(message: str, line: object, path: str | Path, kind: str,
               error: type[WorkflowError]) -> WorkflowError:
    """libxml2's complaint as a located WorkflowError with advice."""
    message = re.sub(r"\s*, line \d+, column \d+$", "", message.strip())  # the location goes first
    hint = f"fix the markup; the file must be well-formed {kind}"
    if message.startswith("Excessive depth"):  # libxml2's limit without huge_tree, which stays off
        message, hint = "elements are nested more than 256 deep", "flatten the markup"
    elif "amplification" in message:  # libxml2's guard against entity bombs
        message = "its entities would expand too far"
        hint = "remove the <!DOCTYPE …> declaration and any entities"
    elif "encoding" in message:
        hint = "re-save the file as UTF-8 (or declare its real encoding in <?xml … encoding=…?>)"
    elif message == "no element found":  # the pull parser's word for an empty file
        message = "Document is empty"
    located = line if isinstance(line, int) and line > 0 else None
    return error(f"malformed {kind}: {message}", path=path, line=located, hint=hint)


def parse_xml(data: bytes, path: str) -> etree._ElementTree:
    """Parse bulletin XML bytes; DTDs (and so entity declarations) are refused outright."""
    doctype = _DOCTYPE.search(data[:4096])
    if doctype:
        raise SourceError("a DOCTYPE is not allowed in bulletin XML", path=path,
                          line=data[: doctype.start()].count(b"\n") + 1,
                          hint="remove the <!DOCTYPE …> declaration and any entities")
    tree = etree.ElementTree(read_xml(data, path))
    if getattr(tree.docinfo, "doctype", ""):  # not in lxml-stubs; after a long prolog, or in UTF-16
        text = data.decode(tree.docinfo.encoding or "utf-8", "replace")
        late = re.search("<!DOCTYPE", text, re.I)
        raise SourceError("a DOCTYPE is not allowed in bulletin XML", path=path,
                          line=text.count("\n", 0, late.start()) + 1 if late else 1,
                          hint="remove the <!DOCTYPE …> declaration and any entities")
    return tree


@lru_cache(maxsize=1)
def bulletin_schema() -> etree.XMLSchema:
    """The XML Schema of the project's bulletin format, shipped in the package."""
    with resources.as_file(resources.files("workflow") / "schema" / "bulletin.xsd") as path:
        # parsed from its file so that the import of xml.xsd beside it resolves locally
        return etree.XMLSchema(etree.parse(str(path), xml_parser()))


def validate_bulletin(tree: etree._ElementTree, path: str) -> None:
    """Raise SourceError at the first schema violation."""
    schema = bulletin_schema()
    if not schema.validate(tree):
        error: Any = cast(Any, schema.error_log)[0]  # the first problem; lxml-stubs lacks indexing
        message = error.message.replace("{%s}" % BULLETIN_NS, "")
        raise SourceError(f"not a valid bulletin: {message}", path=path, line=error.line,
                          hint="see workflow/schema/bulletin.xsd for the format")
