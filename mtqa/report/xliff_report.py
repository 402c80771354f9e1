"""`--format xliff`: the input XLIFF written back with mtqa's flags as notes on their units, for
CAT tools (a reviewer sees each flag beside the segment it concerns).

Nothing else in the file changes: the notes are spliced into the bytes that were checked (kept in
CheckResult.bilingual.data), at offsets expat reports, rather than re-serialised, so the XML
declaration, encoding, BOM, attribute quoting, entities, CDATA, comments, whitespace and line ends
stay as they were. Each note is written on its own line at the indentation of its neighbour (or
inline when the unit is on one line).

- XLIFF 1.2: `<note from="mtqa" priority="P" annotates="target">` after the unit's <target> (or
  <source> when it has none), where the 1.2 schema allows notes.
- XLIFF 2.0: `<note category="mtqa" priority="P" appliesTo="target">` at the end of the unit's
  <notes>, which is created (before <originalData> or the first <segment>) when the unit has none.

P is 1 for critical, 2 major, 3 minor, 4 info (XLIFF priorities run from 1, the highest, to 10).
The text is "mtqa SEVERITY CATEGORY [CHECK]: MESSAGE". Notes of an earlier run (from="mtqa" /
category="mtqa") are removed first, with the line break and indentation written before them, so
that checking an annotated file replaces its notes instead of adding to them. Suppressed flags
are left out, as in the GitHub annotations. Files in UTF-16 or UTF-32 are refused: the splicing
works on ASCII-compatible encodings (UTF-8, ISO-8859-x, Windows code pages).
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field

from mtqa.errors import InputError
from mtqa.core.flags import Flag
from mtqa.readers.bilingual import XLIFF2_NS, XLIFF12, XLIFF20
from mtqa.core.result import CheckResult

AUTHOR = "mtqa"
PRIORITY = {"critical": 1, "major": 2, "minor": 3, "info": 4}
DEFAULT_STEP = "  "  # indentation step when the file's own cannot be seen

_ENCODING_RE = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


@dataclass
class _Element:
    """An element of the scanned file: its name, attributes and byte range [start, end)."""

    local: str
    ns: str
    attrs: dict
    start: int
    parent: int | None
    end: int = -1
    children: list[int] = field(default_factory=list)


def _scan(data: bytes, name: str) -> list[_Element]:
    """Every element of `data` in document order, with its byte range (expat byte offsets)."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    elements: list[_Element] = []
    stack: list[int] = []
    last = [None]  # the previous event: ("start", i) right before an end event means an empty element

    def start(qname, attrs):
        ns, _, local = qname.rpartition(" ")
        i = len(elements)
        elements.append(_Element(local, ns, attrs, parser.CurrentByteIndex, stack[-1] if stack else None))
        if stack:
            elements[stack[-1]].children.append(i)
        stack.append(i)
        last[0] = ("start", i)

    def end(_qname):
        i = stack.pop()
        pos = parser.CurrentByteIndex
        if last[0] == ("start", i) and data[pos - 2:pos] == b"/>":
            elements[i].end = pos  # <note/>: expat reports the end of the empty-element tag
        else:
            elements[i].end = data.index(b">", pos) + 1  # pos is the "</" of the end tag
        last[0] = ("end", i)

    def other(*_args):
        last[0] = ("other",)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = other
    parser.CommentHandler = other
    parser.ProcessingInstructionHandler = other
    parser.StartCdataSectionHandler = other
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise InputError(f"{name}:{exc.lineno}:{exc.offset + 1}: not well-formed XML: "
                         f"{xml.parsers.expat.ErrorString(exc.code)}") from None
    return elements


