"""Project configuration: mtqa.toml, or [tool.mtqa] in pyproject.toml.

`load_config(path, start)` finds and validates the file; `Config` holds plain, checked values;
`Config.build_checks()` and `apply_config()` turn it into checks and into the final flags
(severity overrides and suppressions). Command-line options win over the file: the CLI passes
what it was given and the file fills in the rest. Every mistake in the file is an InputError
of one line naming the file and the table.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from mtqa.checks import REGISTRY, Check, build_checks
from mtqa.checks.options import coerce, defaults_of, describe, settings_of
from mtqa.checks.rules import Rule, compile_pattern
from mtqa.checks.termbase import Term
from mtqa.errors import InputError
from mtqa.core.flags import CATEGORIES, SEVERITIES, Flag, segment_hash, sort_flags

CONFIG_FILE = "mtqa.toml"
PYPROJECT = "pyproject.toml"

MIN_HASH_CHARS = 8  # a shorter line_hash prefix could silence unrelated segments


@dataclass(frozen=True)
class Suppression:
    """A flag the user has reviewed and accepts: kept in reports, marked, never counted."""

    reason: str
    line_hash: str | None = None   # prefix of the flag's segment_hash
    pattern: str | None = None     # regular expression searched in the flagged segment text
    check: str | None = None
    category: str | None = None

    def matches(self, flag: Flag) -> bool:
        return ((self.check is None or flag.check == self.check)
                and (self.category is None or flag.category == self.category)
                and (self.line_hash is None or segment_hash(flag.text).startswith(self.line_hash))
                and (self.pattern is None or pattern_search(self.pattern, flag.text)))


# A suppression pattern is searched with a time bound (the `regex` engine's timeout): a pattern
# such as (a+)+$ cannot hang a run; one that runs out of time is an error naming it.
PATTERN_TIMEOUT_S = 0.25
MAX_PATTERN_CHARS = 1000


def _compile_pattern(pattern: str):
    import regex

    return regex.compile(pattern, regex.VERSION0)


def pattern_search(pattern: str, text: str) -> bool:
    """True when `pattern` occurs in `text`; InputError when the search runs past PATTERN_TIMEOUT_S."""
    try:
        return _compile_pattern(pattern).search(text, timeout=PATTERN_TIMEOUT_S) is not None
    except TimeoutError:
        raise InputError(f"[[suppress]] pattern {pattern!r}: the search took longer than {PATTERN_TIMEOUT_S} s "
                         "on a flagged segment (a catastrophic pattern such as (a+)+$?); simplify it") from None


@dataclass
class Config:
    """Validated configuration. The defaults are mtqa's built-in behaviour."""

    fail_on: str = "major"
    min_severity: str = "info"
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    checks: dict[str, dict] = field(default_factory=dict)     # check name -> {setting: value}
    severity: dict[str, str] = field(default_factory=dict)    # flag category -> severity
    terms: tuple[Term, ...] = ()
    suppress: tuple[Suppression, ...] = ()
    rules: tuple[Rule, ...] = ()
    path: Path | None = field(default=None, compare=False)    # where it was read from; None: built-in

    def check_options(self) -> dict[str, dict]:
        """Options for mtqa.checks.build_checks: the [checks.NAME] settings and the termbase."""
        options = {name: dict(values) for name, values in self.checks.items()}
        if self.terms:
            options.setdefault("termbase", {})["terms"] = self.terms
        if self.rules:
            options.setdefault("rules", {})["rules"] = self.rules
        return options

    def selection(self, enable: list[str] | None = None, disable: list[str] | None = None
                  ) -> tuple[list[str], list[str]]:
        """The checks to enable and disable: --enable replaces the file's `enable`, --disable its
        `disable`, and a check named in --enable is never disabled by the file."""
        chosen = list(enable) if enable else list(self.enable)
        dropped = list(disable) if disable else [d for d in self.disable if d not in (enable or ())]
        return chosen, dropped

    def override(self, *, fail_on: str | None = None, min_severity: str | None = None,
                 enable: list[str] | None = None, disable: list[str] | None = None) -> "Config":
        """This configuration with the command line's options applied (they win over the file)."""
        chosen, dropped = self.selection(enable, disable)
        return replace(self, fail_on=fail_on or self.fail_on, min_severity=min_severity or self.min_severity,
                       enable=tuple(chosen), disable=tuple(dropped))

    def build_checks(self, enable: list[str] | None = None, disable: list[str] | None = None) -> list[Check]:
        """The configured checks, with command-line --enable/--disable taking precedence."""
        chosen, dropped = self.selection(enable, disable)
        try:
            return build_checks(chosen, dropped, self.check_options())
        except ValueError as exc:
            raise InputError(str(exc)) from None

    def check_settings(self) -> dict[str, dict]:
        """Every check's effective settings (declared defaults with this file's values applied)."""
        return {name: {**defaults_of(cls), **self.checks.get(name, {})} for name, cls in REGISTRY.items()}


