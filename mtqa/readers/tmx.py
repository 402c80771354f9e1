"""TMX translation memories: variants picked by language subtag, text read with translate-toolkit's helper."""

from __future__ import annotations

from mtqa.errors import InputError
from mtqa.readers.bilingual import (SOURCE_LANGUAGES, TARGET_LANGUAGES, TMX, BilingualDocument, Unit,
                                    _lang_of, _language_note, _primary, root_of)


def read_tmx(data: bytes, name: str) -> BilingualDocument:
    """A TMX translation memory: the nb and fr variant of each <tu>, or InputError with file:line:column."""
    root, where = root_of(data, name, "tmx")
    return _read_tmx(data, name, root, where)


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
