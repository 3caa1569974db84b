"""The build: raw responses to catalog tables, validation, manifest, dataset card and an atomic output folder.

Knows the readers and the codebook. Other subpackages add configs through ``CatalogConfig`` records listed in
``catalog_configs``.
"""

from indievaluecatalog.convert._build import (
    DEFAULT_OUT,
    BuildOptions,
    BuildResult,
    build_catalog,
    catalog_configs,
)
from indievaluecatalog.convert._card import render_dataset_card
from indievaluecatalog.convert._configs import (
    CatalogConfig,
    ConfigSummary,
    SplitSummary,
    configs_from_manifest,
    summarize_configs,
)
from indievaluecatalog.convert._write import is_catalog

__all__ = [
    "DEFAULT_OUT",
    "BuildOptions",
    "BuildResult",
    "CatalogConfig",
    "ConfigSummary",
    "SplitSummary",
    "build_catalog",
    "catalog_configs",
    "configs_from_manifest",
    "is_catalog",
    "render_dataset_card",
    "summarize_configs",
]
