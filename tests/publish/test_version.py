"""Release versions: semantic version parsing and tags."""

from __future__ import annotations

import pytest

from indievaluecatalog.errors import PublishError
from indievaluecatalog.publish import ReleaseVersion, parse_version
from indievaluecatalog.publish._version import version_from_tag


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.0.0", ReleaseVersion(1, 0, 0)),
        ("0.3.12", ReleaseVersion(0, 3, 12)),
        ("2.0.0-rc.1", ReleaseVersion(2, 0, 0, "rc.1")),
    ],
)
def test_parse_valid_versions(text: str, expected: ReleaseVersion) -> None:
    """Semantic versions parse into their parts and print back unchanged."""
    version = parse_version(text)
    assert version == expected
    assert str(version) == text
    assert version.tag == f"v{text}"


@pytest.mark.parametrize("text", ["1.0", "1.0.0.0", "01.0.0", "1.0.0+build.5", "latest", "", "1.0.x"])
def test_parse_rejects_non_semver(text: str) -> None:
    """Anything but MAJOR.MINOR.PATCH[-pre] raises PublishError with a hint."""
    with pytest.raises(PublishError) as raised:
        parse_version(text)
    assert repr(text) in raised.value.message
    assert raised.value.hint is not None


def test_parse_leading_v_hint() -> None:
    """A leading v is rejected with a hint that gives the version without it."""
    with pytest.raises(PublishError) as raised:
        parse_version("v1.2.3")
    assert raised.value.hint is not None
    assert "--version 1.2.3" in raised.value.hint


def test_version_ordering() -> None:
    """Versions order by precedence; a final release follows its pre-release."""
    ordered = ["0.9.0", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "2.0.0"]
    keys = [parse_version(text).sort_key() for text in ordered]
    assert keys == sorted(keys)


def test_version_from_tag() -> None:
    """Release tags map back to versions; other tags are ignored."""
    assert version_from_tag("v1.2.3") == ReleaseVersion(1, 2, 3)
    assert version_from_tag("1.2.3") is None
    assert version_from_tag("vnext") is None
