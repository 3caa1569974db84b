"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])


def codebook_option(help_text: str) -> Callable[[CommandFunction], CommandFunction]:
    """Return the ``--codebook FILE`` option, read from INDIEVALUECATALOG_CODEBOOK when not given."""
    return click.option(
        "--codebook",
        "codebook_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="INDIEVALUECATALOG_CODEBOOK",
        default=None,
        help=f"{help_text} (environment: INDIEVALUECATALOG_CODEBOOK). Default: the codebook shipped with the package.",
    )
