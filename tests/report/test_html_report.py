"""The HTML report (`mtqa check -f html`) and the batch summary page: escaped, self-contained,
deterministic, the same counts as the JSON report, and filters that work in a real browser."""

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from importlib import resources

import pytest
from markupsafe import escape

from conftest import REPO, SEED_FR, SEED_NB
from mtqa.core.document import Document
from mtqa.readers import read_document
from mtqa.pipeline import check_article
from mtqa.report import renderer
from mtqa.report.html_report import highlight, render_html, render_summary_html, report_href
from mtqa.report.json_report import report_dict

SCRIPT_PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = '"><img src=x onerror=alert(1)>'
INJECTED_NB = (f"Russland har registrert 15 902 saker {SCRIPT_PAYLOAD} mot soldater.",
               f"Det uavhengige mediet Mediazona har laget en oversikt {IMG_PAYLOAD}.",
               "Se mer",
               "Han sa: «Vi er sikre på at alt kommer til å gå bra».")
INJECTED_FR = (f"La Russie a enregistré 15 302 cas {SCRIPT_PAYLOAD} contre des soldats.",
               f"Le média indépendant Médiazone a fait un aperçu {IMG_PAYLOAD}.",
               "Voir plus",
               "Il a dit : “Nous sommes convaincus que tout ira bien”.")


def injected_result():
    return check_article(Document(f"evil{SCRIPT_PAYLOAD}.fr.txt", INJECTED_FR),
                         Document(f"evil{IMG_PAYLOAD}.nb.txt", INJECTED_NB))


@pytest.fixture(scope="module")
def seed_result():
    return check_article(read_document(SEED_FR), read_document(SEED_NB))


@pytest.fixture(scope="module")
def seed_page(seed_result):
    return render_html(seed_result, "major")


