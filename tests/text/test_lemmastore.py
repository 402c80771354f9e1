"""The cached lemma tables answer exactly what simplemma's own dictionaries answer."""

from __future__ import annotations

import pytest

from mtqa.text import lemmastore

simplemma = pytest.importorskip("simplemma")


def test_table_round_trip(tmp_path):
    items = {"kursen": "kurs", "gikk": "gå", "yeux": "œil", "a": "a", "ø" * 100: "x"}
    path = tmp_path / "t.bin"
    path.write_bytes(lemmastore.build_table(items.items()))
    table = lemmastore._open(path)
    assert len(table) == len(items)
    assert dict(table.items()) == items
    assert table.get("kursen") == "kurs" and table["yeux"] == "œil"
    assert table.get("kurs") is None and "kurs" not in table and "gikk" in table
    with pytest.raises(KeyError):
        table["nope"]


def test_damaged_table_is_refused(tmp_path):
    content = lemmastore.build_table({"a": "b"}.items())
    with pytest.raises(ValueError):
        lemmastore.LemmaTable(content[:-1])
    with pytest.raises(ValueError):
        lemmastore.LemmaTable(b"garbage" + content)


def test_cached_lemmas_equal_simplemma(tmp_path, monkeypatch):
    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path))
    lemmastore.table_for.cache_clear()
    try:
        factory = lemmastore.CachedDictionaryFactory()
        lemmatizer = simplemma.Lemmatizer(
            lemmatization_strategy=simplemma.strategies.DefaultStrategy(dictionary_factory=factory))
        words = {"nb": "gikk kursen regjeringen statsminister diagnoseverktøy lavinntektsland Oslo NRK hadde "
                       "flyktninger sa opp igjen bøker barna øyne gått",
                 "fr": "yeux étaient allée chevaux l'université qu'il journaux Paris annoncé diagnostiquer "
                       "aujourd'hui peut-être eu"}
        for lang, text in words.items():
            for w in text.split():
                for v in (w, w.lower(), w.upper(), w + "s"):
                    assert lemmatizer.lemmatize(v, lang) == simplemma.lemmatize(v, lang=lang), (lang, v)
        assert sorted(p.name.split("-")[0] for p in (tmp_path / "lemmas").glob("*.bin")) == ["fr", "nb"]
        table = lemmastore.table_for("nb")
        raw = lemmastore._decode("nb")
        assert len(table) == len(raw)
    finally:
        lemmastore.table_for.cache_clear()


def test_unwritable_cache_still_answers(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MTQA_CACHE_DIR", str(blocker))
    lemmastore.table_for.cache_clear()
    try:
        table = lemmastore.table_for("fr")
        assert table is not None and table.get("yeux") == simplemma.strategies.dictionaries.dictionary_factory \
            .DefaultDictionaryFactory().get_dictionary("fr").get("yeux")
    finally:
        lemmastore.table_for.cache_clear()