# ---------------------------------------------------------------- finding and reading


def _home() -> Path | None:
    home = os.environ.get("HOME")
    try:
        return Path(home).resolve() if home else None
    except (OSError, RuntimeError, ValueError):
        return None


def find_config(start: Path) -> Path | None:
    """mtqa.toml, or a pyproject.toml with [tool.mtqa], in `start` or the nearest parent; the
    search stops after a folder holding .git (the repository root) or after $HOME. Outside both
    $HOME and any repository only `start` itself is searched: a mtqa.toml that someone else wrote
    in /tmp or / is not read."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    home = _home()
    inside_home = home is not None and (directory == home or home in directory.parents)
    in_repository = any((folder / ".git").exists() for folder in (directory, *directory.parents))
    for folder in (directory, *directory.parents):
        if not inside_home and not in_repository and folder != directory:
            return None
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (folder / ".git").exists() or (home is not None and folder == home):
            return None
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        raw = pyproject.read_bytes()
    except OSError:
        return False
    if b"mtqa" not in raw:  # another project's pyproject: never parse (nor fail on) it
        return False
    return "mtqa" in _parse(raw, _display(pyproject)).get("tool", {})


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _parse(raw: bytes, where: str) -> dict:
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark (Windows editors write one)
        raw = raw[3:]
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8 text") from None
    except RecursionError:
        raise InputError(f"{where}: invalid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: invalid TOML: {' '.join(str(exc).split())}") from None
    except ValueError as exc:  # e.g. an integer of more than 4 300 digits
        raise InputError(f"{where}: invalid TOML: {' '.join(str(exc).split())[:200]}") from None


def read_config(path: Path) -> Config:
    """Read and validate one configuration file (mtqa.toml, or a pyproject.toml's [tool.mtqa])."""
    where = _display(path)
    if path.is_dir():
        raise InputError(f"{where}: is a directory, not a configuration file")
    if not path.exists():
        raise InputError(f"{where}: configuration file not found")
    from mtqa.readers.text import read_input_bytes

    raw = read_input_bytes(path, expected="a configuration file")  # regular files only, bounded
    data = _parse(raw, where)
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or "mtqa" not in tool:
            raise InputError(f"{where}: no [tool.mtqa] table")
        where, data = f"{where} [tool.mtqa]", tool["mtqa"]
        if not isinstance(data, dict):
            raise InputError(f"{where}: must be a table")
    return replace(parse_config(data, where, path.parent), path=path)


def load_config(path: Path | None, start: Path) -> Config:
    """The configuration for a run: `path` when given (--config), else the file found from
    `start` upwards (find_config), else the built-in defaults."""
    if path is None:
        path = find_config(start)
        if path is None:
            return Config()
    return read_config(path)


# ---------------------------------------------------------------- validation (pure)


def _fail(where: str, section: str, message: str) -> InputError:
    return InputError(f"{where}: {section + ' ' if section else ''}{message}")


def _unknown(where: str, section: str, table: dict, known) -> None:
    for key in table:
        if key not in known:
            raise _fail(where, section, f"unknown setting {key!r} (known: {', '.join(sorted(known))})")


def _severity(where: str, section: str, key: str, value) -> str:
    if value not in SEVERITIES:
        raise _fail(where, section, f"{key} = {value!r}: not a severity (use one of {', '.join(SEVERITIES)})")
    return value


def _strings(where: str, section: str, key: str, value, choices=None, allow_str: bool = False) -> tuple[str, ...]:
    if allow_str and isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, section, f"{key} must be a list of non-empty strings, not {value!r}")
    for v in value:
        if choices is not None and v not in choices:
            raise _fail(where, section, f"{key}: unknown value {v!r} (known: {', '.join(choices)})")
    return tuple(value)