class Elements(HTMLParser):
    """The elements of a page, as a browser's tokenizer sees them (tag, attributes, text of scripts)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data

    def all(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


# ---------------------------------------------------------------- escaping and self-containment

def test_article_text_is_escaped_never_markup():
    page = render_html(injected_result(), "major")
    assert "<script>alert" not in page and "<img" not in page
    elements = Elements(page)
    assert elements.all("img") == []
    # The one script of the page is mtqa's own filter script, byte for byte.
    js = resources.files("mtqa").joinpath("templates/report.js").read_text(encoding="utf-8")
    assert elements.scripts == [js]
    # The payloads are there, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    # An attribute built from article text (the hover text of a highlight) cannot be broken out of.
    for attrs in elements.all("mark"):
        assert set(attrs) == {"class", "data-flags", "title"}


def test_page_is_self_contained_and_locks_itself_down(seed_result):
    page = render_html(seed_result, "major")
    assert "http://" not in page and "https://" not in page
    elements = Elements(page)
    for tag, attrs in elements.tags:
        assert "src" not in attrs, tag
        assert attrs.get("href", "#").split(":")[0] not in ("http", "https", "javascript", "data"), (tag, attrs)
    assert elements.all("link") == [] and "@import" not in page and "url(" not in page
    (csp,) = [a["content"] for a in elements.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", csp)


def test_same_input_gives_a_byte_identical_page(seed_result):
    first = render_html(seed_result, "major")
    second = render_html(check_article(read_document(SEED_FR), read_document(SEED_NB)), "major")
    assert first == second


# ---------------------------------------------------------------- content: what the JSON shows

def test_counts_and_flags_are_those_of_the_json_report(seed_result):
    report = report_dict(seed_result, "major")
    page = render_html(seed_result, "major")
    elements = Elements(page)
    by_category = {a["data-category"]: int(a["data-count"]) for a in elements.all("g") if "data-category" in a}
    assert by_category == report["summary"]["by_category"]
    by_severity = {a["data-severity"]: int(a["data-count"]) for a in elements.all("g") if "data-severity" in a}
    assert {s: n for s, n in by_severity.items() if n} == report["summary"]["by_severity"]
    flags = [a for t, a in elements.tags if t == "li" and "flag" in a.get("class", "").split()]
    assert len(flags) == len(report["flags"]) > 0
    assert [(a["data-category"], a["data-severity"]) for a in flags] == \
        [(f["category"], f["severity"]) for f in report["flags"]]
    for f in report["flags"]:
        assert str(escape(f["message"])) in page
    # Provenance and retrieval at the top.
    head = page[:page.index('id="summary"')]
    for expected in ("Dagbladet", "Simone H. Sønstrød", "Daniel Wiese", "0.86",
                     "corpora/nb/dagbladet-russland-nekter.nb.txt", 'id="verdict">fail<'):
        assert expected in head
    # Source beside translation, one row per aligned bead.
    rows = [a for t, a in elements.tags if t == "section" and "row" in a.get("class", "").split()]
    assert len(rows) == len(report["alignment"])


def test_filters_cover_every_category_and_severity(seed_result):
    report = report_dict(seed_result, "major")
    elements = Elements(render_html(seed_result, "major"))
    boxes = elements.all("input", type="checkbox")
    assert {b["value"] for b in boxes if b.get("data-filter") == "category"} == set(report["summary"]["by_category"])
    assert {b["value"] for b in boxes if b.get("data-filter") == "severity"} == {"info", "minor", "major", "critical"}
    assert all("checked" in b for b in boxes if "data-filter" in b)  # everything shown at first


def test_flag_span_is_highlighted_inside_its_segment(seed_result):
    page = render_html(seed_result, "major")
    # 'Médiazone' (named-entity, major) is the highlighted part of line 3, not the whole sentence.
    assert re.search(r'<mark class="hl sev-major" data-flags="\d+" title="[^"]*">Médiazone</mark> a fait', page)
    # Segments that start mid-line (line 17, at 179): line offsets are made relative to the segment.
    # The credit flag covers the whole segment, the name flag only 'Télégramme', which turns major.
    assert re.search(r'<mark class="hl sev-minor" data-flags="(\d+)" title="[^"]*">Vidéo : </mark>'
                     r'<mark class="hl sev-major" data-flags="\1 \d+" title="[^"]*">Télégramme</mark>'
                     r'<mark class="hl sev-minor" data-flags="\1" title="[^"]*">.</mark>', page)
    # "Se mer" as interface text and as an inconsistency is one flag (the other check is its evidence).
    assert re.search(r'<mark class="hl sev-major" data-flags="\d+" title="[^"]*">Voir plus</mark>', page)


def test_suppressed_flag_is_listed_with_its_reason_but_neither_highlighted_nor_counted():
    result = check_article(read_document(SEED_FR), read_document(SEED_NB))
    k, first = next((k, f) for k, f in enumerate(result.flags) if f.check == "named-entity" and f.line == 3)
    result.flags[k] = dataclasses.replace(first, suppressed="house style keeps 'Médiazone'")
    page = render_html(result, "major")
    assert f'class="flag suppressed" id="flag-{k}"' in page and "house style keeps &#39;Médiazone&#39;" in page
    segment = page[page.index(f'id="seg-{first.segment}"'):]
    assert "Médiazone" in segment[:segment.index("</p>")] and "<mark" not in segment[:segment.index("</p>")]
    elements = Elements(page)
    counts = {a["data-category"]: int(a["data-count"]) for a in elements.all("g") if "data-category" in a}
    names = sum(f.category == "accuracy/named-entity" for f in result.flags)
    assert counts["accuracy/named-entity"] == names - 1 == \
        report_dict(result)["summary"]["by_category"]["accuracy/named-entity"]


def test_highlight_splits_overlapping_spans_and_colours_by_the_worst():
    flags = [{"severity": "minor", "message": "a"}, {"severity": "major", "message": "b"}]
    pieces = highlight("abcdefgh", [(0, 6, 0), (2, 4, 1)], flags)
    assert [(p.text, p.flags, p.severity) for p in pieces] == [
        ("ab", (0,), "minor"), ("cd", (0, 1), "major"), ("ef", (0,), "minor"), ("gh", (), None)]
    assert pieces[1].title == "minor: a\nmajor: b"


def test_back_translation_and_chrf_are_shown_on_demand():
    nb = ("Russland har registrert mange saker om soldater som nekter å kjempe.",
          "Presidenten sendte en hilsen til soldatene.")
    fr = ("La Russie a enregistré de nombreux cas de soldats refusant de combattre.",
          "Le Premier ministre a fait un discours sur l'économie.")
    table = {fr[0]: nb[0], fr[1]: "Statsministeren holdt en tale om økonomien."}

    class Translator:
        identity = {"backend": "table", "model": "table"}

        @property
        def stats(self):
            from mtqa.mt.base import TranslationStats
            return TranslationStats(0, 0)

        def translate(self, texts):
            return [table.get(t, "") for t in texts]

        def score(self, sources, targets):
            return [-1.0 for _ in sources]

    result = check_article(Document("a.fr.txt", fr), Document("a.nb.txt", nb), translator=Translator())
    page = render_html(result, "major")
    report = report_dict(result, "major")
    assert page.count('<details class="bt">') == 2
    assert "Statsministeren holdt en tale om økonomien." in page
    for seg in report["segments"]:
        assert f"chrF {seg['chrf']:.1f}" in page
    # Without a model: the reason, and no back-translation blocks.
    plain = render_html(check_article(Document("a.fr.txt", fr), Document("a.nb.txt", nb)), "major")
    assert '<details class="bt">' not in plain and "back-translation skipped" in plain


def test_article_without_source_lists_every_segment():
    result = check_article(Document("a.fr.txt", ("Voir plus", "Le président a parlé.")))
    page = render_html(result, "major")
    assert "No source text" in page and page.count("no source</p>") == 2
    assert 'Voir plus</mark>' in page


# ---------------------------------------------------------------- the command line

def _mtqa(*args):
    env = {k: v for k, v in os.environ.items() if k != "MTQA_DEBUG"}
    return subprocess.run([sys.executable, "-m", "mtqa", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=120)


def test_cli_writes_the_html_report(tmp_path, seed_page):
    out = tmp_path / "out.html"
    proc = _mtqa("check", SEED_FR, "--source", SEED_NB, "-f", "html", "-o", out)
    assert proc.returncode == 1, proc.stderr  # the seed fails at major
    assert proc.stdout == "" and proc.stderr == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page == seed_page
    again = tmp_path / "again.html"
    _mtqa("check", SEED_FR, "--source", SEED_NB, "--format", "html", "-o", again)
    assert again.read_bytes() == out.read_bytes()
    assert renderer("html") is render_html


# ---------------------------------------------------------------- the batch summary page

def summary(articles):
    verdicts = [a["verdict"] for a in articles]
    return {"summary_version": "1.0", "tool": {"name": "mtqa", "version": "0.1.0"}, "fail_on": "major",
            "articles": articles,
            "totals": {"articles": len(articles), "pass": verdicts.count("pass"), "fail": verdicts.count("fail"),
                       "error": verdicts.count("error"), "flags": sum(a["flags"] for a in articles)}}


SUMMARY_ARTICLES = [
    {"target": f"in/bad{SCRIPT_PAYLOAD}.fr.txt", "source": None, "report": None, "verdict": "error",
     "worst_severity": None, "flags": 0, "by_severity": {}, "by_category": {},
     "error": f"in/bad.fr.txt: not UTF-8 {IMG_PAYLOAD}"},
    {"target": "corpora/fr/a.fr.txt", "source": "corpora/nb/a.nb.txt", "report": "a.fr.html", "verdict": "fail",
     "worst_severity": "major", "flags": 3, "by_severity": {"minor": 1, "major": 2},
     "by_category": {"accuracy/number": 2, "terminology": 1}, "error": None},
    {"target": "b.fr.txt", "source": "b.nb.txt", "report": "javascript:alert(1)#x?.html", "verdict": "pass",
     "worst_severity": None, "flags": 0, "by_severity": {}, "by_category": {}, "error": None},
]


def test_summary_page_links_each_report_in_rank_order():
    page = render_summary_html(summary(SUMMARY_ARTICLES))
    elements = Elements(page)
    assert [a["href"] for a in elements.all("a")] == ["a.fr.html", "javascript%3Aalert%281%29%23x%3F.html"]
    assert [a["data-verdict"] for a in elements.all("tr") if "data-verdict" in a] == ["error", "fail", "pass"]
    assert {a["data-verdict"]: a["data-count"] for a in elements.all("span") if "data-verdict" in a} == \
        {"pass": "1", "fail": "1", "error": "1"}
    assert "2 major, 1 minor" in page


def test_summary_page_is_escaped_self_contained_and_deterministic():
    page = render_summary_html(summary(SUMMARY_ARTICLES))
    assert "<script" not in page and "<img" not in page
    assert "in/bad&lt;script&gt;alert(1)&lt;/script&gt;.fr.txt" in page
    assert "http://" not in page and "https://" not in page
    (csp,) = [a["content"] for a in Elements(page).all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "script-src 'none'" in csp and "default-src 'none'" in csp
    assert page == render_summary_html(json.loads(json.dumps(summary(SUMMARY_ARTICLES))))


def test_report_href_cannot_become_another_scheme():
    assert report_href("javascript:alert(1)") == "javascript%3Aalert%281%29"
    assert report_href("sub dir\\r #1.html") == "sub%20dir/r%20%231.html"
    assert report_href(None) is None


# ---------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page with every console error, page error, dialog and network request recorded."""

    def __init__(self, browser, path, javascript=True):
        self.context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.dialogs, self.requests = [], [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())

    def flags_shown(self, **attrs):
        selector = "li.flag" + "".join(f'[data-{k}="{v}"]' for k, v in attrs.items())
        return [el.is_visible() for el in self.page.query_selector_all(selector)]

    def close(self):
        self.context.close()


