"""Write the folder that a release uploads: the built catalog with a release card and a release manifest."""

from __future__ import annotations

import copy
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from indievaluecatalog.publish._card import ReleaseInfo, render_release_card
from indievaluecatalog.publish._local import (
    CARD_NAME,
    MANIFEST_NAME,
    LocalCatalog,
    hash_file,
    verify_catalog_folder,
)

logger = logging.getLogger(__name__)


def stage_release(catalog: LocalCatalog, release: ReleaseInfo, destination: Path) -> LocalCatalog:
    """Write ``catalog`` with the card and manifest of ``release`` into the empty folder ``destination``.

    Data files are hard-linked where the file system allows it and copied otherwise. The card and the manifest
    are new files, so the built folder is never changed. The manifest gains a ``release`` entry and the card's new
    checksum, so the staged folder passes the same completeness check as a fresh build.
    """
    destination.mkdir(parents=True, exist_ok=True)
    for local_file in catalog.files:
        if local_file.path in (CARD_NAME, MANIFEST_NAME):
            continue
        target = destination / local_file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(catalog.folder / local_file.path, target)

    manifest: dict[str, Any] = copy.deepcopy(dict(catalog.manifest))
    files = manifest.pop("files")
    manifest["release"] = release.as_manifest_entry()
    card_path = destination / CARD_NAME
    _write_text(card_path, render_release_card(manifest, release))
    files[CARD_NAME], _ = hash_file(card_path)
    manifest["files"] = files
    _write_text(destination / MANIFEST_NAME, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    logger.info("Staged release %s of %s in %s", release.tag, catalog.folder, destination)
    return verify_catalog_folder(destination)


def _write_text(path: Path, text: str) -> None:
    # The build writes "\n" line ends on every platform; so does the release, so hashes match across systems.
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
