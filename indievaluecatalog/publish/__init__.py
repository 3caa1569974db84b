"""Versioned releases of a built catalog on the Hugging Face Hub: one verified commit per version, tagged."""

from indievaluecatalog.publish._card import PUBLIC_WARNING, WVS_CONDITIONS, ReleaseInfo
from indievaluecatalog.publish._local import LocalCatalog, LocalFile, verify_catalog_folder
from indievaluecatalog.publish._publish import DEFAULT_REPO_NAME, PublishResult, publish_catalog
from indievaluecatalog.publish._stage import stage_release
from indievaluecatalog.publish._version import ReleaseVersion, parse_version

__all__ = [
    "DEFAULT_REPO_NAME",
    "PUBLIC_WARNING",
    "WVS_CONDITIONS",
    "LocalCatalog",
    "LocalFile",
    "PublishResult",
    "ReleaseInfo",
    "ReleaseVersion",
    "parse_version",
    "publish_catalog",
    "stage_release",
    "verify_catalog_folder",
]
