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

    Data files are hard-linked where the file system allows it and copied otherwise; the card and the manifest
    are new files, so the built folder is never changed. The manifest's ``release`` entry and its checksum of
    the card are updated, so the staged folder passes the same completeness check as a fresh build.
    """
    destination.mkdir(parents=True, exist_ok=True)
    for local_file in catalog.files:
        if local_file.path in (CARD_NAME, MANIFEST_NAME):
            continue
        target = destination / local_file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(catalog.folder / local_file.path, target)

    manifest: dict[str, Any] = copy.deepcopy(dict(catalog.manifest))
    manifest["release"] = release.as_manifest_entry()
    card_path = destination / CARD_NAME
    card_path.write_text(render_release_card(catalog, manifest, release), encoding="utf-8")
    card_sha256, _ = hash_file(card_path)
    manifest["files"][CARD_NAME]["sha256"] = card_sha256
    if "bytes" in manifest["files"][CARD_NAME]:
        manifest["files"][CARD_NAME]["bytes"] = card_path.stat().st_size
    (destination / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    logger.info("Staged release %s of %s in %s", release.tag, catalog.folder, destination)
    return verify_catalog_folder(destination)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
