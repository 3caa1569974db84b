"""Compare the files of a commit on the Hub with the local release they were uploaded from."""

from __future__ import annotations

import logging

from huggingface_hub import HfApi, RepoFile

from indievaluecatalog.errors import PublishError
from indievaluecatalog.publish._local import LocalCatalog

logger = logging.getLogger(__name__)

# The Hub adds this file to every new repository; it is not part of a release.
HUB_MANAGED_FILES = frozenset({".gitattributes"})


def list_remote_files(hub: HfApi, repo_id: str, revision: str) -> dict[str, RepoFile]:
    """Return every file of the dataset repository ``repo_id`` at ``revision`` by path."""
    entries = hub.list_repo_tree(repo_id, recursive=True, expand=True, revision=revision, repo_type="dataset")
    return {entry.path: entry for entry in entries if isinstance(entry, RepoFile)}


def compare_remote_files(local: LocalCatalog, remote: dict[str, RepoFile]) -> list[str]:
    """Return one line per file whose remote copy is missing, differs or should not be there."""
    problems: list[str] = []
    for local_file in local.files:
        remote_file = remote.get(local_file.path)
        if remote_file is None:
            problems.append(f"{local_file.path}: missing on the Hub")
            continue
        if remote_file.lfs is not None:
            # Large files are stored through LFS; the Hub reports the SHA-256 of their content.
            if remote_file.lfs.sha256.lower() != local_file.sha256:
                problems.append(
                    f"{local_file.path}: remote SHA-256 {remote_file.lfs.sha256} differs from local {local_file.sha256}"
                )
        elif remote_file.blob_id != local_file.blob_id:
            # NOTE: a file stored without LFS metadata (e.g. only a Xet hash) is compared by git blob id,
            # which then belongs to the pointer, not the content, and reports a mismatch.
            problems.append(
                f"{local_file.path}: remote git blob {remote_file.blob_id} differs from local {local_file.blob_id}"
            )
        if remote_file.size != local_file.size:
            problems.append(
                f"{local_file.path}: remote size {remote_file.size} bytes, local {local_file.size} bytes"
            )
    local_paths = {f.path for f in local.files}
    for path in sorted(set(remote) - local_paths - HUB_MANAGED_FILES):
        problems.append(f"{path}: on the Hub but not part of the release")
    return problems


def verify_remote_commit(hub: HfApi, repo_id: str, commit: str, local: LocalCatalog) -> None:
    """Check that commit ``commit`` of ``repo_id`` contains exactly the files of ``local``.

    Raises PublishError naming every differing file and the commit.
    """
    problems = compare_remote_files(local, list_remote_files(hub, repo_id, commit))
    if problems:
        listing = "\n  ".join(problems)
        raise PublishError(
            f"Verification failed: commit {commit} of dataset {repo_id} does not match the local release "
            f"({len(problems)} problem(s)):\n  {listing}",
            hint=(
                "no release tag was created, so nobody can pin this commit by version; check the files on the "
                "Hub and run the same publish command again"
            ),
        )
    logger.info(
        "Verified %d files of commit %s in %s against their local SHA-256", len(local.files), commit, repo_id
    )