def parse_config(data: dict, where: str = CONFIG_FILE, base: Path | None = None) -> Config:
    """Validate a parsed mtqa table into a Config; `where` names the file in error messages, `base`
    is the folder that [termbase] files are relative to (the configuration file's; default: the
    current folder)."""
    _unknown(where, "", data, ("fail_on", "min_severity", "checks", "severity", "termbase", "suppress", "rules"))
    config = Config()
    if "fail_on" in data:
        config.fail_on = _severity(where, "", "fail_on", data["fail_on"])
    if "min_severity" in data:
        config.min_severity = _severity(where, "", "min_severity", data["min_severity"])
    checks = _table(where, "[checks]", data.get("checks", {}))
    names = tuple(REGISTRY)
    for key, value in checks.items():
        if key in ("enable", "disable"):
            setattr(config, key, _strings(where, "[checks]", key, value, choices=names))
        elif key in REGISTRY:
            config.checks[key] = _check_settings(where, key, _table(where, f"[checks.{key}]", value))
        else:
            raise _fail(where, "[checks]", f"unknown check {key!r} (known: enable, disable, {', '.join(names)})")
    for category, sev in _table(where, "[severity]", data.get("severity", {})).items():
        if category not in CATEGORIES:
            raise _fail(where, "[severity]", f"unknown flag category {category!r} (known: {', '.join(CATEGORIES)})")
        config.severity[category] = _severity(where, "[severity]", repr(category), sev)
    config.terms = _termbase(where, _table(where, "[termbase]", data.get("termbase", {})), base)
    config.suppress = _suppressions(where, data.get("suppress", []))
    config.rules = _rules(where, data.get("rules", []))
    return config


def _rules(where: str, entries) -> tuple[Rule, ...]:
    """[[rules]]: source (optional) and target patterns, must = "match" | "not-match", message,
    severity, category, name. Patterns are compiled here: an invalid one is refused at load."""
    if not isinstance(entries, list):
        raise _fail(where, "[[rules]]", "must be an array of tables ([[rules]])")
    out = []
    for n, entry in enumerate(entries, 1):
        section = f"[[rules]] #{n}"
        entry = _table(where, section, entry)
        _unknown(where, section, entry, ("name", "source", "target", "must", "message", "severity", "category"))
        for key, value in entry.items():
            if not isinstance(value, str):
                raise _fail(where, section, f"{key} must be a string, not {value!r}")
        if not entry.get("target", "").strip():
            raise _fail(where, section, "needs target = \"a regular expression on the translation\"")
        must = entry.get("must", "not-match")
        if must not in ("match", "not-match"):
            raise _fail(where, section, f"must = {must!r}: use \"match\" or \"not-match\"")
        for key in ("source", "target"):
            if entry.get(key):
                problem = compile_pattern(entry[key])
                if problem:
                    raise _fail(where, section, f"{key} {entry[key]!r}: {problem}")
        severity = _severity(where, section, "severity", entry.get("severity", "minor"))
        category = entry.get("category", "style/rule")
        if category not in CATEGORIES:
            raise _fail(where, section, f"unknown flag category {category!r} (known: {', '.join(CATEGORIES)})")
        out.append(Rule(entry["target"], must, entry.get("source", ""), entry.get("message", ""), severity,
                        category, entry.get("name", "")))
    return tuple(out)


def _table(where: str, section: str, value) -> dict:
    if not isinstance(value, dict):
        raise _fail(where, section, f"must be a table, not {value!r}")
    return value


def _check_settings(where: str, name: str, table: dict) -> dict:
    """A [checks.NAME] table validated against the settings the check declares."""
    cls = REGISTRY[name]
    known = {s.name for s in settings_of(cls, include_data=True)}
    for key in table:  # names first: a misspelt key is the likelier mistake
        if key not in known:
            coerce(cls, key, table[key], where)
    return {key: coerce(cls, key, value, where) for key, value in table.items()}


def _termbase(where: str, table: dict, base: Path | None = None) -> tuple[Term, ...]:
    from mtqa.readers.glossary import read_glossary

    _unknown(where, "[termbase]", table, ("terms", "files"))
    files = _strings(where, "[termbase]", "files", table.get("files", []), allow_str=True)
    loaded: list[Term] = []
    for name in files:
        path = Path(name).expanduser()
        if not path.is_absolute():
            path = (base or Path.cwd()) / path
        loaded.extend(read_glossary(path, f"{where}: [termbase] files: {name}"))
    entries = table.get("terms", [])
    if not isinstance(entries, list):
        raise _fail(where, "[termbase]", "terms must be an array of tables ([[termbase.terms]])")
    terms = []
    for n, entry in enumerate(entries, 1):
        section = f"[[termbase.terms]] #{n}"
        entry = _table(where, section, entry)
        _unknown(where, section, entry, ("nb", "fr", "context", "forbidden"))
        nb = entry.get("nb")
        if not isinstance(nb, str) or not nb.strip():
            raise _fail(where, section, "needs nb = \"the Norwegian term\"")
        if "fr" not in entry:
            raise _fail(where, section, f"needs fr = [\"expected French rendering\", ...] for {nb!r}")
        fr = _strings(where, section, "fr", entry["fr"], allow_str=True)
        if not fr:
            raise _fail(where, section, f"fr lists no rendering for {nb!r}")
        context = _strings(where, section, "context", entry.get("context", []), allow_str=True)
        forbidden = _strings(where, section, "forbidden", entry.get("forbidden", []), allow_str=True)
        terms.append(Term(nb.strip(), tuple(r.strip() for r in fr), tuple(c.strip() for c in context),
                          tuple(f.strip() for f in forbidden)))
    return tuple(terms) + tuple(loaded)


