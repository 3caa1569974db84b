"""The dataset card of a release: the build's card, rendered again, with the release version and repository."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indievaluecatalog.convert import configs_from_manifest, render_dataset_card
from indievaluecatalog.publish._version import ReleaseVersion

WVS_CONDITIONS = (
    "The WVS conditions of use forbid redistributing the survey data, so releases are private by default: "
    "share this repository only with people who accepted the WVS conditions themselves, and point everyone "
    "else to `indievaluecatalog build`, which regenerates the catalog from their own WVS-7 download."
)
"""Conditions of use that every release card states in its release section."""

PUBLIC_WARNING = (
    "Publishing publicly: the WVS conditions of use forbid redistributing the survey data, and this catalog "
    "contains every respondent's answers. Make the repository public only if the WVS Association allows it."
)


@dataclass(frozen=True)
class ReleaseInfo:
    """Version and Hub repository of a release of a built catalog."""

    version: ReleaseVersion
    repo_id: str
    """Hub dataset repository, ``OWNER/NAME``."""
    private: bool

    @property
    def tag(self) -> str:
        """Git tag of the release, e.g. ``v1.0.0``."""
        return self.version.tag

    def as_manifest_entry(self) -> dict[str, Any]:
        """Return the ``release`` entry that the published manifest.json carries."""
        return {"version": str(self.version), "tag": self.tag, "repo_id": self.repo_id}

    def load_snippet(self, config: str = "respondents") -> str:
        """Return the line of Python that loads this release, pinned to its tag."""
        return f'load_dataset("{self.repo_id}", "{config}", revision="{self.tag}")'


def render_release_card(manifest: Mapping[str, Any], release: ReleaseInfo) -> str:
    """Render the card of ``release`` from its manifest: the build's card with a release section after the title.

    The build's renderer (``convert.render_dataset_card``) is a pure function of the manifest, so the card is
    rendered again rather than edited. The release section goes before the card's first ``## `` heading.
    """
    card = render_dataset_card(manifest, configs_from_manifest(manifest))
    section = render_release_section(manifest, release)
    front_matter_end = card.find("\n---\n") + len("\n---\n") if card.startswith("---\n") else 0
    heading = card.find("\n## ", front_matter_end)
    if heading == -1:
        return card.rstrip("\n") + "\n\n" + section
    return card[: heading + 1] + section + "\n" + card[heading + 1 :]


def render_release_section(manifest: Mapping[str, Any], release: ReleaseInfo) -> str:
    """Render the Markdown section that names the release, how to pin it and its conditions of use."""
    visibility = "private" if release.private else "public"
    lines = [
        "## Release",
        "",
        "| | |",
        "| --- | --- |",
        f"| dataset version | {release.version} |",
        f"| repository | `{release.repo_id}` ({visibility}) |",
        f"| tag | `{release.tag}` |",
        f"| codebook version | {_manifest_version(manifest, 'codebook')} |",
        f"| package version | indievaluecatalog {_manifest_version(manifest, 'package')} |",
        "",
        "Pin the release when you load it, so results stay comparable:",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f"respondents = {release.load_snippet()}",
        "```",
        "",
        "The dataset version follows semantic versioning. A MAJOR release changes what results mean (answer "
        "groupings, the question set, split membership or the respondent id scheme), so results on different "
        "MAJOR versions do not compare. A MINOR release adds configs or columns or rewords statements; a PATCH "
        "release changes only the card or metadata.",
        "",
        WVS_CONDITIONS,
        "",
    ]
    return "\n".join(lines)


def _manifest_version(manifest: Mapping[str, Any], section: str) -> str:
    entry = manifest.get(section)
    if isinstance(entry, Mapping) and entry.get("version") is not None:
        return str(entry["version"])
    return "not recorded"
