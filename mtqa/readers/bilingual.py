"""Bilingual files: the units shared by every bilingual reader (xliff, tmx, po, jsonl modules)
and the XML helpers of the XML formats. Read bilingual files: XLIFF 1.2 and 2.0, TMX, PO and JSONL, where each unit pairs a Norwegian
source with its French translation.

The XML formats are first parsed by lxml with a safe parser, so that a file that is not
well-formed, has the wrong root or lacks a required element is refused with its file:line:column.
XLIFF and PO units are then read by translate-toolkit (inline markup flattened to text, XLIFF 2.0
segments, PO contexts and plurals), as pofilter reads them; TMX variants are picked here by
language subtag and their text read with translate-toolkit's helper. JSONL (one
`{"id", "source", "target"}` object per line) is read here.

`to_documents` turns a BilingualDocument into the two line-aligned Documents the pipeline
checks: line N of each is unit N.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mtqa.core.document import Document
from mtqa.errors import InputError

XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"  # also the namespace of XLIFF 2.1 and 2.2
XML_NS = "http://www.w3.org/XML/1998/namespace"

XLIFF12, XLIFF20, TMX, PO, JSONL = "xliff-1.2", "xliff-2.0", "tmx", "po", "jsonl"
FORMATS = (XLIFF12, XLIFF20, TMX, PO, JSONL)

SOURCE_LANGUAGES = ("nb", "no", "nn")  # primary subtags accepted as the Norwegian source
TARGET_LANGUAGES = ("fr",)

# Characters that end a line for str.splitlines or the segmenter: a unit is one line, so they
# become spaces (one for one, so offsets within the unit text stay valid).
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass(frozen=True)
class Unit:
    """One translation unit: its id in the file, its source and target text (one line each; the
    target is "" when the file holds no translation) and the 1-based line where it starts."""

    id: str
    source: str
    target: str
    line: int
    element: int | None = None  # XLIFF: index of the unit's <trans-unit>/<unit> element in document order
    # XLIFF inline markup, in document order, as "kind:id" ("g:1", "x:2", "bx:3", "ex:3", "sc:4",
    # "ec:4"): the flattened text drops it, the placeholders check compares it.
    source_tags: tuple[str, ...] = ()
    target_tags: tuple[str, ...] = ()

    @property
    def translated(self) -> bool:
        return bool(self.target.strip())


@dataclass(frozen=True)
class BilingualDocument:
    """A bilingual file as read: its format, its units in file order and what the reader noticed.
    `data` keeps the bytes read, so that `--format xliff` annotates exactly the file that was checked."""

    path: str
    format: str
    units: tuple[Unit, ...]
    notes: tuple[str, ...] = ()
    source_language: str | None = None
    target_language: str | None = None
    data: bytes = field(default=b"", repr=False, compare=False)

    @property
    def unit_ids(self) -> tuple[str, ...]:
        return tuple(u.id for u in self.units)


def to_documents(doc: BilingualDocument) -> tuple[Document, Document, tuple[str, ...]]:
    """(source, target, unit ids): one line per unit, so that line N of both is unit N."""
    source = Document(doc.path, tuple(_one_line(u.source) for u in doc.units), doc.notes)
    target = Document(doc.path, tuple(_one_line(u.target) for u in doc.units), doc.notes)
    return source, target, doc.unit_ids


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def _language_note(source: str | None, target: str | None) -> tuple[str, ...]:
    def primary(lang):
        return (lang or "").replace("_", "-").split("-")[0].lower()

    if (source and primary(source) not in SOURCE_LANGUAGES) or (target and primary(target) not in TARGET_LANGUAGES):
        return (f"the file declares {source or '?'} -> {target or '?'}; mtqa checks Norwegian -> French",)
    return ()


def _text(value) -> str:
    """The text of a translate-toolkit source/target: None -> "", a plural multistring -> its first form."""
    if value is None:
        return ""
    strings = getattr(value, "strings", None)
    return str(strings[0] if strings else value)


# --------------------------------------------------------------------------- XML helpers (XLIFF, TMX)



INLINE_TAGS = ("g", "x", "bx", "ex", "ph", "bpt", "ept", "it", "pc", "sc", "ec")


def inline_tags(element) -> tuple[str, ...]:
    """The inline markup of an XLIFF <source>/<target> element (None: none), in document order,
    as "kind:id". Paired codes share their key: bx/ex by rid (or id), sc/ec by id/startRef."""
    if element is None:
        return ()
    out = []
    for el in element.iterdescendants():
        kind = _local(el.tag)
        if kind not in INLINE_TAGS:
            continue
        if kind in ("ex", "ept"):
            key = el.get("rid") or el.get("id") or ""
        elif kind == "ec":
            key = el.get("startRef") or el.get("id") or ""
        elif kind in ("bx", "bpt"):
            key = el.get("rid") or el.get("id") or ""
        else:
            key = el.get("id") or ""
        if kind in ("sc", "ec") and el.get("isolated") == "yes":
            kind = "i" + kind
        out.append(f"{kind}:{key}")
    return tuple(out)


def _safe_parser():
    from lxml import etree

    # No entity expansion, no network, no DTD: a bilingual file is data, not a program.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False,
                           strip_cdata=False, huge_tree=False)


def parse_xml(data: bytes, name: str):
    """The lxml root element of `data`, or InputError at the parser's file:line:column."""
    from lxml import etree

    try:
        return etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno or 1, 0)
        message = re.sub(r",? line \d+, column \d+$", "", (exc.msg or str(exc)).strip())
        message = " ".join(message.split())  # libxml2 messages may hold a newline: one line for the user
        raise InputError(f"{name}:{line}:{column}: not well-formed XML: {message}") from None


