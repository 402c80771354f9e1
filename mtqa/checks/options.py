"""Reading the settings a check declares.

Every check declares its settings as a frozen dataclass, `Check.Options` (mtqa.checks.base.Options
or a subclass): each field is one setting, with its type, its default and one line of help in
`field(metadata={"help": ...})`; values from a fixed vocabulary are typed `Literal[...]` or an
enum (Severity). A field with `metadata={"config": False}` is data that mtqa itself passes to the
check (the termbase's terms) or that a configuration file must not choose (the program the
grammar check runs): a [checks.NAME] table cannot set it, Python code and build_checks can.
Optional numeric bounds are `metadata={"min": ..., "max": ...}`.

This module is the only reader of those declarations: `settings_of` lists them, `coerce`
validates a value read from a configuration file against one, `check_values` validates the
choices of an Options instance built in Python, and `describe` summarises a check for
`mtqa checks`.
"""

from __future__ import annotations

import dataclasses
import math
import types
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from mtqa.core.flags import SEVERITIES, Severity
from mtqa.errors import InputError

CONFIG_FILE = "mtqa.toml"


@dataclass(frozen=True)
class Setting:
    """One declared setting of a check."""

    name: str
    type: Any                               # the resolved annotation (float, tuple[str, ...], ...)
    default: Any                            # None: not set by default
    help: str
    choices: tuple[str, ...] | None = None  # allowed values (of the value, of each item, of each key)
    config: bool = True                     # settable from a [checks.NAME] table
    minimum: float | None = None
    maximum: float | None = None

    @property
    def type_name(self) -> str:
        return type_name(self.type)


def options_class(obj) -> type:
    """The Options dataclass of a check class or instance (or an Options class itself)."""
    cls = obj if isinstance(obj, type) else type(obj)
    if dataclasses.is_dataclass(cls):
        return cls
    options = getattr(cls, "Options", None)
    if not (isinstance(options, type) and dataclasses.is_dataclass(options)):
        raise TypeError(f"{cls.__qualname__} declares no Options dataclass")
    return options


@lru_cache(maxsize=None)
def _declared(options: type) -> tuple[Setting, ...]:
    hints = get_type_hints(options)
    out = []
    for f in dataclasses.fields(options):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            raise TypeError(f"{options.__qualname__}.{f.name} has no default")
        hint = hints[f.name]
        meta = f.metadata
        out.append(Setting(f.name, hint, default, str(meta.get("help", "")), _choices(hint),
                           bool(meta.get("config", True)), meta.get("min"), meta.get("max")))
    return tuple(out)


def settings_of(check, *, include_data: bool = False) -> list[Setting]:
    """The settings a check (class, instance, or its Options class) declares, in declaration
    order (the base settings first). Without `include_data`, only those a configuration file
    may set."""
    return [s for s in _declared(options_class(check)) if include_data or s.config]


def defaults_of(check) -> dict[str, Any]:
    """{setting: default} of the settings a configuration file may set."""
    return {s.name: s.default for s in settings_of(check)}


# ---------------------------------------------------------------- types


def _optional(hint):
    """`X | None` -> X; anything else unchanged."""
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _is_enum(hint) -> bool:
    return isinstance(hint, type) and issubclass(hint, Enum)


def _value_choices(hint) -> tuple[str, ...] | None:
    hint = _optional(hint)
    if get_origin(hint) is Literal:
        return tuple(get_args(hint))
    if _is_enum(hint):
        return tuple(m.value for m in hint)
    return None


def _sequence_item(hint):
    """tuple[X, ...] -> X, else None."""
    hint = _optional(hint)
    if get_origin(hint) is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
    return None


def _mapping_types(hint):
    """dict[K, V] / Mapping[K, V] -> (K, V), else None."""
    hint = _optional(hint)
    if get_origin(hint) in (dict, Mapping):
        key, value = get_args(hint)
        return key, value
    return None


