"""docs/writing-a-check.md is true: its example check, registered through the public API, runs in
`mtqa.check`, is configured from mtqa.toml, and its tests pass and fail as the page says."""

from __future__ import annotations

import re
import sys
import types

import pytest

import mtqa
from conftest import REPO
from mtqa import checks
from mtqa.config import parse_config
from mtqa.core.document import Article, Document
from mtqa.errors import InputError

PAGE = (REPO / "docs" / "writing-a-check.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", PAGE, re.S)


@pytest.fixture
def registered(monkeypatch):
    module = types.ModuleType("writing_a_check_example")  # a real module: its annotations resolve
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace = module.__dict__
    exec(compile(BLOCKS[0], "writing-a-check.md", "exec"), namespace)  # the page's example, as written
    cls = namespace["ExclamationCheck"]
    monkeypatch.setitem(checks.REGISTRY, cls.name, cls)
    exec(compile(BLOCKS[1], "writing-a-check.md#tests", "exec"), namespace)
    return cls, namespace


def test_the_example_is_about_twenty_lines():
    assert 15 <= len(BLOCKS[0].strip().splitlines()) <= 25


def test_the_example_check_runs_in_the_pipeline_and_is_configured(registered):
    cls, _ = registered
    article = Article(Document("a.fr.txt", ("Il pleut !",)), Document("a.nb.txt", ("Det regner.",)))
    result = mtqa.check(article, mtqa.Config(enable=("exclamation",)))
    assert [(f.check, f.severity, f.line) for f in result.flags] == [("exclamation", "minor", 1)]
    config = parse_config({"checks": {"enable": ["exclamation"], "exclamation": {"severity": "major"}}})
    assert [f.severity for f in mtqa.check(article, config).flags] == ["major"]
    with pytest.raises(InputError, match=r"\[checks.exclamation\]"):
        parse_config({"checks": {"exclamation": {"severity": "loud"}}})


def test_the_pages_tests_pass(registered):
    _, namespace = registered
    namespace["test_passes"]()
    namespace["test_fails"]()
