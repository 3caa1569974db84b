"""Fixtures for publishing: a synthetic catalog folder and an in-memory Hugging Face Hub."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx2  # huggingface_hub 2.x wraps an httpx2 response in every HTTP error it raises
import pytest
from huggingface_hub import CommitInfo, CommitOperationAdd, CommitOperationDelete, HfApi, RepoFile
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.hf_api import GitRefInfo, GitRefs

from indievaluecatalog.convert import BuildOptions, build_catalog
from indievaluecatalog.sample import write_sample

SAMPLE_SIZES = (40, 45)
"""Respondents of the two synthetic catalogs that the session builds, so two releases can differ."""


@pytest.fixture(scope="session")
def built_catalogs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Build one catalog per sample size from synthetic WVS-7 files with the real build, once per session."""
    root = tmp_path_factory.mktemp("builds")
    catalogs = {}
    for respondents in SAMPLE_SIZES:
        sample = write_sample(root / f"sample-{respondents}.csv", respondents=respondents, seed=respondents)
        catalogs[respondents] = build_catalog(sample, BuildOptions(out=root / f"catalog-{respondents}")).out
    return catalogs


@pytest.fixture
def make_catalog(tmp_path: Path, built_catalogs: dict[int, Path]) -> Callable[..., Path]:
    """Return a function that copies a built catalog into a new folder of the test."""

    def make(name: str, *, respondents: int = SAMPLE_SIZES[0]) -> Path:
        return Path(shutil.copytree(built_catalogs[respondents], tmp_path / name))

    return make


@pytest.fixture
def catalog_dir(make_catalog: Callable[..., Path]) -> Path:
    """A complete catalog folder, built from a synthetic sample, that the test may change."""
    return make_catalog("catalog")


