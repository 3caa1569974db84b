"""Lazy imports of the optional model libraries, raising MissingExtraError when one is absent."""

from __future__ import annotations

import importlib
from types import ModuleType

from indievaluecatalog.errors import MissingExtraError


def require(package: str, extra: str) -> ModuleType:
    """Import ``package`` or raise MissingExtraError naming the extra that installs it."""
    try:
        return importlib.import_module(package)
    except ImportError as error:
        root = package.split(".")[0]
        if error.name is not None and error.name.split(".")[0] != root:
            # The package is installed but one of its own dependencies is broken: show that error.
            raise
        raise MissingExtraError(root, extra) from error
