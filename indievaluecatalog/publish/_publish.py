"""Publish a built catalog to the Hugging Face Hub as one verified, tagged commit."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, RepoFile, get_token
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

from indievaluecatalog.errors import PublishError
from indievaluecatalog.publish._card import PUBLIC_WARNING, ReleaseInfo
from indievaluecatalog.publish._local import LocalCatalog, LocalFile, verify_catalog_folder
from indievaluecatalog.publish._remote import HUB_MANAGED_FILES, verify_remote_commit
from indievaluecatalog.publish._stage import stage_release
from indievaluecatalog.publish._version import ReleaseVersion, parse_version, version_from_tag

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_REPO_NAME = "indievaluecatalog"
"""Repository name used under the logged-in user when no repository id is given."""

_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
# huggingface_hub derives HfHubHTTPError from the base error of its HTTP library (httpx2.HTTPError in 2.x), which
# is also the base of connection and timeout errors. OSError covers offline mode and unreadable files.
_HUB_ERRORS: tuple[type[Exception], ...] = (OSError, *HfHubHTTPError.__bases__)


@dataclass(frozen=True)
class PublishResult:
    """Outcome of a release, or the plan of a dry run."""

    repo_id: str
    version: ReleaseVersion
    commit: str | None
    """Commit id of the release on the Hub; None for a dry run."""
    private: bool
    dry_run: bool
    files: tuple[LocalFile, ...]
    """Files of the release as uploaded (or as a dry run would upload them)."""
    operations: tuple[str, ...]
    """The remote operations, in order: planned for a dry run, performed otherwise."""

    @property
    def tag(self) -> str:
        """Git tag of the release, e.g. ``v1.0.0``."""
        return self.version.tag

    def load_snippet(self, config: str = "respondents") -> str:
        """Return the line of Python that loads this release, pinned to its tag."""
        return f'load_dataset("{self.repo_id}", "{config}", revision="{self.tag}")'


@dataclass(frozen=True)
class _RemoteState:
    exists: bool
    private: bool
    tags: tuple[str, ...]
    head: str | None
    """Commit of the ``main`` branch; None for a repository without commits."""
    paths: tuple[str, ...]
    """Files at ``head``."""


def publish_catalog(
    folder: Path | str,
    *,
    version: str,
    repo_id: str | None = None,
    public: bool = False,
    dry_run: bool = False,
    token: str | None = None,
    api: HfApi | None = None,
) -> PublishResult:
    """Upload the catalog in ``folder`` to a Hub dataset repository in one commit and tag it ``v<version>``.

    Before anything remote, the folder must be a complete catalog (every file's SHA-256 matches manifest.json)
    and ``version`` a semantic version whose tag does not exist yet. The repository is created private unless
    ``public``. After the upload, the remote files are compared with the local SHA-256 sums, and only a match
    creates the tag. A failed upload or a mismatch raises PublishError and leaves no tag. ``dry_run`` checks the
    folder, stages the release locally and returns the planned operations without contacting the Hub.

    The token comes from ``token``, else the standard Hub login or ``HF_TOKEN``; it is never logged.
    """
    release_version = parse_version(version)
    if repo_id is not None and not _REPO_ID.match(repo_id):
        raise PublishError(
            f"Invalid repository id {repo_id!r}: expected OWNER/NAME.",
            hint="pass --repo-id with your Hub user or organisation, e.g. --repo-id alice/indievaluecatalog",
        )
    catalog = verify_catalog_folder(Path(folder))
    if public:
        logger.warning(PUBLIC_WARNING)

    if dry_run:
        target = repo_id or f"<your Hub user>/{DEFAULT_REPO_NAME}"
        release = ReleaseInfo(release_version, target, private=not public)
        with tempfile.TemporaryDirectory(prefix="indievaluecatalog-release-") as scratch:
            staged = stage_release(catalog, release, Path(scratch) / "release")
        operations = _plan(staged, release, state=None, public=public)
        return PublishResult(target, release_version, None, not public, True, staged.files, operations)

    hub = api if api is not None else HfApi(token=token or _require_token())
    if repo_id is None:
        repo_id = f"{_hub_user(hub)}/{DEFAULT_REPO_NAME}"
    state = _remote_state(hub, repo_id)
    _check_release_allowed(state, repo_id, release_version, public)
    private = state.private if state.exists else not public
    release = ReleaseInfo(release_version, repo_id, private=private)

    with tempfile.TemporaryDirectory(prefix="indievaluecatalog-release-") as scratch:
        staged = stage_release(catalog, release, Path(scratch) / "release")
        operations = _plan(staged, release, state=state, public=public)
        if not state.exists:
            _call_hub(
                "create the dataset repository",
                repo_id,
                hub.create_repo,
                repo_id,
                repo_type="dataset",
                private=not public,
                exist_ok=True,
            )
            logger.info("Created dataset repository %s (%s)", repo_id, "private" if not public else "public")
        commit = _upload(hub, repo_id, staged, release, state)
        verify_remote_commit(hub, repo_id, commit, staged)
        _call_hub(
            f"create tag {release.tag} at commit {commit}",
            repo_id,
            hub.create_tag,
            repo_id,
            tag=release.tag,
            revision=commit,
            tag_message=f"Release {release.version}",
            repo_type="dataset",
        )
        logger.info("Tagged commit %s of %s as %s", commit, repo_id, release.tag)
        if public and state.exists and state.private:
            private = _make_public(hub, repo_id, release)
        return PublishResult(repo_id, release_version, commit, private, False, staged.files, operations)


def _make_public(hub: HfApi, repo_id: str, release: ReleaseInfo) -> bool:
    """Make the repository public after the release is tagged; return whether it stays private."""
    try:
        hub.update_repo_settings(repo_id, private=False, repo_type="dataset")
    except _HUB_ERRORS as error:
        raise PublishError(
            f"Release {release.tag} of dataset {repo_id} is published and tagged, but making the repository "
            f"public failed: {error}.",
            hint="change the visibility in the repository settings on the Hub",
        ) from error
    logger.info("Made dataset repository %s public", repo_id)
    return False


def _require_token() -> str:
    token = get_token()
    if not token:
        raise PublishError(
            "No Hugging Face token found: publishing needs a token with write access.",
            hint="log in with `hf auth login`, or set the HF_TOKEN environment variable",
        )
    return token


def _hub_user(hub: HfApi) -> str:
    identity = _call_hub("find the logged-in user (whoami)", "the Hub", hub.whoami)
    name = identity.get("name") if isinstance(identity, dict) else None
    if not isinstance(name, str) or not name:
        raise PublishError(
            "The Hub did not return a user name for this token.",
            hint="pass --repo-id OWNER/NAME explicitly",
        )
    return name


def _remote_state(hub: HfApi, repo_id: str) -> _RemoteState:
    try:
        info = hub.repo_info(repo_id, repo_type="dataset")
    except RepositoryNotFoundError:
        return _RemoteState(exists=False, private=True, tags=(), head=None, paths=())
    except _HUB_ERRORS as error:
        raise _hub_error("read the dataset repository", repo_id, error) from error
    refs = _call_hub("list tags and branches", repo_id, hub.list_repo_refs, repo_id, repo_type="dataset")
    tags = tuple(ref.name for ref in refs.tags)
    head = next((ref.target_commit for ref in refs.branches if ref.name == "main"), None)
    paths: tuple[str, ...] = ()
    if head is not None:
        entries = _call_hub(
            "list files",
            repo_id,
            hub.list_repo_tree,
            repo_id,
            recursive=True,
            revision=head,
            repo_type="dataset",
        )
        paths = tuple(sorted(entry.path for entry in entries if isinstance(entry, RepoFile)))
    return _RemoteState(exists=True, private=bool(info.private), tags=tags, head=head, paths=paths)


def _check_release_allowed(state: _RemoteState, repo_id: str, version: ReleaseVersion, public: bool) -> None:
    if version.tag in state.tags:
        raise PublishError(
            f"Tag {version.tag} already exists in dataset {repo_id}; a published version is never replaced.",
            hint="publish the changed catalog under a new version (see docs/publishing.md for which part to bump)",
        )
    if state.exists and not state.private and not public:
        raise PublishError(
            f"Dataset {repo_id} is public, but this release was not requested as public.",
            hint="make the repository private on the Hub, or pass --public if you may redistribute the WVS data",
        )
    released = [v for v in (version_from_tag(tag) for tag in state.tags) if v is not None]
    newest = max(released, key=ReleaseVersion.sort_key, default=None)
    if newest is not None and version.sort_key() < newest.sort_key():
        logger.warning("Version %s is older than the newest release %s of %s", version, newest, repo_id)


def _upload(hub: HfApi, repo_id: str, staged: LocalCatalog, release: ReleaseInfo, state: _RemoteState) -> str:
    release_paths = {f.path for f in staged.files}
    stale = [p for p in state.paths if p not in release_paths and p not in HUB_MANAGED_FILES]
    operations: list[CommitOperationAdd | CommitOperationDelete] = [
        CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(staged.folder / f.path))
        for f in staged.files
    ]
    operations += [CommitOperationDelete(path_in_repo=path) for path in stale]
    logger.info("Uploading %d files (%d bytes) to %s", len(staged.files), staged.total_bytes, repo_id)
    info = _call_hub(
        "upload the release",
        repo_id,
        hub.create_commit,
        repo_id,
        operations,
        commit_message=f"Release {release.tag}",
        commit_description=f"IndieValueCatalog dataset version {release.version}.",
        repo_type="dataset",
        parent_commit=state.head,
    )
    logger.info("Uploaded release %s to %s as commit %s", release.tag, repo_id, info.oid)
    return str(info.oid)


def _plan(
    staged: LocalCatalog, release: ReleaseInfo, *, state: _RemoteState | None, public: bool
) -> tuple[str, ...]:
    visibility = "public" if public else "private"
    lines = [f"check that tag {release.tag} does not exist in dataset {release.repo_id}"]
    if state is None:
        lines.append(f"create dataset repository {release.repo_id} ({visibility}) unless it exists")
    elif not state.exists:
        lines.append(f"create dataset repository {release.repo_id} ({visibility})")
    lines.append(
        f"upload {len(staged.files)} files ({staged.total_bytes} bytes) in one commit 'Release {release.tag}':"
    )
    lines += [f"  add {f.path} ({f.size} bytes, sha256 {f.sha256})" for f in staged.files]
    if state is None:
        lines.append("  delete files of earlier releases that this release does not contain")
    else:
        release_paths = {f.path for f in staged.files}
        lines += [
            f"  delete {p}" for p in state.paths if p not in release_paths and p not in HUB_MANAGED_FILES
        ]
    lines.append("verify every remote file of the new commit against its local SHA-256")
    lines.append(f"create tag {release.tag} at the new commit")
    if public and (state is None or (state.exists and state.private)):
        lines.append("make the repository public if it is private")
    return tuple(lines)


def _call_hub(action: str, repo_id: str, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call ``function``; turn a failed Hub request into a PublishError stating that no tag was created."""
    try:
        return function(*args, **kwargs)
    except _HUB_ERRORS as error:
        raise _hub_error(action, repo_id, error) from error


def _hub_error(action: str, repo_id: str, error: Exception) -> PublishError:
    # huggingface_hub builds its error messages from the URL and the server's reply, not from the request
    # headers that carry the token.
    return PublishError(
        f"Failed to {action} for dataset {repo_id}: {error}. No release tag was created.",
        hint="check your network, your token's write access (`hf auth whoami`) and the repository id",
    )
