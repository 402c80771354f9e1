"""XLIFF 1.2 and 2.x: checked for structure with lxml (line:column), units read by translate-toolkit."""

from __future__ import annotations

from mtqa.errors import InputError
from mtqa.readers.bilingual import (XLIFF12, XLIFF12_NS, XLIFF20, XLIFF2_NS, BilingualDocument, Unit,
                                    inline_tags,
                                    _child, _language_note, _local, _ns, _text, _ttk_parse, _unique, root_of)


def read_xliff(data: bytes, name: str) -> BilingualDocument:
    """XLIFF 1.2 or 2.x (by namespace and version), or InputError with file:line:column."""
    root, where = root_of(data, name, "xliff")
    version = root.get("version", "")
    ns = _ns(root.tag)
    if ns == XLIFF2_NS or (not ns and version.startswith("2")):
        return _read_xliff2(data, name, root, where)
    if ns in (XLIFF12_NS, "") and (version.startswith("1") or (not version and ns == XLIFF12_NS)):
        return _read_xliff12(data, name, root, where)
    raise InputError(f"{where(root)}: unsupported XLIFF version {version or '?'} (namespace {ns or 'none'}); "
                     "mtqa reads XLIFF 1.2 and 2.x")


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
    units = tuple(Unit(uid, _text(unit.source), _text(unit.target), tus[i].sourceline or 1, i,
                       inline_tags(_child(tus[i], ns, "source")), inline_tags(_child(tus[i], ns, "target")))
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
                       unit.xmlelement.sourceline or unit_elements[i].sourceline or 1, i,
                       inline_tags(_child(unit.xmlelement, ns, "source")), inline_tags(_child(unit.xmlelement, ns, "target")))
                  for uid, (i, unit) in zip(ids, picked))
    source_language, target_language = root.get("srcLang"), root.get("trgLang")
    return BilingualDocument(name, XLIFF20, units, _language_note(source_language, target_language),
                             source_language, target_language, data=data)
