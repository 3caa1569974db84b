"""Progress bars that the command line can switch off."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress_enabled() -> bool:
    """True unless INDIEVALUECATALOG_NO_PROGRESS is set or standard error is not a terminal."""
    if os.environ.get("INDIEVALUECATALOG_NO_PROGRESS", "") not in ("", "0"):
        return False
    return sys.stderr.isatty()


def progress(
    iterable: Iterable[T], *, desc: str, total: int | None = None, enabled: bool | None = None
) -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm bar on standard error when progress bars are enabled."""
    show = progress_enabled() if enabled is None else enabled
    yield from tqdm(iterable, desc=desc, total=total, disable=not show, file=sys.stderr, leave=False)
