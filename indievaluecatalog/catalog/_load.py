"""Find a built or published catalog and load one of its configs with `datasets`."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from indievaluecatalog.errors import CatalogNotFoundError, IndieValueCatalogError

logger = logging.getLogger(__name__)

SOURCE_ENV = "INDIEVALUECATALOG_SOURCE"
"""Environment variable naming the catalog to load: a folder or a Hub dataset id ``OWNER/NAME``."""
DEFAULT_FOLDER = "indievaluecatalog"
"""Folder in the working directory that ``load_catalog`` tries last."""
MANIFEST_NAME = "manifest.json"

_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
_BUILD_HINT = (
    "build a catalog with `indievaluecatalog build WVS_FILE` in this folder (it writes ./indievaluecatalog), "
    f"pass source=FOLDER or source='OWNER/NAME' (a published release), or set {SOURCE_ENV}"
)


@dataclass(frozen=True)
class CatalogSource:
    """Location of the catalog to load."""

    kind: Literal["folder", "hub"]
    location: str
    """Absolute folder path, or the Hub dataset id ``OWNER/NAME``."""
    origin: str
    """Rule that chose the source: ``argument``, the environment variable, or ``working directory``."""


def resolve_source(source: str | os.PathLike[str] | None = None) -> CatalogSource:
    """Choose the catalog to load: ``source``, else $INDIEVALUECATALOG_SOURCE, else ./indievaluecatalog.

    Raises CatalogNotFoundError when the chosen source is neither a built catalog folder nor a Hub id, or when
    nothing was given and the working directory has no built catalog.
    """
    if source is not None:
        return _parse_source(os.fspath(source), "argument")
    from_env = os.environ.get(SOURCE_ENV, "").strip()
    if from_env:
        return _parse_source(from_env, f"environment variable {SOURCE_ENV}")
    default = Path.cwd() / DEFAULT_FOLDER
    if (default / MANIFEST_NAME).is_file():
        return CatalogSource("folder", str(default), "working directory")
    raise CatalogNotFoundError(
        f"No catalog found: no source given, {SOURCE_ENV} is not set, and {default} is not a built catalog.",
        hint=_BUILD_HINT,
    )


def load_catalog(
    config: str,
    split: str | None = None,
    revision: str | None = None,
    source: str | os.PathLike[str] | None = None,
    **load_kwargs: Any,
) -> Any:
    """Load config ``config`` of the catalog with ``datasets.load_dataset`` and return what it returns.

    The catalog is ``source`` (a folder or a Hub id ``OWNER/NAME``), else $INDIEVALUECATALOG_SOURCE, else
    ``./indievaluecatalog`` when it contains a built catalog. ``revision`` (a release tag such as ``v1.0.0``, a
    branch or a commit) is passed to the Hub; a folder has no revisions, so giving one for a folder is an error.
    ``split`` selects one split (a ``Dataset``); without it a ``DatasetDict`` of every split is returned.
    Further keyword arguments go to ``load_dataset`` unchanged.
    """
    import datasets

    resolved = resolve_source(source)
    if resolved.kind == "folder":
        if revision is not None:
            raise IndieValueCatalogError(
                f"revision={revision!r} was given, but the catalog {resolved.location} is a local folder, "
                "which has no revisions.",
                hint="drop revision=, or load a published release with source='OWNER/NAME'",
            )
        logger.info(
            "Loading config %s of the catalog folder %s (%s)", config, resolved.location, resolved.origin
        )
        return datasets.load_dataset(resolved.location, config, split=split, **load_kwargs)

    logger.info(
        "Loading config %s of Hub dataset %s at revision %s (%s)",
        config,
        resolved.location,
        revision or "main",
        resolved.origin,
    )
    try:
        return datasets.load_dataset(resolved.location, config, split=split, revision=revision, **load_kwargs)
    except datasets.exceptions.DatasetNotFoundError as error:
        raise CatalogNotFoundError(
            f"Hub dataset {resolved.location} (revision {revision or 'main'}) not found or not accessible: {error}",
            hint="check the repository id and revision, and log in with `hf auth login` for a private release",
        ) from error
    except ConnectionError as error:
        # datasets raises ConnectionError when the Hub cannot be reached, offline mode included.
        raise CatalogNotFoundError(
            f"Hub dataset {resolved.location} (revision {revision or 'main'}) cannot be reached: {error}",
            hint="check your network and HF_HUB_OFFLINE, or load a local folder with source=FOLDER",
        ) from error


def _parse_source(text: str, origin: str) -> CatalogSource:
    path = Path(text).expanduser()
    if path.is_dir():
        if not (path / MANIFEST_NAME).is_file():
            raise CatalogNotFoundError(
                f"{path} (from the {origin}) is not a built catalog: {MANIFEST_NAME} is missing.",
                hint=_BUILD_HINT,
            )
        return CatalogSource("folder", str(path.resolve()), origin)
    if _HUB_ID.match(text):
        return CatalogSource("hub", text, origin)
    raise CatalogNotFoundError(
        f"Catalog source {text!r} (from the {origin}) is neither a folder nor a Hub dataset id OWNER/NAME.",
        hint=(
            "a Hub dataset id needs its owner, e.g. 'alice/indievaluecatalog', because the Hub has no "
            f"unowned names and datasets no longer runs loading scripts; otherwise {_BUILD_HINT}"
        ),
    )
