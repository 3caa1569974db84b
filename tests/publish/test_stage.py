"""The staged release folder: what would be uploaded, loaded offline with `datasets`."""

from __future__ import annotations

import json
from pathlib import Path

import datasets

from indievaluecatalog.publish import (
    WVS_CONDITIONS,
    ReleaseInfo,
    parse_version,
    stage_release,
    verify_catalog_folder,
)


def test_staged_folder_loads_offline(catalog_dir: Path, tmp_path: Path) -> None:
    """Every config of the folder a release would upload loads with load_dataset, with the built row counts."""
    release = ReleaseInfo(parse_version("1.0.0"), "alice/ivc-test", private=True)
    staged = stage_release(verify_catalog_folder(catalog_dir), release, tmp_path / "release")
    row_counts = staged.manifest["row_counts"]

    for config in ("respondents", "statements"):
        loaded = datasets.load_dataset(str(staged.folder), config, split="train")
        assert loaded.num_rows == row_counts[config]
    respondents = datasets.load_dataset(str(staged.folder), "respondents", split="train")
    assert respondents.num_rows == 40
    assert "respondent_id" in respondents.column_names
    assert "Q1_polar" in respondents.column_names


def test_staging_is_repeatable(catalog_dir: Path, tmp_path: Path) -> None:
    """Staging a staged folder again keeps one release section and the new version."""
    first = ReleaseInfo(parse_version("1.0.0"), "alice/ivc-test", private=True)
    second = ReleaseInfo(parse_version("1.0.1"), "alice/ivc-test", private=True)
    once = stage_release(verify_catalog_folder(catalog_dir), first, tmp_path / "once")
    twice = stage_release(once, second, tmp_path / "twice")

    card = (twice.folder / "README.md").read_text(encoding="utf-8")
    assert card.count("## Release") == 1
    assert card.count("## Licence and conditions of use") == 1
    assert card.count(WVS_CONDITIONS) == 1
    assert "| dataset version | 1.0.1 |" in card
    manifest = json.loads((twice.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["release"]["version"] == "1.0.1"


def test_staging_leaves_build_unchanged(catalog_dir: Path, tmp_path: Path) -> None:
    """The built folder's card and manifest keep their bytes after staging."""
    before = {p: (catalog_dir / p).read_bytes() for p in ("README.md", "manifest.json")}
    release = ReleaseInfo(parse_version("1.0.0"), "alice/ivc-test", private=True)
    stage_release(verify_catalog_folder(catalog_dir), release, tmp_path / "release")

    for name, content in before.items():
        assert (catalog_dir / name).read_bytes() == content
    verify_catalog_folder(catalog_dir)