def _choices(hint) -> tuple[str, ...] | None:
    item = _sequence_item(hint)
    if item is not None:
        return _value_choices(item)
    mapping = _mapping_types(hint)
    if mapping is not None:
        return _value_choices(mapping[0])
    return _value_choices(hint)


def type_name(hint) -> str:
    """A short readable name of a setting's type: "float", "tuple[str, ...]", "severity"."""
    inner = _optional(hint)
    suffix = " | None" if inner is not hint else ""
    if inner is Severity:
        name = "severity"
    elif _is_enum(inner) or get_origin(inner) is Literal:
        name = "choice"
    elif _sequence_item(inner) is not None:
        name = f"tuple[{type_name(_sequence_item(inner))}, ...]"
    elif _mapping_types(inner) is not None:
        key, value = _mapping_types(inner)
        name = f"dict[{type_name(key)}, {type_name(value)}]"
    elif isinstance(inner, type):
        name = inner.__name__
    else:
        name = str(inner)
    return name + suffix


# ---------------------------------------------------------------- values from a configuration file


class _Bad(Exception):
    """A value that does not fit its declaration (the message names the key)."""


def _severity_error(key: str, value) -> _Bad:
    return _Bad(f"{key} = {value!r}: not a severity (use one of {', '.join(SEVERITIES)})")