def _encoding(data: bytes, name: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        raise InputError(f"{name}: --format xliff annotates UTF-8 (or other ASCII-compatible) XLIFF only; "
                         "this file is UTF-16/32: convert it with iconv -t UTF-8")
    match = _ENCODING_RE.match(data)
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        if "\n<>".encode(encoding) != b"\n<>":
            raise LookupError
    except LookupError:
        raise InputError(f"{name}: --format xliff cannot write the file's encoding {encoding!r}; "
                         "convert it to UTF-8") from None
    return encoding


def _line_indent(data: bytes, pos: int) -> bytes | None:
    """The whitespace between the start of the line and `pos`, or None when other text precedes
    `pos` on its line (then notes are written inline, with no line break)."""
    line_start = data.rfind(b"\n", 0, pos) + 1
    prefix = data[line_start:pos]
    return prefix if prefix.strip(b" \t") == b"" and line_start > 0 else None


def _cut_before(data: bytes, pos: int) -> int:
    """Where the removal of an element starting at `pos` begins: the line break and indentation
    written before it when it starts a line (as this module writes notes), else `pos`."""
    i = pos
    while i > 0 and data[i - 1:i] in (b" ", b"\t"):
        i -= 1
    if i > 0 and data[i - 1:i] == b"\n":
        i -= 1
        if i > 0 and data[i - 1:i] == b"\r":
            i -= 1
        return i
    return pos


def _is_mtqa_note(el: _Element, elements: list[_Element], version: str) -> bool:
    if el.local != "note" or el.parent is None:
        return False
    parent = elements[el.parent]
    if version == XLIFF12:
        return parent.local == "trans-unit" and el.ns == parent.ns and el.attrs.get("from") == AUTHOR
    return (parent.local == "notes" and el.ns == XLIFF2_NS and parent.parent is not None
            and elements[parent.parent].local == "unit" and el.attrs.get("category") == AUTHOR)


def strip_mtqa_notes(data: bytes, version: str, name: str = "<xliff>") -> bytes:
    """`data` without the notes an earlier `--format xliff` wrote (and without a <notes> element
    left holding none but them), line breaks and indentation written with them included."""
    elements = _scan(data, name)
    cuts: list[tuple[int, int]] = []
    mtqa = {i for i, el in enumerate(elements) if _is_mtqa_note(el, elements, version)}
    emptied = set()
    if version == XLIFF20:
        # (a note of mtqa's always has a parent: _is_mtqa_note)
        for i in {parent for i in mtqa if (parent := elements[i].parent) is not None}:
            notes = elements[i]
            if all(c in mtqa for c in notes.children):
                emptied.add(i)
                end = notes.end
                if _line_indent(data, notes.start) is not None:
                    while data[end:end + 1] in (b" ", b"\t", b"\r", b"\n"):
                        end += 1  # the line break and indentation written after the <notes> we created
                cuts.append((notes.start, end))
    for i in sorted(mtqa):
        if elements[i].parent not in emptied:
            cuts.append((_cut_before(data, elements[i].start), elements[i].end))
    out = bytearray(data)
    for start, end in sorted(cuts, reverse=True):
        del out[start:end]
    return bytes(out)


def _escape(text: str, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Characters XML 1.0 cannot carry at all become U+FFFD.
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", text)
    return text.replace('"', "&quot;") if attribute else text


def note_text(flag: Flag) -> str:
    """What a note says about one flag."""
    where = ""
    if flag.unit and "::" in flag.unit:  # a segment of a multi-segment XLIFF 2.0 unit
        where = f" (segment {flag.unit.split('::', 1)[1]})"
    return f"{AUTHOR} {flag.severity} {flag.category} [{flag.check}]{where}: {flag.message}"


def _note(flag: Flag, version: str, prefix: str) -> str:
    priority = PRIORITY[flag.severity]
    text = _escape(note_text(flag))
    if version == XLIFF12:
        return f'<{prefix}note from="{AUTHOR}" priority="{priority}" annotates="target">{text}</{prefix}note>'
    return f'<{prefix}note category="{AUTHOR}" priority="{priority}" appliesTo="target">{text}</{prefix}note>'


def _prefix(data: bytes, el: _Element) -> str:
    """The namespace prefix ("xlf:" or "") the file writes the element's name with."""
    tag = re.match(rb"<([^\s/>]+)", data[el.start:el.start + 200])
    assert tag is not None  # _scan found a start tag at el.start
    qname = tag.group(1).decode("ascii", "replace")
    return qname.split(":", 1)[0] + ":" if ":" in qname else ""


def annotate_xliff(data: bytes, version: str, flags_by_element: dict[int, list[Flag]], name: str = "<xliff>") -> bytes:
    """`data` (an XLIFF file) with mtqa's notes of an earlier run removed and one note per flag
    added to the unit element it belongs to (`flags_by_element`: index of the <trans-unit> or
    <unit> element in document order -> its flags, in report order)."""
    if version not in (XLIFF12, XLIFF20):
        raise InputError(f"{name}: --format xliff writes XLIFF 1.2 or 2.0 only")
    encoding = _encoding(data, name)
    data = strip_mtqa_notes(data, version, name)
    elements = _scan(data, name)
    unit_tag = "trans-unit" if version == XLIFF12 else "unit"
    # The unit elements in the root's namespace, in document order: the order the reader numbered them in.
    units = [el for el in elements if el.local == unit_tag and el.ns == elements[0].ns]
    nl = b"\r\n" if b"\r\n" in data else b"\n"
    inserts: list[tuple[int, bytes]] = []
    for k, flags in sorted(flags_by_element.items()):
        if not flags:
            continue
        if not 0 <= k < len(units):
            raise InputError(f"{name}: the file changed while it was checked (unit element {k} is gone)")
        unit = units[k]
        prefix = _prefix(data, unit)
        notes = [_note(f, version, prefix).encode(encoding, "xmlcharrefreplace") for f in flags]
        children = [elements[c] for c in unit.children if elements[c].ns == unit.ns]
        if version == XLIFF12:
            anchor = [c for c in children if c.local in ("source", "seg-source", "target")][-1]
            inserts.append((anchor.end, _after(data, anchor, notes, nl)))
            continue
        existing = next((c for c in children if c.local == "notes"), None)
        if existing is not None:
            inner = [elements[c] for c in existing.children]
            if not inner:
                raise InputError(f"{name}: <notes> without <note> in unit {unit.attrs.get('id')!r} (invalid XLIFF 2.0)")
            inserts.append((inner[-1].end, _after(data, inner[-1], notes, nl)))
            continue
        first = next(c for c in children if c.local in ("originalData", "segment", "ignorable"))
        indent, unit_indent = _line_indent(data, first.start), _line_indent(data, unit.start)
        open_tag, close_tag = f"<{prefix}notes>".encode("ascii"), f"</{prefix}notes>".encode("ascii")
        if indent is None:
            block = open_tag + b"".join(notes) + close_tag
        else:
            step = indent[len(unit_indent):] if unit_indent is not None and indent.startswith(unit_indent) \
                and len(indent) > len(unit_indent) else DEFAULT_STEP.encode("ascii")
            block = (open_tag + b"".join(nl + indent + step + n for n in notes) + nl + indent + close_tag
                     + nl + indent)
        inserts.append((first.start, block))
    out = bytearray(data)
    for pos, text in sorted(inserts, key=lambda item: item[0], reverse=True):
        out[pos:pos] = text
    return bytes(out)


def _after(data: bytes, anchor: _Element, notes: list[bytes], nl: bytes) -> bytes:
    """Notes to write right after `anchor`: each on its own line at the anchor's indentation, or
    inline when the anchor does not start a line."""
    indent = _line_indent(data, anchor.start)
    return b"".join((nl + indent if indent is not None else b"") + n for n in notes)


def render_xliff(result: CheckResult, fail_on: str = "major") -> bytes:
    """The checked XLIFF file, as bytes in its own encoding, with one note per flag (not
    suppressed) on the unit it concerns."""
    doc = result.bilingual
    if doc is None or doc.format not in (XLIFF12, XLIFF20):
        path = doc.path if doc is not None else result.target.path
        raise InputError(f"--format xliff: {path} is not an XLIFF file; only XLIFF input can be annotated")
    by_element: dict[int, list[Flag]] = {}
    for flag in result.flags:
        if flag.suppressed is not None or not 1 <= flag.line <= len(doc.units):
            continue
        element = doc.units[flag.line - 1].element
        if element is not None:
            by_element.setdefault(element, []).append(flag)
    return annotate_xliff(doc.data, doc.format, by_element, doc.path)
