"""Read bilingual files: XLIFF 1.2 and 2.0, TMX, PO and JSONL, where each unit pairs a Norwegian
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

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mtqa.document import Document
from mtqa.errors import InputError
from mtqa.io.text import decode_text, read_input_bytes

XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"  # also the namespace of XLIFF 2.1 and 2.2
XML_NS = "http://www.w3.org/XML/1998/namespace"

XLIFF12, XLIFF20, TMX, PO, JSONL = "xliff-1.2", "xliff-2.0", "tmx", "po", "jsonl"
FORMATS = (XLIFF12, XLIFF20, TMX, PO, JSONL)

# File name endings that make `mtqa check` read a file as bilingual. "xml" files are bilingual
# only when their root element says so (xliff or tmx).
EXTENSIONS = {".xlf": "xliff", ".xliff": "xliff", ".xlf2": "xliff", ".tmx": "tmx", ".po": "po",
              ".jsonl": "jsonl", ".xml": "xml"}

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


def bilingual_kind(path: str | os.PathLike) -> str | None:
    """"xliff", "tmx", "po" or "jsonl" when `path` names a bilingual file (by its ending, and for
    .xml by its root element), else None (a plain text article)."""
    kind = EXTENSIONS.get(Path(path).suffix.lower())
    if kind != "xml":
        return kind
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    match = re.search(rb"<(?:[A-Za-z_][\w.-]*:)?(xliff|tmx)[\s>/]", _skip_prolog(head))
    return match.group(1).decode() if match else None


def _skip_prolog(head: bytes) -> bytes:
    """The bytes from the root element on: declaration, comments, PIs and doctype skipped."""
    return re.sub(rb"^(\xef\xbb\xbf)?(\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", b"", head, flags=re.S)


def read_bilingual(path: str | os.PathLike, kind: str | None = None) -> BilingualDocument:
    """Read a bilingual file (kind as bilingual_kind says, guessed from `path` when None), or raise
    InputError naming the file and, for a malformed file, the line (and column) of the problem."""
    p = Path(path)
    kind = kind or bilingual_kind(p)
    if kind is None:
        raise InputError(f"{p}: not a bilingual file (expected .xlf, .xliff, .xlf2, .tmx, .po or .jsonl)")
    data = read_input_bytes(p, expected="a file")
    if not data.strip():
        raise InputError(f"{p}: file is empty")
    name = str(p)
    if kind == "jsonl":
        doc = _read_jsonl(data, name)
    elif kind == "po":
        doc = _read_po(data, name)
    elif kind in ("xliff", "tmx", "xml"):
        doc = _read_xml(data, name, kind)
    else:
        raise InputError(f"{p}: unknown bilingual format {kind!r}")
    if not doc.units:
        raise InputError(f"{p}: no translation units in the file")
    return doc


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


# --------------------------------------------------------------------------- JSONL


def _read_jsonl(data: bytes, name: str) -> BilingualDocument:
    text, notes = decode_text(data, name)
    units: list[Unit] = []
    first_line: dict[str, int] = {}
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{n}:{exc.colno}: invalid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise InputError(f"{name}:{n}: expected a JSON object with id, source and target")
        missing = [k for k in ("id", "source", "target") if k not in obj]
        if missing:
            raise InputError(f"{name}:{n}: missing {', '.join(repr(k) for k in missing)} "
                             "(each line is {\"id\", \"source\", \"target\"})")
        uid = obj["id"]
        if isinstance(uid, bool) or not isinstance(uid, (str, int)) or str(uid) == "":
            raise InputError(f"{name}:{n}: 'id' must be a non-empty string or an integer")
        uid = str(uid)
        if not isinstance(obj["source"], str):
            raise InputError(f"{name}:{n}: 'source' must be a string")
        target = obj["target"]
        if target is not None and not isinstance(target, str):
            raise InputError(f"{name}:{n}: 'target' must be a string (or null: untranslated)")
        if uid in first_line:
            raise InputError(f"{name}:{n}: duplicate id {uid!r} (first on line {first_line[uid]})")
        first_line[uid] = n
        units.append(Unit(uid, obj["source"], target or "", n))
    return BilingualDocument(name, JSONL, tuple(units), notes, data=data)


# --------------------------------------------------------------------------- PO


def _read_po(data: bytes, name: str) -> BilingualDocument:
    from translate.storage import po

    if b"\x00" in data:
        raise InputError(f"{name}: binary file (contains NUL bytes); a compiled .mo? expected a .po text file")
    try:
        store = po.pofile.parsestring(data)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: cannot decode the file with its declared charset ({exc.reason})") from None
    except (ValueError, LookupError) as exc:  # translate.storage.poparser.PoParseError is a ValueError
        message = " ".join(str(exc).split())
        match = re.search(r"^(.*?) on line (\d+)", message)
        if match:
            raise InputError(f"{name}:{match.group(2)}: PO syntax error: {match.group(1)}") from None
        raise InputError(f"{name}: PO syntax error: {message}") from None
    units: list[Unit] = []
    seen: set[str] = set()
    for unit in store.units:
        if unit.isheader() or unit.isobsolete():
            continue
        # Plural entries are checked by their singular forms (msgid, msgstr[0]).
        source = _text(unit.source)
        uid = str(unit.getid() or source).replace("\x04", "|")  # msgctxt|msgid, as gettext keys it
        if uid in seen:
            raise InputError(f"{name}:{unit.line_number}: duplicate entry {uid!r}")
        seen.add(uid)
        units.append(Unit(uid, source, _text(unit.target), int(unit.line_number or 1)))
    header = store.parseheader() if hasattr(store, "parseheader") else {}
    target_language = header.get("Language") or None
    notes = _language_note(None, target_language)
    return BilingualDocument(name, PO, tuple(units), notes, None, target_language, data=data)


def _text(value) -> str:
    """The text of a translate-toolkit source/target: None -> "", a plural multistring -> its first form."""
    if value is None:
        return ""
    strings = getattr(value, "strings", None)
    return str(strings[0] if strings else value)


# --------------------------------------------------------------------------- XML (XLIFF, TMX)


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


def _read_xml(data: bytes, name: str, kind: str) -> BilingualDocument:
    root = parse_xml(data, name)
    where = _Positions(data, root, name)
    local = _local(root.tag)
    expected = {"xliff": ("xliff",), "tmx": ("tmx",), "xml": ("xliff", "tmx")}[kind]
    if local not in expected:
        want = " or ".join(f"<{e}>" for e in expected)
        raise InputError(f"{where(root)}: the root element is <{local or root.tag}>, expected {want}")
    if local == "tmx":
        return _read_tmx(data, name, root, where)
    version = root.get("version", "")
    ns = _ns(root.tag)
    if ns == XLIFF2_NS or (not ns and version.startswith("2")):
        return _read_xliff2(data, name, root, where)
    if ns in (XLIFF12_NS, "") and (version.startswith("1") or (not version and ns == XLIFF12_NS)):
        return _read_xliff12(data, name, root, where)
    raise InputError(f"{where(root)}: unsupported XLIFF version {version or '?'} (namespace {ns or 'none'}); "
                     "mtqa reads XLIFF 1.2 and 2.x")


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


def _read_xliff12(data: bytes, name: str, root, where) -> BilingualDocument:
    from translate.storage import xliff

    ns = _ns(root.tag)
    tus = [el for el in root.iter(f"{{{ns}}}trans-unit" if ns else "trans-unit")]
    for tu in tus:
        if not tu.get("id"):
            raise InputError(f"{where(tu)}: <trans-unit> without an id attribute")
        if _child(tu, ns, "source") is None:
            raise InputError(f"{where(tu)}: <trans-unit id=\"{tu.get('id')}\"> has no <source> element")
    if not tus:
        raise InputError(f"{where(root)}: no <trans-unit> elements in the XLIFF file")
    files = root.findall(f"{{{ns}}}file" if ns else "file")
    store = _ttk_parse(lambda: xliff.xlifffile.parsestring(data), name)
    # translate-toolkit parsed its own tree: its units are found by their place among the trans-units.
    ttk_order = {el: i for i, el in enumerate(store.document.getroot().iter(f"{{{ns}}}trans-unit" if ns else "trans-unit"))}
    picked = []
    for unit in store.units:
        element = unit.xmlelement
        if element is None or element not in ttk_order or not unit.istranslatable():
            continue  # translate="no": nothing to check
        picked.append((ttk_order[element], unit))
    ids = [tus[i].get("id") for i, _ in picked]
    file_of = {tu: (tu.xpath("ancestor::*[local-name()='file'][1]/@original") or [""])[0] for tu in tus}
    qualified = [f"{file_of[tus[i]]}#{tus[i].get('id')}" for i, _ in picked]
    ids = _unique(ids, qualified, [tus[i] for i, _ in picked], where, "trans-unit")
    units = tuple(Unit(uid, _text(unit.source), _text(unit.target), tus[i].sourceline or 1, i)
                  for uid, (i, unit) in zip(ids, picked))
    first = files[0] if files else root
    source_language, target_language = first.get("source-language"), first.get("target-language")
    return BilingualDocument(name, XLIFF12, units, _language_note(source_language, target_language),
                             source_language, target_language, data=data)


def _read_xliff2(data: bytes, name: str, root, where) -> BilingualDocument:
    from translate.storage import xliff2

    ns = _ns(root.tag) or XLIFF2_NS
    unit_elements = list(root.iter(f"{{{ns}}}unit"))
    for el in unit_elements:
        if not el.get("id"):
            raise InputError(f"{where(el)}: <unit> without an id attribute")
        segments = [c for c in el if _local(c.tag) in ("segment", "ignorable") and _ns(c.tag) == ns]
        if not any(_local(c.tag) == "segment" for c in segments):
            raise InputError(f"{where(el)}: <unit id=\"{el.get('id')}\"> has no <segment> element")
        for seg in segments:
            if _child(seg, ns, "source") is None:
                raise InputError(f"{where(seg)}: <{_local(seg.tag)}> of unit \"{el.get('id')}\" has no <source> element")
    if not unit_elements:
        raise InputError(f"{where(root)}: no <unit> elements in the XLIFF file")
    store = _ttk_parse(lambda: xliff2.Xliff2File.parsestring(data), name)
    ttk_order = {el: i for i, el in enumerate(store.document.getroot().iter(f"{{{ns}}}unit"))}
    picked = []
    for unit in store.units:
        element = unit.xmlelement.getparent() if unit.xmlelement is not None else None
        if element is None or element not in ttk_order or not unit.istranslatable():
            continue
        picked.append((ttk_order[element], unit))
    # translate-toolkit names a segment of a multi-segment unit "unit::segment".
    ids = [unit.getid() or unit_elements[i].get("id") for i, unit in picked]
    file_of = {el: (el.xpath("ancestor::*[local-name()='file'][1]/@id") or [""])[0] for el in unit_elements}
    qualified = [f"{file_of[unit_elements[i]]}#{uid}" for uid, (i, _) in zip(ids, picked)]
    ids = _unique(ids, qualified, [unit_elements[i] for i, _ in picked], where, "unit")
    units = tuple(Unit(uid, _text(unit.source), _text(unit.target),
                       unit.xmlelement.sourceline or unit_elements[i].sourceline or 1, i)
                  for uid, (i, unit) in zip(ids, picked))
    source_language, target_language = root.get("srcLang"), root.get("trgLang")
    return BilingualDocument(name, XLIFF20, units, _language_note(source_language, target_language),
                             source_language, target_language, data=data)


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


def _read_tmx(data: bytes, name: str, root, where) -> BilingualDocument:
    # The variants are picked here, by primary language subtag: translate-toolkit's tmxfile matches
    # languages exactly and would miss "nb-NO" against "nb". The text is read with its helper.
    body = root.find("body")
    if body is None:
        raise InputError(f"{where(root)}: <tmx> has no <body> element")
    header = root.find("header")
    srclang = header.get("srclang") if header is not None else None
    tus = list(body.iter("tu"))
    if not tus:
        raise InputError(f"{where(body)}: no <tu> elements in the TMX file")
    languages: list[str] = []
    for tu in tus:
        for tuv in tu.findall("tuv"):
            if not _lang_of(tuv):
                raise InputError(f"{where(tuv)}: <tuv> without an xml:lang attribute")
            if tuv.find("seg") is None:
                raise InputError(f"{where(tuv)}: <tuv xml:lang=\"{_lang_of(tuv)}\"> has no <seg> element")
            if _lang_of(tuv) not in languages:
                languages.append(_lang_of(tuv))
    source_lang, target_lang = _tmx_languages(languages, srclang)
    if source_lang is None or target_lang is None:
        raise InputError(f"{where(root)}: cannot tell source and target apart among the languages "
                         f"{', '.join(languages) or 'none'} (expected Norwegian nb/no/nn and French fr)")
    ids_seen: dict[str, object] = {}
    units = []
    for n, tu in enumerate(tus, start=1):
        variants = {_lang_of(t): t for t in tu.findall("tuv")}
        src = next((t for lang, t in variants.items() if _primary(lang) == source_lang), None)
        tgt = next((t for lang, t in variants.items() if _primary(lang) == target_lang), None)
        if src is None:
            raise InputError(f"{where(tu)}: <tu> has no {source_lang} (source) <tuv>")
        uid = tu.get("tuid") or str(n)
        if uid in ids_seen:
            raise InputError(f"{where(tu)}: duplicate tu id {uid!r}")
        ids_seen[uid] = tu
        text = _tmx_text(src)
        translation = _tmx_text(tgt) if tgt is not None else ""
        units.append(Unit(uid, text, translation, tu.sourceline or 1))
    notes = _language_note(source_lang, target_lang)
    return BilingualDocument(name, TMX, tuple(units), notes, source_lang, target_lang, data=data)


def _tmx_text(tuv) -> str:
    """The text of a <tuv>'s <seg>, read as translate-toolkit reads it (inline codes flattened)."""
    from translate.misc.xml_helpers import getText, getXMLspace

    seg = tuv.find("seg")
    return getText(seg, getXMLspace(tuv, "preserve")) or "" if seg is not None else ""


def _tmx_languages(languages: list[str], srclang: str | None) -> tuple[str | None, str | None]:
    """The primary subtags of the source and target languages of a TMX: Norwegian and French when
    present, else the header's srclang and the one other language."""
    primaries = list(dict.fromkeys(_primary(lang) for lang in languages))
    source = next((p for p in primaries if p in SOURCE_LANGUAGES), None)
    target = next((p for p in primaries if p in TARGET_LANGUAGES), None)
    if source and target:
        return source, target
    declared = _primary(srclang) if srclang and srclang != "*all*" else None
    others = [p for p in primaries if p != declared]
    if declared in primaries and len(others) == 1:
        return declared, others[0]
    return None, None
