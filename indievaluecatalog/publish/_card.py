"""The dataset card of a release: the build's card plus the release version, repository and conditions of use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indievaluecatalog.publish._local import CARD_NAME, LocalCatalog
from indievaluecatalog.publish._version import ReleaseVersion

WVS_CONDITIONS = (
    "This catalog is derived from World Values Survey wave 7 (WVS-7) microdata. The conditions of use of the "
    "WVS Association forbid redistributing the data, so this repository is private by default: share it only "
    "with people who may use the WVS-7 data themselves. Everyone else can regenerate the identical catalog from "
    "their own WVS-7 download (https://www.worldvaluessurvey.org) with `indievaluecatalog build`, and should "
    "cite the WVS-7 data set as the WVS Association asks."
)
"""Conditions of use stated on every release card, and printed as a warning before a public release."""

PUBLIC_WARNING = (
    "Publishing publicly: the WVS conditions of use forbid redistributing the survey data, and this catalog "
    "contains every respondent's answers. Make the repository public only if you have the WVS Association's "
    "permission."
)


@dataclass(frozen=True)
class ReleaseInfo:
    """What a release adds to a built catalog: its version and where it is published."""

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


def render_release_section(manifest: Mapping[str, Any], release: ReleaseInfo) -> str:
    """Render the Markdown that a release adds to the build's dataset card."""
    codebook_version = _manifest_text(manifest, "codebook", "version")
    package_version = _manifest_text(manifest, "package", "version")
    lines = [
        "## Release",
        "",
        "| field | value |",
        "| --- | --- |",
        f"| dataset version | {release.version} |",
        f"| repository | `{release.repo_id}` |",
        f"| tag | `{release.tag}` |",
        f"| codebook version | {codebook_version} |",
        f"| package version (indievaluecatalog) | {package_version} |",
        "",
        "Pin this release when you load it, so results stay comparable:",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f"respondents = {release.load_snippet()}",
        "```",
        "",
        "The dataset version follows semantic versioning. A MAJOR release changes what results mean (answer "
        "groupings, the question set, split membership or the respondent id scheme), so results of different "
        "MAJOR versions do not compare. A MINOR release adds configs or columns or rewords statements; a PATCH "
        "release fixes the card or metadata only.",
        "",
        "## Conditions of use",
        "",
        WVS_CONDITIONS,
        "",
    ]
    return "\n".join(lines)


def _manifest_text(manifest: Mapping[str, Any], section: str, key: str) -> str:
    value = manifest.get(section)
    if isinstance(value, Mapping) and value.get(key) is not None:
        return str(value[key])
    flat = manifest.get(f"{section}_{key}")
    return str(flat) if flat is not None else "not recorded"


def render_release_card(catalog: LocalCatalog, manifest: Mapping[str, Any], release: ReleaseInfo) -> str:
    """Render the card of ``release``: the build's card followed by the release section."""
    # TODO: regenerate the card with the build's renderer once it lands, instead of reusing the built text.
    card = (catalog.folder / CARD_NAME).read_text(encoding="utf-8")
    marker = card.find("\n## Release\n")
    if marker != -1:
        card = card[:marker]
    return card.rstrip("\n") + "\n\n" + render_release_section(manifest, release)
