"""The rendered help kept between runs (mtqa.cli.helpcache): the same text as Typer renders, no
Typer import when it is kept, a new rendering whenever the terminal, environment or request changes."""

import subprocess
import sys

from mtqa.cli import helpcache

PROBE = ("import atexit, sys; atexit.register(lambda: sys.stderr.write('typer imported: %s' % ('typer' in sys.modules)));"
         "sys.argv = ['mtqa', *sys.argv[1:]]; from mtqa.cli import main; main()")


def _help(tmp_path, *args, env_extra=None):
    import os

    env = {k: v for k, v in os.environ.items() if k != "MTQA_NO_HELP_CACHE"}
    env.update({"MTQA_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "100", **(env_extra or {})})
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120)


def test_kept_help_is_the_rendered_help_without_typer(tmp_path):
    first = _help(tmp_path, "check", "--help")
    second = _help(tmp_path, "check", "--help")
    assert first.returncode == second.returncode == 0
    assert "typer imported: True" in first.stderr
    assert "typer imported: False" in second.stderr
    assert second.stdout == first.stdout and "--fail-on" in first.stdout
    assert len(list((tmp_path / "cache" / "help").glob("*.txt"))) == 1


def test_another_terminal_width_or_request_is_rendered_anew(tmp_path):
    narrow = _help(tmp_path, "--help", env_extra={"COLUMNS": "60"})
    wide = _help(tmp_path, "--help", env_extra={"COLUMNS": "120"})
    assert "typer imported: True" in wide.stderr
    assert max(map(len, narrow.stdout.splitlines())) <= 60 < max(map(len, wide.stdout.splitlines()))
    bare = _help(tmp_path)  # a bare `mtqa` is the root help too
    assert bare.returncode == 0 and "typer imported: True" in bare.stderr


def test_turned_off_or_unwritable_cache_still_prints_help(tmp_path):
    off = _help(tmp_path, "--help", env_extra={"MTQA_NO_HELP_CACHE": "1"})
    assert off.returncode == 0 and "Commands" in off.stdout and not (tmp_path / "cache").exists()
    (tmp_path / "file").write_text("not a folder")
    blocked = _help(tmp_path, "--help", env_extra={"MTQA_CACHE_DIR": str(tmp_path / "file")})
    assert blocked.returncode == 0 and "Commands" in blocked.stdout and not blocked.stderr.startswith("mtqa:")


def test_only_plain_help_requests_are_kept():
    assert helpcache.help_request([]) and helpcache.help_request(["--help"])
    assert helpcache.help_request(["models", "pull", "--help"])
    assert not helpcache.help_request(["check", "story.fr.txt"])  # a run, not help
    assert not helpcache.help_request(["eval", "--flores", "--help"])  # --help is an option's value here
    assert not helpcache.help_request(["check", "../x.fr.txt", "--help"])
    assert helpcache.cache_key(["--help"]) != helpcache.cache_key(["check", "--help"])
