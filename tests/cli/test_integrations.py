"""mtqa where people already run things: the GitHub Action (action.yml), the pre-commit hook
(.pre-commit-hooks.yaml) and the Python API the README documents, each run as its users run it."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import CORPORA, REPO

BIN = Path(sys.executable).parent  # the environment mtqa is installed in: `mtqa` and `python` on PATH
STEM = "dagbladet-russland-nekter"
CLEAN_NB = ("Regjeringen la fram statsbudsjettet tirsdag.\n"
            "Budsjettet har et underskudd på 12 milliarder kroner.\n")
CLEAN_FR = ("Le gouvernement a présenté le budget de l'État mardi.\n"
            "Le budget affiche un déficit de 12 milliards de couronnes.\n")


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_DEBUG", "MTQA_MODEL")}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.update(extra)
    return env


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def articles_repo(tmp_path) -> tuple[Path, str]:
    """A repository of translated articles: a first commit, then one that adds a flawed article (its
    source beside it), a clean one (its source in ../nb/), a source-only file and a README."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "articles"
    (repo / "old").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "old" / "done.fr.txt").write_text(CLEAN_FR, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    base = git(repo, "rev-parse", "HEAD")
    (repo / "news").mkdir()
    shutil.copy(CORPORA / "fr" / f"{STEM}.fr.txt", repo / "news" / "russland.fr.txt")
    shutil.copy(CORPORA / "nb" / f"{STEM}.nb.txt", repo / "news" / "russland.nb.txt")
    for side, text in (("fr", CLEAN_FR), ("nb", CLEAN_NB)):
        (repo / "desk" / side).mkdir(parents=True)
        (repo / "desk" / side / f"budsjett.{side}.txt").write_text(text, encoding="utf-8")
    (repo / "README.md").write_text("articles\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "second")
    return repo, base


# ---------------------------------------------------------------- the GitHub Action


ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def run_action(repo: Path, work: Path, inputs: dict[str, str], github: dict) -> tuple[int, dict, str]:
    """Run action.yml's steps the way the runner does, here: each `run` step in bash with its `env`
    (expressions resolved from the inputs, the github context and earlier steps' outputs), in the
    repository. `uses` steps (setup-python, upload-sarif) and the pip install are GitHub's part and
    are not run: mtqa is installed here already. Returns (exit status of the first failing step or
    0, the steps' outputs, the log)."""
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update(inputs)
    outputs: dict[str, dict[str, str]] = {}
    context = {"inputs": values, "github": github, "runner": {"temp": str(work)}, "steps": outputs}

    def resolve(text: str) -> str:
        def one(m: re.Match) -> str:
            value = context
            for part in m.group(1).split("."):
                assert re.fullmatch(r"[\w-]+", part), f"unsupported expression in action.yml: {m.group(1)}"
                value = value.get(part, "") if isinstance(value, dict) else ""
            return "" if value is None or isinstance(value, dict) else str(value)
        return EXPRESSION.sub(one, text)

    log = []
    for step in ACTION["runs"]["steps"]:
        if "uses" in step or step.get("id") == "install":
            continue
        assert step["shell"] == "bash" and not EXPRESSION.search(step["run"]), \
            "steps read their inputs from env, never from expressions pasted into the script"
        output_file = work / f"output-{len(log)}"
        output_file.write_text("", encoding="utf-8")
        env = _env(GITHUB_OUTPUT=str(output_file), **{k: resolve(str(v)) for k, v in step.get("env", {}).items()})
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=600)
        log.append(f"## {step['name']}\n{proc.stdout}{proc.stderr}")
        if "id" in step:
            outputs[step["id"]] = {"outputs": dict(line.split("=", 1) for line in
                                                   output_file.read_text(encoding="utf-8").splitlines())}
        if proc.returncode:
            return proc.returncode, outputs, "\n".join(log)
    return 0, outputs, "\n".join(log)


def test_the_action_is_a_composite_action_that_installs_mtqa_from_its_own_path_and_uploads_sarif():
    steps = ACTION["runs"]["steps"]
    assert ACTION["runs"]["using"] == "composite"
    assert steps[0]["uses"].startswith("actions/setup-python@")
    install = next(s for s in steps if s.get("id") == "install")
    assert install["env"]["MTQA_ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install' in install["run"] and '"$MTQA_ACTION_PATH"' in install["run"]
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "${{ inputs.output-dir }}"
    assert upload["if"].startswith("always()")  # uploaded also when mtqa found flags
    assert set(ACTION["inputs"]) >= {"pattern", "base-ref", "command", "fail-on", "args", "output-dir"}


def test_the_package_the_action_installs_carries_every_file_mtqa_reads():
    """The action installs mtqa with `pip install ACTION_PATH`, not editable as the tests do: every
    file of the package that is not Python (data, templates) must be in the package data the
    wheel takes (pyproject.toml [tool.setuptools.package-data])."""
    import tomllib

    setup = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert setup["packages"]["find"]["include"] == ["mtqa*"]
    globs = setup["package-data"]
    files = [p for p in (REPO / "mtqa").rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
             and "__pycache__" not in p.parts]
    assert any(p.parent.name == "data" for p in files) and any(p.parent.name == "templates" for p in files)
    for path in files:
        relative = path.relative_to(REPO)
        package, inside = ".".join(relative.parts[:1]), "/".join(relative.parts[1:])
        assert any(_glob(inside, g) for g in globs.get(package, [])), f"{relative}: not in the wheel"


def _glob(path: str, pattern: str) -> bool:
    """As setuptools' package-data globs match: `*` within one folder (data/* takes no data/a/b)."""
    import fnmatch

    parts, wanted = path.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(fnmatch.fnmatchcase(p, w) for p, w in zip(parts, wanted))


def _sarif_results(folder: Path) -> dict[str, int]:
    schema = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    # Built directly, as tests/report/test_ci_formats.py does (jsonschema.validate would meta-check the schema first).
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    found: dict[str, int] = {}
    for path in sorted(folder.glob("*.sarif")):
        log = json.loads(path.read_text(encoding="utf-8"))
        validator.validate(log)
        for run in log["runs"]:
            for artifact in run.get("artifacts", []):
                found.setdefault(artifact["location"]["uri"], 0)
            for result in run["results"]:
                uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                found[uri] = found.get(uri, 0) + 1
    return found


@pytest.mark.parametrize("command", ["check", "batch"])
def test_the_action_checks_the_changed_articles_writes_sarif_and_fails_on_flags(articles_repo, tmp_path, command):
    repo, base = articles_repo
    work = tmp_path / "runner-temp"
    work.mkdir()
    github = {"action_path": str(REPO), "event": {"pull_request": {"base": {"sha": base}}}}
    status, outputs, log = run_action(repo, work, {"command": command, "args": "--disable grammar"}, github)
    assert status == 1, log  # the flawed article has major flags: the Verdict step fails the job
    assert outputs["changed"]["outputs"]["count"] == "2", log  # not old/done.fr.txt, the .nb.txt or README
    assert outputs["check"]["outputs"]["status"] == "1"
    results = _sarif_results(repo / "mtqa-results")
    # Relative URIs (%SRCROOT%: the checkout), as code scanning needs them.
    assert set(results) >= {"news/russland.fr.txt"}, log
    assert results["news/russland.fr.txt"] > 0
    assert results.get("desk/fr/budsjett.fr.txt", 0) == 0
    assert "old/done.fr.txt" not in results
    if command == "batch":
        summary = json.loads((repo / "mtqa-results" / "summary.json").read_text(encoding="utf-8"))
        rows = {r["target"]: r for r in summary["articles"]}
        assert set(rows) == {"news/russland.fr.txt", "desk/fr/budsjett.fr.txt"}
        assert rows["desk/fr/budsjett.fr.txt"]["source"] == "desk/nb/budsjett.nb.txt"  # found beside it
        assert not (repo / ".mtqa-changed-files.csv").exists()
    else:
        assert "desk/fr/budsjett.fr.txt: pass (source desk/nb/budsjett.nb.txt)" in log


def test_the_action_with_fail_on_never_reports_without_failing_and_without_a_base_checks_every_file(
        articles_repo, tmp_path):
    repo, _ = articles_repo
    work = tmp_path / "runner-temp"
    work.mkdir()
    github = {"action_path": str(REPO), "event": {"before": "0" * 40}}  # a push that created the branch
    status, outputs, log = run_action(repo, work, {"fail-on": "never", "args": "--disable grammar"}, github)
    assert status == 0, log
    assert outputs["changed"]["outputs"]["count"] == "3"  # every tracked article, old/done.fr.txt too
    assert outputs["check"]["outputs"]["status"] == "1"
    assert "flags found (fail-on: never)" in log


def test_the_action_fails_when_a_changed_file_cannot_be_checked(articles_repo, tmp_path):
    repo, base = articles_repo
    (repo / "news" / "broken.fr.txt").write_bytes("Une phrase en Latin-1 : été.\n".encode("latin-1"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "broken")
    work = tmp_path / "runner-temp"
    work.mkdir()
    github = {"action_path": str(REPO), "event": {"pull_request": {"base": {"sha": base}}}}
    status, outputs, log = run_action(repo, work, {"args": "--disable grammar", "fail-on": "never"}, github)
    assert status == 2, log  # an error fails the job even with fail-on: never
    assert "news/broken.fr.txt: error (exit status 2)" in log


# ---------------------------------------------------------------- the pre-commit hook


HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def run_hook(repo: Path, hook: dict, files: list[str], args: list[str] = ()) -> subprocess.CompletedProcess:
    """Run a hook the way pre-commit does: its entry, then its args, then the staged files that its
    `files` pattern matches (pre-commit filters with re.search), in the repository root."""
    pattern = re.compile(hook["files"])
    chosen = [f for f in files if pattern.search(f)] if hook.get("pass_filenames", True) else []
    return subprocess.run([*shlex.split(hook["entry"]), *hook.get("args", []), *args, *chosen], cwd=repo,
                          env=_env(), capture_output=True, text=True, timeout=300)


def test_the_pre_commit_hook_is_a_python_hook_running_mtqa_hook_on_translated_files():
    (hook,) = HOOKS
    assert hook["id"] == "mtqa" and hook["language"] == "python" and hook["entry"] == "mtqa hook"
    pattern = re.compile(hook["files"])
    for name in ("a/story.fr.txt", "story.xlf", "x.xliff", "x.xlf2", "memory.tmx", "fr.po"):
        assert pattern.search(name), name
    for name in ("story.nb.txt", "README.md", "notes.txt", "story.fr.txt.orig"):
        assert not pattern.search(name), name


def test_the_pre_commit_hook_passes_a_clean_article_and_fails_a_flawed_one(articles_repo):
    repo, _ = articles_repo
    (hook,) = HOOKS
    staged = ["desk/fr/budsjett.fr.txt", "desk/nb/budsjett.nb.txt", "README.md"]
    clean = run_hook(repo, hook, staged, ["--disable", "grammar"])
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout == "desk/fr/budsjett.fr.txt: pass (0 flags)\n"
    flawed = run_hook(repo, hook, [*staged, "news/russland.fr.txt", "news/russland.nb.txt"], ["--disable", "grammar"])
    assert flawed.returncode == 1, flawed.stderr
    lines = flawed.stdout.splitlines()
    assert lines[0] == "desk/fr/budsjett.fr.txt: pass (0 flags)"
    assert re.fullmatch(r"news/russland\.fr\.txt: fail \(\d+ flags\)", lines[1])
    assert "source: news/russland.nb.txt" in flawed.stdout  # the text report of the failing file, its source found
    assert "named-entity" in flawed.stdout


def test_the_hook_reports_an_unreadable_file_and_checks_the_others(articles_repo):
    repo, _ = articles_repo
    (repo / "bad.fr.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    proc = run_hook(repo, HOOKS[0], ["bad.fr.txt", "desk/fr/budsjett.fr.txt"], ["--disable", "grammar"])
    assert proc.returncode == 2
    assert proc.stdout.startswith("bad.fr.txt: error: ")
    assert "desk/fr/budsjett.fr.txt: pass (0 flags)" in proc.stdout


# ---------------------------------------------------------------- the Python API


def _python_blocks(heading: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    section = text[start:end if end != -1 else None]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_readme_python_api_snippets_run_and_print_what_they_say():
    blocks = _python_blocks("### Python API")
    assert blocks, "the README's Python API section has python code blocks"
    env = _env(PYTHONPATH=os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    for code in blocks:
        expected = [line.split("# ->", 1)[1].strip() for line in code.splitlines() if "# ->" in line]
        proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
        printed = [line.strip() for line in proc.stdout.splitlines()]
        for want in expected:  # every "# -> value" comment is a line the snippet prints
            assert want in printed, (want, printed)
