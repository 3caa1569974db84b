"""Finding and loading a built or published catalog by name."""

from indievaluecatalog.catalog._load import (
    DEFAULT_FOLDER,
    SOURCE_ENV,
    CatalogSource,
    load_catalog,
    resolve_source,
)

__all__ = ["DEFAULT_FOLDER", "SOURCE_ENV", "CatalogSource", "load_catalog", "resolve_source"]
