"""Publishing releases against an in-memory Hub: commits, tags, verification and refusals."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from indievaluecatalog.errors import PublishError
from indievaluecatalog.publish import WVS_CONDITIONS, publish_catalog

REPO = "alice/ivc-test"


def test_first_release(catalog_dir: Path, fake_hub: Any) -> None:
    """A first release creates a private repository, one commit with every file, then the tag at that commit."""
    result = publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)

    repo = fake_hub.repos[REPO]
    assert repo.private is True
    assert result.private is True
    assert result.commit == repo.head
    assert repo.tags == {"v1.0.0": result.commit}
    assert [call.split()[0] for call in fake_hub.calls] == [
        "repo_info",
        "create_repo",
        "create_commit",
        "list_repo_tree",
        "create_tag",
    ]
    remote = repo.files(result.commit)
    assert set(remote) - {".gitattributes"} == {f.path for f in result.files}
    assert remote["data/respondents.parquet"] == (catalog_dir / "data" / "respondents.parquet").read_bytes()
    assert result.load_snippet() == f'load_dataset("{REPO}", "respondents", revision="v1.0.0")'


def test_release_card_and_manifest(catalog_dir: Path, fake_hub: Any) -> None:
    """The uploaded card names the version, repository and WVS conditions; the manifest records the release."""
    built_manifest = json.loads((catalog_dir / "manifest.json").read_text(encoding="utf-8"))
    built_card = (catalog_dir / "README.md").read_text(encoding="utf-8")
    result = publish_catalog(catalog_dir, version="1.2.0", repo_id=REPO)

    remote = fake_hub.repos[REPO].files(result.commit)
    card = remote["README.md"].decode()
    assert card.startswith("---\n")
    assert card.index("# IndieValueCatalog") < card.index("## Release") < card.index("## Configs and splits")
    assert "| dataset version | 1.2.0 |" in card
    assert f"| repository | `{REPO}` (private) |" in card
    assert f'load_dataset("{REPO}", "respondents", revision="v1.2.0")' in card
    assert WVS_CONDITIONS in card
    assert f"| codebook version | {built_manifest['codebook']['version']} |" in card
    # Apart from the release section, the card is the one the build wrote.
    release_start = card.index("## Release")
    release_end = card.index("## Configs and splits")
    assert card[:release_start] + card[release_end:] == built_card
    manifest = json.loads(remote["manifest.json"])
    assert manifest["release"] == {"version": "1.2.0", "tag": "v1.2.0", "repo_id": REPO}
    assert manifest["files"]["README.md"] == hashlib.sha256(remote["README.md"]).hexdigest()
    assert {k: v for k, v in manifest.items() if k not in ("release", "files")} == {
        k: v for k, v in built_manifest.items() if k != "files"
    }
    # The built folder itself is left unchanged.
    assert (catalog_dir / "README.md").read_text(encoding="utf-8") == built_card
    assert json.loads((catalog_dir / "manifest.json").read_text(encoding="utf-8")) == built_manifest


def test_second_release(make_catalog: Any, fake_hub: Any, add_file: Any) -> None:
    """A new version makes a second commit and tag; files the new build lacks are deleted from the tree."""
    first_dir = make_catalog("first")
    add_file(first_dir, "reports/extra.csv", b"variable,code\n")
    first = publish_catalog(first_dir, version="1.0.0", repo_id=REPO)
    second = publish_catalog(make_catalog("second", respondents=45), version="1.1.0", repo_id=REPO)

    repo = fake_hub.repos[REPO]
    assert second.commit != first.commit
    assert repo.tags == {"v1.0.0": first.commit, "v1.1.0": second.commit}
    assert "reports/extra.csv" in repo.files(first.commit)
    assert "reports/extra.csv" not in repo.files(second.commit)
    assert (
        repo.files(first.commit)["data/respondents.parquet"]
        != repo.files(second.commit)["data/respondents.parquet"]
    )
    assert fake_hub.calls.count(f"create_repo {REPO} private=True") == 1


def test_existing_tag_rejected_before_upload(catalog_dir: Path, fake_hub: Any) -> None:
    """Reusing a version raises PublishError and uploads nothing."""
    publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)
    commits_before = list(fake_hub.repos[REPO].commits)
    fake_hub.calls.clear()

    with pytest.raises(PublishError) as raised:
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)

    assert "Tag v1.0.0 already exists" in raised.value.message
    assert REPO in raised.value.message
    assert not any(call.startswith(("create_commit", "create_tag")) for call in fake_hub.calls)
    assert fake_hub.repos[REPO].commits == commits_before


def test_failed_upload_leaves_no_tag(catalog_dir: Path, fake_hub: Any) -> None:
    """An upload that fails raises PublishError and creates no tag."""
    fake_hub.fail_commit = True

    with pytest.raises(PublishError) as raised:
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)

    assert "Failed to upload the release" in raised.value.message
    assert "No release tag was created" in raised.value.message
    assert fake_hub.repos[REPO].tags == {}
    assert not any(call.startswith("create_tag") for call in fake_hub.calls)


def test_verification_mismatch_leaves_no_tag(catalog_dir: Path, fake_hub: Any) -> None:
    """Remote files that differ from the local hashes raise an error naming the file and commit, and no tag."""
    fake_hub.corrupt_after_commit = "data/statements.parquet"

    with pytest.raises(PublishError) as raised:
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)

    repo = fake_hub.repos[REPO]
    message = raised.value.message
    assert "Verification failed" in message
    assert repo.head is not None
    assert f"commit {repo.head}" in message
    assert "data/statements.parquet: remote SHA-256" in message
    assert "README.md" not in message
    assert repo.tags == {}


def test_small_file_mismatch_by_blob_id(catalog_dir: Path, fake_hub: Any) -> None:
    """A regular (non-LFS) file that differs is caught through its git blob id."""
    fake_hub.corrupt_after_commit = "reports/coverage.csv"

    with pytest.raises(PublishError, match=r"reports/coverage\.csv: remote git blob"):
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)
    assert fake_hub.repos[REPO].tags == {}


def test_default_repo_from_whoami(catalog_dir: Path, fake_hub: Any) -> None:
    """Without a repository id, the release goes to <user>/indievaluecatalog of the token's user."""
    result = publish_catalog(catalog_dir, version="1.0.0")

    assert result.repo_id == "alice/indievaluecatalog"
    assert "whoami" in fake_hub.calls
    assert "alice/indievaluecatalog" in fake_hub.repos