def _suppressions(where: str, entries) -> tuple[Suppression, ...]:
    if not isinstance(entries, list):
        raise _fail(where, "[[suppress]]", "must be an array of tables ([[suppress]])")
    out = []
    for n, entry in enumerate(entries, 1):
        section = f"[[suppress]] #{n}"
        entry = _table(where, section, entry)
        _unknown(where, section, entry, ("line_hash", "pattern", "check", "category", "reason"))
        for key, value in entry.items():
            if not isinstance(value, str):
                raise _fail(where, section, f"{key} must be a string, not {value!r}")
        reason = entry.get("reason", "").strip()
        if not reason:
            raise _fail(where, section, "needs a reason (why this flag is accepted)")
        if "line_hash" not in entry and "pattern" not in entry:
            raise _fail(where, section, "needs line_hash (from the flag's segment_hash) or pattern")
        line_hash = entry.get("line_hash")
        if line_hash is not None:
            line_hash = line_hash.strip().lower()
            if not re.fullmatch(rf"[0-9a-f]{{{MIN_HASH_CHARS},64}}", line_hash):
                raise _fail(where, section, f"line_hash {entry['line_hash']!r}: expected {MIN_HASH_CHARS} to 64 "
                                            "hex digits (a flag's segment_hash)")
        pattern = entry.get("pattern")
        if pattern is not None:
            import regex

            if len(pattern) > MAX_PATTERN_CHARS:
                raise _fail(where, section, f"pattern: longer than {MAX_PATTERN_CHARS} characters")
            try:
                re.compile(pattern)  # the syntax users know (Python's re), run by `regex` with a timeout
                _compile_pattern(pattern)
            except (re.error, regex.error, RecursionError, OverflowError) as exc:
                raise _fail(where, section, f"pattern {pattern!r}: invalid regular expression: {exc}") from None
        check, category = entry.get("check"), entry.get("category")
        if check is not None and check not in REGISTRY:
            raise _fail(where, section, f"unknown check {check!r} (known: {', '.join(REGISTRY)})")
        if category is not None and category not in CATEGORIES:
            raise _fail(where, section, f"unknown flag category {category!r} (known: {', '.join(CATEGORIES)})")
        out.append(Suppression(reason, line_hash, pattern, check, category))
    return tuple(out)


# ---------------------------------------------------------------- applying to results (pure)


def apply_to_flags(flags: list[Flag], config: Config) -> list[Flag]:
    """Flags with the [severity] overrides applied, then the first matching [[suppress]] marked."""
    out = []
    for flag in flags:
        severity = config.severity.get(flag.category)
        if severity is not None and severity != flag.severity:
            flag = replace(flag, severity=severity)
        for suppression in config.suppress:
            if suppression.matches(flag):
                flag = replace(flag, suppressed=suppression.reason)
                break
        out.append(flag)
    return sort_flags(out)


def apply_config(result, config: Config):
    """A CheckResult (mtqa.pipeline) with its flags passed through apply_to_flags."""
    if not config.severity and not config.suppress:
        return result
    return replace(result, flags=apply_to_flags(result.flags, config))


# ---------------------------------------------------------------- mtqa init


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


_HEADER = """\
# mtqa configuration. `mtqa check` reads the mtqa.toml of the current folder or of the nearest
# parent (the search stops at the repository root or $HOME), or the file given with --config FILE; the
# same settings can live in pyproject.toml under [tool.mtqa]. Options given on the command line
# win over this file. Every value below is the built-in default: delete a line to follow the
# defaults of future versions. `mtqa checks` lists the checks.

# Exit with status 1 when a flag (not suppressed) reaches this severity: info, minor, major, critical.
fail_on = "major"
# Hide flags below this severity in the text report (the other formats keep every flag).
min_severity = "info"

[checks]
# Run only these checks (empty: every check). --enable replaces this list.
enable = []
# Never run these checks. --disable replaces this list; a check named in --enable always runs.
disable = []
"""