def test_browser_injected_article_renders_as_text(browser, tmp_path):
    path = tmp_path / "injected.html"
    path.write_text(render_html(injected_result(), "major"), encoding="utf-8")
    w = Watched(browser, path)
    page = w.page
    assert page.evaluate("document.documentElement.className") == "js"  # the script ran under the CSP
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.scripts.length") == 1
    body = page.inner_text("main")
    assert SCRIPT_PAYLOAD in body and IMG_PAYLOAD in body
    assert page.get_by_text(SCRIPT_PAYLOAD, exact=False).first.is_visible()
    page.wait_for_timeout(200)
    assert w.dialogs == [] and w.errors == []
    assert w.requests == [path.as_uri()]  # the page itself, nothing else
    w.close()


def mark_classes(page, flags, shown):
    """What each highlight's class should be when the flags `shown(flag)` are visible, and what it is."""
    SEVERITY_ORDER = ("info", "minor", "major", "critical")
    expected, actual = [], []
    for mark in page.query_selector_all("mark[data-flags]"):
        visible = [flags[int(i)]["severity"] for i in mark.get_attribute("data-flags").split()
                   if shown(flags[int(i)])]
        expected.append("hl sev-" + max(visible, key=SEVERITY_ORDER.index) if visible else "hl off")
        actual.append(mark.get_attribute("class"))
    return expected, actual


