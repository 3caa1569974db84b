"""IndieValueCatalog: World Values Survey wave 7 answers as first-person value statements.

Importing the package loads only its version; ``load_catalog`` and its dependencies (``datasets``) are imported
on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from indievaluecatalog._version import __version__

if TYPE_CHECKING:
    from indievaluecatalog.catalog import load_catalog

__all__ = ["__version__", "load_catalog"]


def __getattr__(name: str) -> Any:
    if name == "load_catalog":
        from indievaluecatalog.catalog import load_catalog

        return load_catalog
    raise AttributeError(f"module 'indievaluecatalog' has no attribute {name!r}")