_FOOTER = """
{categories}
[severity]
# "locale/quotation" = "info"

# Termbase: the accepted French renderings of Norwegian terms. A term applies to a source segment
# that contains it as a word or word prefix (kamp, kampen, kamper, kampene), and, when context
# words are given, only if one of them (also as a word prefix) is in that segment or within 3
# source lines of it. The translation is then flagged (check "termbase", category terminology)
# unless it contains one of the renderings (case and accents ignored, word prefix). A forbidden
# French term is flagged (major) wherever it occurs. Glossary files (paths relative to this file):
# TBX (a French term with administrativeStatus deprecatedTerm-admn is forbidden) or CSV with the
# columns nb, fr, context, forbidden (several values in a cell separated by ";").
[termbase]
# files = ["terms.tbx", "terms.csv"]
# [[termbase.terms]]
# nb = "kamp"
# fr = ["combat", "combats"]
# context = ["krig", "soldat", "front"]
# forbidden = ["match"]

# Rules: regular expressions of the project (check "rules"). Where the source matches `source`
# (optional), the translation must match `target` (must = "match") or must not ("not-match").
# Patterns run with a time limit: one that takes too long is stopped and reported.
# [[rules]]
# name = "kamp-combat"
# source = '(?i)\\bkamp'      # a 'literal string': TOML reads "\\b" as a backspace
# target = '\\bmatchs?\\b'
# must = "not-match"
# message = "« match » : ici « combat »"
# severity = "major"

# Suppressions: flags reviewed and accepted. A suppressed flag stays in the reports, marked with
# its reason, but counts neither for the exit status nor in the summary. Name the segment by a
# prefix (8+ hex digits) of the flag's "segment_hash" in the JSON report, or by a regular
# expression searched in the segment text; check and category narrow it; reason is required.
# [[suppress]]
# line_hash = "0123abcd4567ef89"
# check = "named-entity"
# reason = "the outlet publishes under its French name"
#
# [[suppress]]
# pattern = "^Lire aussi"
# category = "non-content/boilerplate"
# reason = "house style keeps the related-article line"
"""


def _comment(text: str) -> str:
    return textwrap.fill(text, 100, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False,
                         break_long_words=False)


def default_config_text() -> str:
    """The commented mtqa.toml that `mtqa init` writes: every setting a check declares, at its
    built-in default, after its help line."""
    parts = [_HEADER]
    for name, cls in REGISTRY.items():
        about = describe(cls)
        needs = [what for what, flag in (("a source", about["needs_source"]), ("a model", about["needs_model"]))
                 if flag]
        text = about["description"] + f" Category: {about['category']}." + (
            f" Needs {' and '.join(needs)}." if needs else "")
        parts.append(f"\n{_comment(text)}\n[checks.{name}]\n")
        for setting in settings_of(cls):
            if setting.default is None:  # TOML has no null: say so, and leave the key out
                parts.append(f"{_comment(setting.help)}\n# {setting.name} = (not set by default)\n")
            else:
                parts.append(f"{_comment(setting.help)}\n{setting.name} = {_toml_value(setting.default)}\n")
    parts.append(_FOOTER.format(categories=_comment(
        "Severity of every flag of a category, whichever check raised it. Categories: " + ", ".join(CATEGORIES))))
    return "".join(parts)


def write_default_config(path: Path, force: bool = False) -> Path:
    """Write default_config_text() to `path` (a folder gets mtqa.toml) atomically; refuse to
    overwrite an existing file unless `force`. Returns the path written."""
    import stat as _stat

    from mtqa.report import write_output

    if str(path) == "-":
        write_output("-", default_config_text())
        return path
    if path.is_dir():
        path = path / CONFIG_FILE
    if path.name == PYPROJECT:
        raise InputError(f"{path}: mtqa init writes its own file; copy its settings into pyproject.toml "
                         "under [tool.mtqa] instead")
    try:
        special = not _stat.S_ISREG(os.stat(path).st_mode)  # a device or FIFO: written in place
    except OSError:
        special = False
    if path.exists() and not force and not special:
        raise InputError(f"{path}: already exists; use --force to overwrite it")
    if not path.parent.exists():
        raise InputError(f"{path.parent}: folder does not exist")
    write_output(path, default_config_text())
    return path


__all__ = ["CONFIG_FILE", "Config", "Suppression", "apply_config", "apply_to_flags", "default_config_text",
           "find_config", "load_config", "parse_config", "read_config", "write_default_config"]
