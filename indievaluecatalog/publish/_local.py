"""Check that a folder is a complete built catalog: every file present and matching manifest.json."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from indievaluecatalog.errors import CatalogNotFoundError, PublishError

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
CARD_NAME = "README.md"
_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class LocalFile:
    """One file of a catalog folder with the hashes that the Hub reports for it."""

    path: str
    """Path relative to the catalog folder, with forward slashes; also the path in the Hub repository."""
    size: int
    """Size in bytes."""
    sha256: str
    """SHA-256 of the content, hex; the Hub reports it as the LFS object id of large files."""
    blob_id: str
    """Git blob id (SHA-1 of ``blob <size>\\0`` and the content); the Hub reports it for every file."""


@dataclass(frozen=True)
class LocalCatalog:
    """A catalog folder whose files all match its manifest."""

    folder: Path
    manifest: Mapping[str, Any]
    files: tuple[LocalFile, ...]
    """Every file of the folder, manifest.json included, sorted by path."""

    def file(self, path: str) -> LocalFile:
        """Return the file at ``path``; raise KeyError when the catalog has none."""
        for local_file in self.files:
            if local_file.path == path:
                return local_file
        raise KeyError(path)

    @property
    def total_bytes(self) -> int:
        """Sum of the sizes of all files."""
        return sum(f.size for f in self.files)


def hash_file(path: Path) -> tuple[str, str]:
    """Return the SHA-256 and the git blob id of the file at ``path``, reading it once."""
    size = path.stat().st_size
    sha256 = hashlib.sha256()
    blob = hashlib.sha1(f"blob {size}\0".encode())
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            sha256.update(chunk)
            blob.update(chunk)
    return sha256.hexdigest(), blob.hexdigest()


def read_manifest(folder: Path) -> dict[str, Any]:
    """Read ``folder/manifest.json``; raise CatalogNotFoundError when it is missing or unreadable."""
    path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise CatalogNotFoundError(
            f"Catalog folder {folder} not found.",
            hint="build one with: indievaluecatalog build WVS_FILE --out DIR",
        )
    if not path.is_file():
        raise CatalogNotFoundError(
            f"{folder} is not a built catalog: {MANIFEST_NAME} is missing.",
            hint="point to the folder that `indievaluecatalog build` wrote, or build one there",
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogNotFoundError(
            f"{path} cannot be read as JSON: {error}.",
            hint="rebuild the catalog with `indievaluecatalog build`",
        ) from error
    if not isinstance(document, dict):
        raise CatalogNotFoundError(
            f"{path} is not a catalog manifest: expected a JSON object.",
            hint="rebuild the catalog with `indievaluecatalog build`",
        )
    return document


def manifest_checksums(manifest: Mapping[str, Any], source: Path) -> dict[str, str]:
    """Return ``manifest["files"]``: the SHA-256 (hex) of every file but the manifest, by relative path.

    Raises PublishError naming ``source`` when the entry is missing or malformed.
    """
    entries = manifest.get("files")
    if isinstance(entries, Mapping) and entries:
        checksums = {path: digest for path, digest in entries.items() if isinstance(digest, str)}
        if len(checksums) == len(entries):
            return {str(path): digest.lower() for path, digest in checksums.items()}
    raise PublishError(
        f"{source} lists no files with their SHA-256 under 'files'.",
        hint="rebuild the catalog with `indievaluecatalog build`, which records every file's SHA-256",
    )


def row_count_problems(folder: Path, manifest: Mapping[str, Any], verified: set[str]) -> list[str]:
    """Compare the row counts in ``manifest`` with the parquet metadata of the files in ``verified``.

    The manifest carries no checksum of its own, so an edited ``num_rows`` or ``row_counts`` would otherwise
    reach the dataset card. Files outside ``verified`` (changed or missing) are reported elsewhere.
    """
    problems: list[str] = []
    row_counts = manifest.get("row_counts")
    configs = manifest.get("configs")
    for config in configs if isinstance(configs, list) else []:
        if not isinstance(config, Mapping):
            continue
        name = config.get("name")
        total: int | None = 0
        for split in config.get("splits") or []:
            relative = split.get("path") if isinstance(split, Mapping) else None
            if not isinstance(relative, str) or relative not in verified:
                total = None
                continue
            try:
                actual = pq.ParquetFile(folder / relative).metadata.num_rows
            except (OSError, pa.ArrowException) as error:
                problems.append(f"{relative}: cannot read the parquet metadata ({error})")
                total = None
                continue
            if total is not None:
                total += actual
            stated = split.get("num_rows")
            if stated != actual:
                problems.append(
                    f"{relative}: config {name}, split {split.get('name')}: {MANIFEST_NAME} gives num_rows "
                    f"{stated}, the parquet file has {actual} rows"
                )
        stated_total = row_counts.get(name) if isinstance(row_counts, Mapping) else None
        if stated_total is not None and total is not None and stated_total != total:
            problems.append(
                f"{MANIFEST_NAME}: row_counts gives {stated_total} rows for config {name}, its parquet files "
                f"have {total}"
            )
    return problems


def verify_catalog_folder(folder: Path) -> LocalCatalog:
    """Check that every file of ``folder`` is listed in its manifest with a matching SHA-256.

    Reports every missing, changed and unlisted file, and every row count of the manifest that differs from the
    parquet metadata, at once in one PublishError, so a partly written, edited or mixed-up folder is never
    published. The manifest itself carries no checksum of its own.
    """
    folder = folder.resolve()
    manifest = read_manifest(folder)
    expected = manifest_checksums(manifest, folder / MANIFEST_NAME)

    present = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() or path.is_symlink()
    )
    files: list[LocalFile] = []
    problems: list[str] = []
    for relative in present:
        path = folder / relative
        if path.is_symlink():
            problems.append(f"{relative}: a symbolic link, not a regular file")
            continue
        sha256, blob_id = hash_file(path)
        files.append(LocalFile(relative, path.stat().st_size, sha256, blob_id))
        if relative == MANIFEST_NAME:
            continue
        if relative not in expected:
            problems.append(f"{relative}: not listed in {MANIFEST_NAME}")
        elif expected[relative] != sha256:
            problems.append(
                f"{relative}: SHA-256 {sha256} differs from {expected[relative]} in {MANIFEST_NAME}"
            )
    for relative in sorted(set(expected) - set(present)):
        problems.append(f"{relative}: listed in {MANIFEST_NAME} but missing")
    verified = {f.path for f in files if f.path in expected and expected[f.path] == f.sha256}
    problems += row_count_problems(folder, manifest, verified)
    if CARD_NAME not in expected:
        problems.append(f"{CARD_NAME}: the dataset card is not listed in {MANIFEST_NAME}")
    if not any(path.startswith("data/") and path.endswith(".parquet") for path in expected):
        problems.append(f"data/*.parquet: {MANIFEST_NAME} lists no data files")

    if problems:
        listing = "\n  ".join(problems)
        raise PublishError(
            f"{folder} is not a complete catalog ({len(problems)} problem(s)):\n  {listing}",
            hint="rebuild the catalog with `indievaluecatalog build` instead of editing its files",
        )
    logger.info("Verified %d files of %s against %s", len(files), folder, MANIFEST_NAME)
    return LocalCatalog(folder=folder, manifest=manifest, files=tuple(files))