def test_browser_filters_hide_and_show_flags(browser, tmp_path, seed_result, seed_page):
    flags = report_dict(seed_result, "major")["flags"]
    total = len(flags)
    quotes = sum(f["category"] == "locale/quotation" for f in flags)
    majors = sum(f["severity"] == "major" for f in flags)
    assert quotes and majors and total > quotes + majors  # the seed has all three kinds
    path = tmp_path / "seed.html"
    path.write_text(seed_page, encoding="utf-8")
    w = Watched(browser, path)
    page = w.page
    status = page.locator("#filter-status")
    assert status.inner_text() == f"{total} of {total} flags shown"
    assert w.flags_shown() == [True] * total

    # Category: the locale/quotation flags disappear, with their highlights; the rest stay.
    box = page.locator('input[data-filter="category"][value="locale/quotation"]')
    box.uncheck()
    assert w.flags_shown(category="locale/quotation") == [False] * quotes
    assert all(w.flags_shown(category="non-content/boilerplate"))
    assert status.inner_text() == f"{total - quotes} of {total} flags shown"
    expected, actual = mark_classes(page, flags, lambda f: f["category"] != "locale/quotation")
    assert actual == expected and "hl off" in actual
    box.check()
    assert w.flags_shown() == [True] * total and status.inner_text() == f"{total} of {total} flags shown"
    expected, actual = mark_classes(page, flags, lambda f: True)
    assert actual == expected and "hl off" not in actual

    # Severity: hiding "major" leaves the others; a highlight shared by a major and a minor flag
    # turns minor-coloured.
    page.locator('input[data-filter="severity"][value="major"]').uncheck()
    assert w.flags_shown(severity="major") == [False] * majors
    assert all(w.flags_shown(severity="minor"))
    assert status.inner_text() == f"{total - majors} of {total} flags shown"
    before = mark_classes(page, flags, lambda f: True)[0]
    expected, actual = mark_classes(page, flags, lambda f: f["severity"] != "major")
    assert actual == expected
    assert ("hl sev-major", "hl sev-minor") in set(zip(before, actual))

    # Only flagged segments: rows whose flags are all hidden go too.
    page.locator("#only-flagged").check()
    rows = page.query_selector_all("section.row")
    visible = [r for r in rows if r.is_visible()]
    assert 0 < len(visible) < len(rows)
    assert all(r.query_selector("li.flag:not([hidden])") for r in visible)
    page.locator("#only-flagged").uncheck()
    page.locator('input[data-filter="severity"][value="major"]').check()
    assert all(r.is_visible() for r in page.query_selector_all("section.row"))

    shot = tmp_path / "seed.png"
    page.screenshot(path=str(shot))
    assert w.dialogs == [] and w.errors == [] and w.requests == [path.as_uri()]
    w.close()
    assert_not_blank(shot)


