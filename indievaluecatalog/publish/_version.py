"""Semantic versions of dataset releases and their git tags."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indievaluecatalog.errors import PublishError

# MAJOR.MINOR.PATCH with an optional pre-release part, as in Semantic Versioning 2.0.0. Build metadata
# ("+build.5") is rejected because it takes no part in ordering, so two releases could differ only in it.
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$"
)


@dataclass(frozen=True, order=False)
class ReleaseVersion:
    """Semantic version of one dataset release."""

    major: int
    minor: int
    patch: int
    prerelease: str | None = None
    """Pre-release identifiers after the hyphen, e.g. ``rc.1``; None for a final release."""

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{self.prerelease}" if self.prerelease else core

    @property
    def tag(self) -> str:
        """Git tag of the release on the Hub, e.g. ``v1.0.0``."""
        return f"v{self}"

    def sort_key(self) -> tuple[int, int, int, int, str]:
        """Return a key that orders versions by precedence; a final release sorts after its pre-releases."""
        # NOTE: pre-releases compare as plain strings, so rc.10 sorts before rc.2 (semver compares numerically).
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, self.prerelease or "")


def parse_version(text: str) -> ReleaseVersion:
    """Parse ``X.Y.Z`` (optionally ``X.Y.Z-pre``) into a :class:`ReleaseVersion`.

    Raises PublishError for anything else, including a leading ``v``.
    """
    match = _SEMVER.match(text)
    if match is None:
        hint = "give the version as MAJOR.MINOR.PATCH, e.g. --version 1.0.0"
        if text.startswith(("v", "V")) and _SEMVER.match(text[1:]):
            hint = f"drop the leading 'v': --version {text[1:]} (the tag {text.lower()} is made from it)"
        raise PublishError(f"Invalid release version {text!r}: not a semantic version X.Y.Z.", hint=hint)
    major, minor, patch, prerelease = match.groups()
    return ReleaseVersion(int(major), int(minor), int(patch), prerelease)


def version_from_tag(tag: str) -> ReleaseVersion | None:
    """Return the version of a release tag such as ``v1.2.0``, or None when the tag is not a release tag."""
    if not tag.startswith("v"):
        return None
    match = _SEMVER.match(tag[1:])
    if match is None:
        return None
    major, minor, patch, prerelease = match.groups()
    return ReleaseVersion(int(major), int(minor), int(patch), prerelease)
