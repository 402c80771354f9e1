"""`mtqa checks`: list the checks with their category, default severity and what they catch."""

from __future__ import annotations

from mtqa.errors import EXIT_OK


def list_checks() -> int:
    """List the checks with their category, default severity and what they catch."""
    from mtqa.checks import REGISTRY

    for name, cls in REGISTRY.items():
        check = cls()
        needs = " (needs source)" if check.needs_source else ""
        print(f"{name:16} {check.category:26} {check.severity:6} {check.description}{needs}")
    return EXIT_OK
