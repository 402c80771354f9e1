"""Names of a package imported from their modules on first use (PEP 562), so that importing the
package, or one module of it, does not load the others."""

from __future__ import annotations

from typing import Any, Callable, Iterable


def lazy_exports(namespace: dict[str, Any], modules: dict[str, str], names: Iterable[str]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of a package whose `names` live in `modules` (name ->
    module): a name is imported when first asked for, then kept in `namespace` (its globals)."""
    package = namespace["__name__"]
    listed = set(names)

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | listed)

    return __getattr__, __dir__
