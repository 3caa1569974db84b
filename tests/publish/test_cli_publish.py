"""The `indievaluecatalog publish` command: dry run, output, warnings, exit codes and token secrecy."""

from __future__ import annotations

import inspect
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub import HfApi

from indievaluecatalog.cli import main
from indievaluecatalog.errors import PublishError
from indievaluecatalog.publish import publish_catalog, verify_catalog_folder

REPO = "alice/ivc-test"
TOKEN = "hf_FakeTokenForTestsOnly0123456789abcdef"


def run_cli(args: list[str]) -> int:
    """Run the command line in-process and return its exit code."""
    try:
        main(args)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


@pytest.fixture
def hub_that_fails(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every public HfApi method fail the test; return the names of the methods that were called."""
    called: list[str] = []
    for name, _ in inspect.getmembers(HfApi, predicate=inspect.isfunction):
        if name.startswith("_"):
            continue

        def fail(*args: Any, _name: str = name, **kwargs: Any) -> Any:
            called.append(_name)
            raise AssertionError(f"HfApi.{_name} called during a dry run")

        monkeypatch.setattr(HfApi, name, fail)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    return called


def test_dry_run_touches_nothing(
    catalog_dir: Path, hub_that_fails: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run prints every planned operation with file sizes and hashes and calls no Hub method."""
    code = run_cli(["publish", str(catalog_dir), "--repo-id", REPO, "--version", "1.0.0", "--dry-run"])

    out = capsys.readouterr().out
    assert code == 0
    assert hub_that_fails == []
    assert "Dry run: nothing was sent to the Hub" in out
    assert f"check that tag v1.0.0 does not exist in dataset {REPO}" in out
    assert f"create dataset repository {REPO} (private) unless it exists" in out
    assert "in one commit 'Release v1.0.0'" in out
    assert "verify every remote file" in out
    assert "create tag v1.0.0 at the new commit" in out
    parquet = verify_catalog_folder(catalog_dir).file("data/respondents.parquet")
    assert f"add data/respondents.parquet ({parquet.size} bytes, sha256 {parquet.sha256})" in out
    assert "add README.md" in out
    assert "add manifest.json" in out
    assert f'pin the release with: load_dataset("{REPO}", "respondents", revision="v1.0.0")' in out


def test_dry_run_without_repo_id(
    catalog_dir: Path, hub_that_fails: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A dry run without --repo-id names the default repository without asking the Hub who the user is."""
    code = run_cli(["publish", str(catalog_dir), "--version", "1.0.0", "--dry-run"])

    assert code == 0
    assert hub_that_fails == []
    assert "<your Hub user>/indievaluecatalog" in capsys.readouterr().out


def test_dry_run_checks_folder(
    catalog_dir: Path, hub_that_fails: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A dry run of an incomplete folder fails with the publish exit code."""
    (catalog_dir / "data" / "statements.parquet").unlink()
    code = run_cli(["publish", str(catalog_dir), "--repo-id", REPO, "--version", "1.0.0", "--dry-run"])

    err = capsys.readouterr().err
    assert code == PublishError.exit_code
    assert "data/statements.parquet: listed in manifest.json but missing" in err
    assert hub_that_fails == []


def test_dry_run_checks_row_counts(
    catalog_dir: Path, hub_that_fails: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A dry run of a folder whose manifest misstates a row count exits 9 naming config and both numbers."""
    manifest = json.loads((catalog_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["seed"] = 42
    manifest["configs"][0]["splits"][0]["num_rows"] = 5
    (catalog_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    code = run_cli(["publish", str(catalog_dir), "--repo-id", REPO, "--version", "1.0.0", "--dry-run"])

    err = capsys.readouterr().err
    assert code == PublishError.exit_code
    assert f"config {manifest['configs'][0]['name']}, split train: manifest.json gives num_rows 5" in err
    assert hub_that_fails == []


def test_publish_prints_pinned_revision(
    catalog_dir: Path, fake_hub: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A release prints the commit, the tag and the load_dataset line that pins it."""
    code = run_cli(["publish", str(catalog_dir), "--repo-id", REPO, "--version", "1.0.0"])

    out = capsys.readouterr().out
    assert code == 0
    commit = fake_hub.repos[REPO].head
    assert f"commit {commit}, tag v1.0.0" in out
    assert "(private)" in out
    assert f'load_dataset("{REPO}", "respondents", revision="v1.0.0")' in out


def test_public_flag_prints_warning(
    catalog_dir: Path, hub_that_fails: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--public prints that the WVS conditions of use forbid redistributing the data."""
    code = run_cli(
        ["publish", str(catalog_dir), "--repo-id", REPO, "--version", "1.0.0", "--public", "--dry-run"]
    )

    captured = capsys.readouterr()
    assert code == 0
    assert "Warning: Publishing publicly: the WVS conditions of use forbid redistributing" in captured.err
    assert f"create dataset repository {REPO} (public)" in captured.out


def test_bad_version_exit_code(
    catalog_dir: Path, hub_that_fails: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A version that is not semver exits with the publish exit code and a hint."""
    code = run_cli(["publish", str(catalog_dir), "--repo-id", REPO, "--version", "v1.0"])

    err = capsys.readouterr().err
    assert code == PublishError.exit_code
    assert "Invalid release version 'v1.0'" in err
    assert "What to do:" in err
    assert hub_that_fails == []


def test_token_never_printed_by_cli(
    catalog_dir: Path, fake_hub: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Neither the output, the DEBUG log on standard error nor an error message contains the token."""
    assert run_cli(["-vv", "publish", str(catalog_dir), "--repo-id", REPO, "--version", "1.0.0"]) == 0
    assert run_cli(["-vv", "publish", str(catalog_dir), "--repo-id", REPO, "--version", "1.0.0"]) != 0
    fake_hub.fail_commit = True
    assert run_cli(["-vv", "publish", str(catalog_dir), "--repo-id", REPO, "--version", "1.0.1"]) != 0

    captured = capsys.readouterr()
    assert fake_hub.tokens_seen == {TOKEN}
    assert "Tag v1.0.0 already exists" in captured.err
    assert "Failed to upload the release" in captured.err
    assert "INFO indievaluecatalog.publish" in captured.err
    assert TOKEN not in captured.out
    assert TOKEN not in captured.err


def test_token_never_logged(catalog_dir: Path, fake_hub: Any, caplog: pytest.LogCaptureFixture) -> None:
    """The library's log records at DEBUG level, errors included, never contain the token."""
    with caplog.at_level(logging.DEBUG):
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)
        fake_hub.corrupt_after_commit = "README.md"
        with pytest.raises(PublishError) as raised:
            publish_catalog(catalog_dir, version="1.1.0", repo_id=REPO)

    assert fake_hub.tokens_seen == {TOKEN}
    assert caplog.records
    assert TOKEN not in caplog.text
    assert TOKEN not in str(raised.value)
