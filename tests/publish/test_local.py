"""The local completeness check that runs before anything is sent to the Hub."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from indievaluecatalog.errors import CatalogNotFoundError, PublishError
from indievaluecatalog.publish import verify_catalog_folder


def test_complete_catalog_passes(catalog_dir: Path) -> None:
    """A freshly written catalog verifies, with correct hashes and sizes for every file."""
    catalog = verify_catalog_folder(catalog_dir)
    paths = [f.path for f in catalog.files]
    assert paths == sorted(paths)
    assert "manifest.json" in paths
    assert "data/respondents.parquet" in paths
    card = catalog.file("README.md")
    content = (catalog_dir / "README.md").read_bytes()
    assert card.sha256 == hashlib.sha256(content).hexdigest()
    assert card.blob_id == hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()
    assert card.size == len(content)


def test_missing_folder_raises(tmp_path: Path) -> None:
    """A folder that does not exist raises CatalogNotFoundError naming it."""
    with pytest.raises(CatalogNotFoundError, match="not found"):
        verify_catalog_folder(tmp_path / "absent")


def test_missing_manifest_raises(catalog_dir: Path) -> None:
    """A folder without manifest.json is not a built catalog."""
    (catalog_dir / "manifest.json").unlink()
    with pytest.raises(CatalogNotFoundError, match=r"manifest\.json is missing"):
        verify_catalog_folder(catalog_dir)


def test_invalid_manifest_json_raises(catalog_dir: Path) -> None:
    """A manifest that is not JSON raises CatalogNotFoundError naming the file."""
    (catalog_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogNotFoundError, match="cannot be read as JSON"):
        verify_catalog_folder(catalog_dir)


@pytest.mark.parametrize(
    "files",
    [None, {}, [], {"README.md": {"sha256": "0" * 64}}, {"README.md": 5}],
    ids=["absent", "empty", "list", "nested", "number"],
)
def test_manifest_without_checksums_raises(catalog_dir: Path, files: object) -> None:
    """A manifest whose 'files' is not a path-to-SHA-256 mapping cannot vouch for the folder."""
    manifest = json.loads((catalog_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = files
    (catalog_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PublishError, match="lists no files"):
        verify_catalog_folder(catalog_dir)


def test_manifest_not_object_raises(catalog_dir: Path) -> None:
    """A manifest that is JSON but not an object raises CatalogNotFoundError."""
    (catalog_dir / "manifest.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CatalogNotFoundError, match="expected a JSON object"):
        verify_catalog_folder(catalog_dir)


def test_every_problem_reported_at_once(catalog_dir: Path) -> None:
    """A changed, a missing and an unlisted file are all named in one error."""
    (catalog_dir / "data" / "statements.parquet").write_bytes(b"changed")
    (catalog_dir / "reports" / "coverage.csv").unlink()
    (catalog_dir / "notes.txt").write_text("scratch", encoding="utf-8")
    with pytest.raises(PublishError) as raised:
        verify_catalog_folder(catalog_dir)
    message = raised.value.message
    assert "3 problem(s)" in message
    assert "data/statements.parquet: SHA-256" in message
    assert "reports/coverage.csv: listed in manifest.json but missing" in message
    assert "notes.txt: not listed in manifest.json" in message


def test_symlink_rejected(catalog_dir: Path, tmp_path: Path) -> None:
    """A symbolic link inside the catalog is reported instead of being followed."""
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    (catalog_dir / "link.txt").symlink_to(outside)
    with pytest.raises(PublishError, match=r"link\.txt: a symbolic link"):
        verify_catalog_folder(catalog_dir)


def test_manifest_row_counts_checked(catalog_dir: Path) -> None:
    """An edited num_rows and row_counts in the manifest are named with both numbers."""
    manifest = json.loads((catalog_dir / "manifest.json").read_text(encoding="utf-8"))
    config = next(c for c in manifest["configs"] if c["name"] == "respondents")
    actual = config["splits"][0]["num_rows"]
    config["splits"][0]["num_rows"] = 5
    manifest["row_counts"]["statements"] = 7
    (catalog_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PublishError) as raised:
        verify_catalog_folder(catalog_dir)
    message = raised.value.message
    assert "2 problem(s)" in message
    assert (
        f"data/respondents.parquet: config respondents, split train: manifest.json gives num_rows 5, "
        f"the parquet file has {actual} rows"
    ) in message
    assert "row_counts gives 7 rows for config statements, its parquet files have 1496" in message


def test_unreadable_parquet_metadata_reported(
    catalog_dir: Path, add_file: Callable[[Path, str, bytes], None]
) -> None:
    """A listed parquet file whose metadata cannot be read is a problem, not a crash."""
    add_file(catalog_dir, "data/extra.parquet", b"not parquet")
    manifest = json.loads((catalog_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["configs"].append(
        {"name": "extra", "splits": [{"name": "train", "path": "data/extra.parquet", "num_rows": 1}]}
    )
    (catalog_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PublishError, match=r"data/extra\.parquet: cannot read the parquet metadata"):
        verify_catalog_folder(catalog_dir)
