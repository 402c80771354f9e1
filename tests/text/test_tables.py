"""The cached tables answer exactly what they were built from: simplemma's dictionaries, wordfreq's list."""

from __future__ import annotations

import pytest

from mtqa.text import tables

simplemma = pytest.importorskip("simplemma")


def test_table_round_trip(tmp_path):
    items = {"kursen": "kurs", "gikk": "gå", "yeux": "œil", "a": "a", "ø" * 100: "x"}
    path = tmp_path / "t.bin"
    path.write_bytes(tables.build_table(items.items()))
    table = tables._open(path)
    assert len(table) == len(items)
    assert dict(table.items()) == items
    assert table.get("kursen") == "kurs" and table["yeux"] == "œil"
    assert table.get("kurs") is None and "kurs" not in table and "gikk" in table
    with pytest.raises(KeyError):
        table["nope"]


def test_damaged_table_is_refused(tmp_path):
    content = tables.build_table({"a": "b"}.items())
    with pytest.raises(ValueError):
        tables.Table(content[:-1])
    with pytest.raises(ValueError):
        tables.Table(b"garbage" + content)


def test_cached_lemmas_equal_simplemma(tmp_path, monkeypatch):
    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path))
    tables.lemma_table.cache_clear()
    try:
        factory = tables.CachedDictionaryFactory()
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
        assert sorted(p.name.split("-")[1] for p in (tmp_path / "tables").glob("simplemma-*.bin")) == ["fr", "nb"]
        table = tables.lemma_table("nb")
        raw = tables._decode("nb")
        assert len(table) == len(raw)
    finally:
        tables.lemma_table.cache_clear()


def test_unwritable_cache_still_answers(tmp_path, monkeypatch):
    """No cache to write to: no table (building one every run would cost more than simplemma's own
    loading), and the lemmas come from simplemma's dictionaries, the same answers."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MTQA_CACHE_DIR", str(blocker))
    tables.lemma_table.cache_clear()
    try:
        assert tables.lemma_table("fr") is None
        factory = tables.CachedDictionaryFactory()
        lemmatizer = simplemma.Lemmatizer(
            lemmatization_strategy=simplemma.strategies.DefaultStrategy(dictionary_factory=factory))
        assert lemmatizer.lemmatize("yeux", "fr") == simplemma.lemmatize("yeux", lang="fr")
        assert not list(tmp_path.glob("**/*.tmp"))
    finally:
        tables.lemma_table.cache_clear()


def test_french_words_table_equals_wordfreq(tmp_path, monkeypatch):
    from mtqa.text import fluency

    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path))
    fluency.french_words.cache_clear()
    try:
        table = fluency.french_words()
        expected = fluency.wordfreq_words()
        assert isinstance(table, tables.Table) and len(table) == len(expected)
        assert set(table) == expected
        assert "pharmacies" in table and "mickin" not in table
    finally:
        fluency.french_words.cache_clear()