class _Positions:
    """file:line:column of the elements of a parsed tree, counted by expat in document order
    (lxml keeps only the line of an element). Counted on the first call: only errors need it."""

    def __init__(self, data: bytes, root, name: str):
        self.data, self.root, self.name = data, root, name
        self.starts: list[tuple[int, int]] | None = None
        self.index: dict = {}

    def _count(self) -> None:
        import xml.parsers.expat

        self.index = {el: i for i, el in enumerate(self.root.iter(_element_tag()))}
        self.starts = []
        parser = xml.parsers.expat.ParserCreate()
        parser.StartElementHandler = lambda _name, _attrs: self.starts.append(
            (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1))
        try:
            parser.Parse(self.data, True)
        except (xml.parsers.expat.ExpatError, ValueError, LookupError):
            self.starts = []  # lxml accepted it; fall back to lxml's line numbers

    def __call__(self, element) -> str:
        if self.starts is None:
            self._count()
        assert self.starts is not None  # _count sets it (to [] when expat gives up)
        i = self.index.get(element)
        if i is not None and len(self.starts) == len(self.index):
            line, column = self.starts[i]
            return f"{self.name}:{line}:{column}"
        return f"{self.name}:{element.sourceline or 1}"


def _element_tag():
    from lxml import etree

    return etree.Element  # root.iter(etree.Element) visits elements only (no comments or PIs)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(tag) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _child(element, ns: str, local: str):
    for child in element:
        if _local(child.tag) == local and _ns(child.tag) == ns:
            return child
    return None


def _unique(ids: list[str], qualified: list[str], elements, where, what: str) -> list[str]:
    """Unit ids, qualified by their <file> when the same id occurs in several files."""
    if len(set(ids)) == len(ids):
        return ids
    seen: dict[str, object] = {}
    for uid, el in zip(qualified, elements):
        if uid in seen:
            raise InputError(f"{where(el)}: duplicate {what} id {uid!r}")
        seen[uid] = el
    return qualified


def _ttk_parse(parse, name: str):
    """A translate-toolkit store; its refusals (after our own checks passed) as InputError."""
    try:
        return parse()
    except (ValueError, AssertionError, AttributeError, TypeError) as exc:
        raise InputError(f"{name}: translate-toolkit cannot read the file: {' '.join(str(exc).split())}") from None


def _lang_of(tuv) -> str:
    return tuv.get(f"{{{XML_NS}}}lang") or tuv.get("lang") or ""  # TMX 1.4 xml:lang, TMX 1.1 lang


def _primary(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def root_of(data: bytes, name: str, expected: str):
    """The parsed root element and the position finder, or InputError when the root is not <expected>."""
    root = parse_xml(data, name)
    where = _Positions(data, root, name)
    local = _local(root.tag)
    if local != expected:
        raise InputError(f"{where(root)}: the root element is <{local or root.tag}>, expected <{expected}>")
    return root, where