def test_token_from_environment_used(catalog_dir: Path, fake_hub: Any) -> None:
    """Every Hub call carries the token from HF_TOKEN."""
    publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)
    assert fake_hub.tokens_seen == {"hf_FakeTokenForTestsOnly0123456789abcdef"}


def test_missing_token_raises(catalog_dir: Path, fake_hub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a login or HF_TOKEN, publishing stops before any Hub call with a login hint."""
    monkeypatch.delenv("HF_TOKEN")
    with pytest.raises(PublishError) as raised:
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)
    assert raised.value.hint is not None
    assert "HF_TOKEN" in raised.value.hint
    assert fake_hub.calls == []


def test_public_release_warns(catalog_dir: Path, fake_hub: Any, caplog: pytest.LogCaptureFixture) -> None:
    """A public release creates a public repository and logs the WVS redistribution warning."""
    result = publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO, public=True)

    assert fake_hub.repos[REPO].private is False
    assert result.private is False
    assert any("forbid redistributing" in record.getMessage() for record in caplog.records)


def test_public_existing_repo_rejected(catalog_dir: Path, fake_hub: Any) -> None:
    """A release without --public is refused when the repository is already public, before any upload."""
    fake_hub.add_repo(REPO, private=False)

    with pytest.raises(PublishError, match="is public"):
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)
    assert not any(call.startswith("create_commit") for call in fake_hub.calls)


def test_public_flag_opens_private_repo_after_tag(catalog_dir: Path, fake_hub: Any) -> None:
    """--public on an existing private repository changes visibility only after the tag exists."""
    fake_hub.add_repo(REPO, private=True)

    publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO, public=True)

    assert fake_hub.repos[REPO].private is False
    names = [call.split()[0] for call in fake_hub.calls]
    assert names.index("update_repo_settings") > names.index("create_tag")


def test_incomplete_folder_rejected_before_hub(catalog_dir: Path, fake_hub: Any) -> None:
    """A folder whose files do not match its manifest is rejected without any Hub call."""
    (catalog_dir / "data" / "respondents.parquet").write_bytes(b"truncated")
    with pytest.raises(PublishError, match="not a complete catalog"):
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)
    assert fake_hub.calls == []


@pytest.mark.parametrize("repo_id", ["indievaluecatalog", "a/b/c", "/name", "owner/"])
def test_invalid_repo_id_rejected(catalog_dir: Path, fake_hub: Any, repo_id: str) -> None:
    """A repository id that is not OWNER/NAME is rejected before any Hub call."""
    with pytest.raises(PublishError, match="Invalid repository id"):
        publish_catalog(catalog_dir, version="1.0.0", repo_id=repo_id)
    assert fake_hub.calls == []


def test_stale_parent_commit_rejected(
    catalog_dir: Path, fake_hub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit pushed by someone else between inspection and upload makes the upload fail, with no tag."""
    fake_hub.add_repo(REPO)
    original = fake_hub.list_repo_refs

    def refs_then_push(api: Any, repo_id: str, **kwargs: Any) -> Any:
        refs = original(api, repo_id, **kwargs)
        fake_hub.repos[repo_id].commits.append(("f" * 40, {".gitattributes": b""}))
        return refs

    from huggingface_hub import HfApi

    monkeypatch.setattr(HfApi, "list_repo_refs", refs_then_push)
    with pytest.raises(PublishError, match="412"):
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)
    assert fake_hub.repos[REPO].tags == {}


def test_connection_error_leaves_no_tag(
    catalog_dir: Path, fake_hub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection error during the upload becomes a PublishError, and no tag is created."""
    import httpx2
    from huggingface_hub import HfApi

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise httpx2.ConnectError("connection refused")

    monkeypatch.setattr(HfApi, "create_commit", unreachable)
    with pytest.raises(PublishError, match=r"Failed to upload the release .*connection refused"):
        publish_catalog(catalog_dir, version="1.0.0", repo_id=REPO)
    assert fake_hub.repos[REPO].tags == {}