def test_browser_without_javascript_shows_everything(browser, tmp_path, seed_result, seed_page):
    path = tmp_path / "seed.html"
    path.write_text(seed_page, encoding="utf-8")
    w = Watched(browser, path, javascript=False)
    assert w.flags_shown() == [True] * len(seed_result.flags)
    assert not w.page.locator("#filters").is_visible()  # controls that would do nothing are hidden
    assert w.errors == []
    w.close()


def test_browser_summary_page(browser, tmp_path):
    path = tmp_path / "summary.html"
    path.write_text(render_summary_html(summary(SUMMARY_ARTICLES)), encoding="utf-8")
    (tmp_path / "a.fr.html").write_text("<!DOCTYPE html><title>a</title>", encoding="utf-8")
    w = Watched(browser, path)
    page = w.page
    assert SCRIPT_PAYLOAD in page.inner_text("table") and IMG_PAYLOAD in page.inner_text("table")
    assert page.evaluate("document.images.length") == 0 and page.evaluate("document.scripts.length") == 0
    shot = tmp_path / "summary.png"
    page.screenshot(path=str(shot))
    page.click("text=corpora/fr/a.fr.txt")
    page.wait_for_url("**/a.fr.html")
    assert w.dialogs == [] and w.errors == []
    w.close()
    assert_not_blank(shot)


def assert_not_blank(png):
    Image = pytest.importorskip("PIL.Image", reason="pillow is not installed")
    with Image.open(png) as im:
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "the screenshot is (nearly) one colour"
    # Severity colours are drawn: the major red of the badges and bars.
    assert any(rgb == (0xC9, 0x3C, 0x12) for _, rgb in colours)