def _scalar(key: str, hint, value, setting: Setting | None = None):
    """One TOML value checked against a scalar type (bool, int, float, str, Literal, enum)."""
    hint = _optional(hint)
    choices = _value_choices(hint)
    if choices is not None:
        if hint is Severity:
            if value not in SEVERITIES:
                raise _severity_error(key, value)
        elif not isinstance(value, str) or value not in choices:
            raise _Bad(f"{key} = {value!r}: not one of {', '.join(map(str, choices))}")
        return hint(value) if _is_enum(hint) else value
    if hint is bool:
        if not isinstance(value, bool):
            raise _Bad(f"{key} must be true or false, not {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"{key} must be an integer, not {value!r}")
        return _bounded(key, value, value, setting)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Bad(f"{key} must be a number, not {value!r}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise _Bad(f"{key} = {value!r}: not a finite number")
        return _bounded(key, number, value, setting)
    if hint is str:
        if not isinstance(value, str):
            raise _Bad(f"{key} must be a string, not {value!r}")
        return value
    raise TypeError(f"setting {key!r}: no configuration form for type {hint!r}")


def _bounded(key: str, number, given, setting: Setting | None):
    if setting is not None:
        if setting.minimum is not None and number < setting.minimum:
            raise _Bad(f"{key} = {given!r}: must be at least {setting.minimum:g}")
        if setting.maximum is not None and number > setting.maximum:
            raise _Bad(f"{key} = {given!r}: must be at most {setting.maximum:g}")
    return number


def _from_toml(setting: Setting, value, section: str):
    """(value, section of the error) for one setting; raises _Bad."""
    key, hint = setting.name, setting.type
    item = _sequence_item(hint)
    if item is not None:
        if _optional(item) is str or _value_choices(item) is not None:
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise _Bad(f"{key} must be a list of non-empty strings, not {value!r}")
            choices = _value_choices(item)
            for v in value:
                if choices is not None and v not in choices:
                    raise _Bad(f"{key}: unknown value {v!r} (known: {', '.join(map(str, choices))})")
        elif not isinstance(value, list):
            raise _Bad(f"{key} must be a list, not {value!r}")
        return tuple(_scalar(key, item, v) for v in value)
    mapping = _mapping_types(hint)
    if mapping is not None:
        key_type, value_type = mapping
        if not isinstance(value, dict):
            raise _Bad(f"must be a table, not {value!r}", f"{section[:-1]}.{key}]")
        out = {}
        for k, v in value.items():
            choices = _value_choices(key_type)
            if choices is not None and k not in choices:
                raise _Bad(f"{key}: unknown key {k!r} (known: {', '.join(map(str, choices))})")
            out[_scalar(f"{key}.{k}", key_type, k)] = _scalar(f"{key}.{k}", value_type, v)
        return out
    return _scalar(key, hint, value, setting)


def _fail(where: str, section: str, message: str) -> InputError:
    return InputError(f"{where}: {section + ' ' if section else ''}{message}")


def coerce(check_cls, key: str, value, where: str = CONFIG_FILE):
    """`value` (as read from TOML) for setting `key` of a check, checked against its declaration
    and converted (an int for a float, a list for a tuple, a string for an enum member). Anything
    else is an InputError of one line naming `where` and the [checks.NAME] table."""
    section = f"[checks.{check_cls.name}]"
    known = {s.name: s for s in settings_of(check_cls)}
    setting = known.get(key)
    if setting is None:
        data = {s.name: s for s in settings_of(check_cls, include_data=True) if not s.config}
        if key in data:
            raise _fail(where, section, f"{key} cannot be set in a configuration file: {data[key].help}")
        raise _fail(where, section, f"unknown setting {key!r} (known: {', '.join(sorted(known))})")
    try:
        return _from_toml(setting, value, section)
    except _Bad as exc:
        message, *table = exc.args
        raise _fail(where, table[0] if table else section, message) from None


# ---------------------------------------------------------------- values built in Python


def check_values(options: object) -> None:
    """Raise ValueError when a field of an Options instance holds a value outside its declared
    choices (a severity, a rule group, a segment kind). Called by Options.__post_init__."""
    for setting in _declared(type(options)):  # type: ignore[arg-type]  # mypy: classes are not "Hashable" (python/mypy#11470)
        value = getattr(options, setting.name)
        hint = _optional(setting.type)
        if value is None and hint is not setting.type:
            continue
        item, mapping = _sequence_item(hint), _mapping_types(hint)
        if item is not None:
            _within(setting.name, "value", value, _value_choices(item))
        elif mapping is not None:
            _within(setting.name, "key", dict(value), _value_choices(mapping[0]))
            for k, v in dict(value).items():
                _within(f"{setting.name}.{k}", "value", (v,), _value_choices(mapping[1]))
        else:
            _within(setting.name, "value", (value,), _value_choices(hint))


def _within(name: str, what: str, values, choices: tuple[str, ...] | None) -> None:
    if choices is None:
        return
    for v in values:
        if v not in choices:
            raise ValueError(f"{name}: unknown {what} {v!r} (known: {', '.join(map(str, choices))})")


# ---------------------------------------------------------------- mtqa checks


def plain(value):
    """A setting's value as plain JSON/TOML data: enum members as their strings, tuples as lists."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {plain(k): plain(v) for k, v in value.items()}
    return value


def description_of(check_cls) -> str:
    """The first paragraph of a check's docstring, on one line."""
    return " ".join((check_cls.__doc__ or "").strip().split("\n\n")[0].split())


def describe(check_cls) -> dict:
    """What `mtqa checks` shows of a check, as plain data (JSON-ready): its identity (name,
    category, what it needs), its default severity, what it catches, and its settings."""
    settings = settings_of(check_cls)
    severity = next((s.default for s in settings if s.name == "severity"), None)
    return {
        "name": check_cls.name,
        "category": plain(check_cls.category),
        "severity": plain(severity),
        "needs_source": bool(check_cls.needs_source),
        "needs_model": bool(check_cls.needs_model),
        "enabled_by": check_cls.enabled_by or None,
        "summary": (check_cls.__doc__ or "").strip().splitlines()[0] if check_cls.__doc__ else "",
        "description": description_of(check_cls),
        "settings": [{"name": s.name, "type": s.type_name, "default": plain(s.default), "help": s.help,
                      "choices": list(s.choices) if s.choices is not None else None}
                     for s in settings],
    }


__all__ = ["Setting", "check_values", "coerce", "defaults_of", "describe", "description_of", "options_class",
           "plain", "settings_of", "type_name"]