def add_catalog_file(folder: Path, relative: str, content: bytes) -> None:
    """Write a file into a catalog and record its SHA-256 in the manifest, as a build that wrote it would."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][relative] = hashlib.sha256(content).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


@pytest.fixture
def add_file() -> Callable[[Path, str, bytes], None]:
    """Return the function that adds a file, listed in the manifest, to a catalog folder."""
    return add_catalog_file


def _http_error(kind: type[HfHubHTTPError], status: int, message: str) -> HfHubHTTPError:
    request = httpx2.Request("POST", "https://hub.invalid/api/datasets/fake")
    return kind(message, response=httpx2.Response(status, request=request))


def _blob_id(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


@dataclass
class FakeRepo:
    """A dataset repository of the fake Hub."""

    private: bool
    commits: list[tuple[str, dict[str, bytes]]] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def head(self) -> str | None:
        return self.commits[-1][0] if self.commits else None

    def files(self, revision: str) -> dict[str, bytes]:
        for oid, files in self.commits:
            if oid == revision or (revision == "main" and oid == self.head):
                return files
        raise KeyError(revision)


class FakeHub:
    """In-memory stand-in for the HfApi methods that publishing uses; records every call."""

    def __init__(self, user: str = "alice") -> None:
        self.user = user
        self.repos: dict[str, FakeRepo] = {}
        self.calls: list[str] = []
        self.tokens_seen: set[str | None] = set()
        self.fail_commit = False
        self.corrupt_after_commit: str | None = None

    def add_repo(
        self, repo_id: str, *, private: bool = True, files: dict[str, bytes] | None = None
    ) -> FakeRepo:
        repo = FakeRepo(private=private)
        repo.commits.append(("0" * 40, {".gitattributes": b"*.parquet filter=lfs\n", **(files or {})}))
        self.repos[repo_id] = repo
        return repo

    # HfApi methods; `api` is the HfApi instance they are called on.
    def whoami(self, api: HfApi, token: Any = None, **_: Any) -> dict[str, Any]:
        self._record(api, "whoami")
        return {"name": self.user, "type": "user"}

    def repo_info(self, api: HfApi, repo_id: str, **_: Any) -> Any:
        self._record(api, f"repo_info {repo_id}")
        if repo_id not in self.repos:
            raise _http_error(RepositoryNotFoundError, 404, f"Repository Not Found for url: {repo_id}")
        return SimpleNamespace(id=repo_id, private=self.repos[repo_id].private)

    def create_repo(self, api: HfApi, repo_id: str, *, private: bool | None = None, **_: Any) -> str:
        self._record(api, f"create_repo {repo_id} private={private}")
        if repo_id not in self.repos:
            self.add_repo(repo_id, private=bool(private))
        return f"https://hub.invalid/datasets/{repo_id}"

    def list_repo_refs(self, api: HfApi, repo_id: str, **_: Any) -> GitRefs:
        self._record(api, f"list_repo_refs {repo_id}")
        repo = self.repos[repo_id]
        branches = (
            [GitRefInfo(name="main", ref="refs/heads/main", target_commit=repo.head)] if repo.head else []
        )
        tags = [
            GitRefInfo(name=tag, ref=f"refs/tags/{tag}", target_commit=oid) for tag, oid in repo.tags.items()
        ]
        return GitRefs(branches=branches, converts=[], tags=tags)

    def list_repo_tree(
        self, api: HfApi, repo_id: str, *, revision: str = "main", **_: Any
    ) -> Iterator[RepoFile]:
        self._record(api, f"list_repo_tree {repo_id}@{revision}")
        for path, content in sorted(self.repos[repo_id].files(revision).items()):
            entry: dict[str, Any] = {"path": path, "size": len(content), "oid": _blob_id(content)}
            if path.endswith(".parquet"):
                pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{hashlib.sha256(content).hexdigest()}\n"
                entry["oid"] = _blob_id(pointer.encode())
                entry["lfs"] = {
                    "size": len(content),
                    "oid": hashlib.sha256(content).hexdigest(),
                    "pointerSize": 120,
                }
            yield RepoFile(**entry)

    def create_commit(
        self,
        api: HfApi,
        repo_id: str,
        operations: list[Any],
        *,
        commit_message: str,
        parent_commit: str | None = None,
        **_: Any,
    ) -> CommitInfo:
        self._record(api, f"create_commit {repo_id} {commit_message}")
        repo = self.repos[repo_id]
        if self.fail_commit:
            raise _http_error(HfHubHTTPError, 500, "500 Server Error: upload interrupted")
        if parent_commit is not None and parent_commit != repo.head:
            raise _http_error(HfHubHTTPError, 412, "412 Precondition Failed: parent commit is not the head")
        files = dict(repo.files("main"))
        for operation in operations:
            if isinstance(operation, CommitOperationAdd):
                files[operation.path_in_repo] = Path(operation.path_or_fileobj).read_bytes()
            elif isinstance(operation, CommitOperationDelete):
                del files[operation.path_in_repo]
        if self.corrupt_after_commit is not None:
            files[self.corrupt_after_commit] = files[self.corrupt_after_commit] + b"corrupted"
        oid = hashlib.sha1(f"{repo_id}:{len(repo.commits)}:{commit_message}".encode()).hexdigest()
        repo.commits.append((oid, files))
        return CommitInfo(
            commit_url=f"https://huggingface.co/datasets/{repo_id}/commit/{oid}",
            commit_message=commit_message,
            commit_description="",
            oid=oid,
        )

    def create_tag(
        self, api: HfApi, repo_id: str, *, tag: str, revision: str | None = None, **_: Any
    ) -> None:
        self._record(api, f"create_tag {repo_id} {tag}@{revision}")
        repo = self.repos[repo_id]
        if tag in repo.tags:
            raise _http_error(HfHubHTTPError, 409, f"409 Conflict: tag {tag} exists")
        repo.tags[tag] = revision or repo.head or ""

    def update_repo_settings(
        self, api: HfApi, repo_id: str, *, private: bool | None = None, **_: Any
    ) -> None:
        self._record(api, f"update_repo_settings {repo_id} private={private}")
        if private is not None:
            self.repos[repo_id].private = private

    def _record(self, api: HfApi, call: str) -> None:
        self.calls.append(call)
        self.tokens_seen.add(api.token if isinstance(api.token, str) else None)


HUB_METHODS = (
    "whoami",
    "repo_info",
    "create_repo",
    "list_repo_refs",
    "list_repo_tree",
    "create_commit",
    "create_tag",
    "update_repo_settings",
)


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    """Replace the HfApi methods that publishing calls with an in-memory Hub; set a token in HF_TOKEN."""
    hub = FakeHub()
    for name in HUB_METHODS:
        method = getattr(hub, name)
        monkeypatch.setattr(
            HfApi, name, lambda api, *args, _method=method, **kwargs: _method(api, *args, **kwargs)
        )
    monkeypatch.setenv("HF_TOKEN", "hf_FakeTokenForTestsOnly0123456789abcdef")
    return hub


@pytest.fixture(autouse=True)
def restore_root_logging() -> Iterator[None]:
    """Undo the logging set-up of in-process CLI runs, whose handlers write to streams that pytest closes."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
