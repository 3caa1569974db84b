"""Column types of the catalog configs in the form `datasets` uses, without importing `datasets`.

Importing `datasets` loads about 400 modules, about 0.2 s of every build. These records produce the same output as
``datasets.Features`` (5.x) for the ``Value`` and ``List`` types the catalog uses. ``to_dict`` is stored in the
manifest, ``to_yaml_list`` is the card's ``dataset_info`` (which ``load_dataset`` reads), and ``arrow_schema``
carries the same ``huggingface`` schema metadata into every parquet file. tests/convert/test_features.py compares
all three with `datasets` for every config.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import pyarrow as pa


@dataclass(frozen=True)
class Value:
    """A scalar column, e.g. ``Value("int8")``; ``dtype`` is a `datasets` dtype name."""

    dtype: str

    def arrow_type(self) -> pa.DataType:
        """Return the Arrow type, e.g. ``double`` for ``float64``."""
        return pa.type_for_alias(self.dtype)

    def to_dict(self) -> dict[str, Any]:
        """Return the feature as ``datasets.Features.to_dict`` writes it."""
        return {"dtype": self.dtype, "_type": "Value"}

    def to_yaml(self) -> Any:
        """Return the feature as the card's ``dataset_info`` lists it."""
        return {"dtype": self.dtype}


@dataclass(frozen=True)
class List:
    """A list column whose items are ``feature``."""

    feature: Feature

    def arrow_type(self) -> pa.DataType:
        """Return the Arrow list type (items in a field named ``item``)."""
        return pa.list_(self.feature.arrow_type())

    def to_dict(self) -> dict[str, Any]:
        """Return the feature as ``datasets.Features.to_dict`` writes it."""
        return {"feature": self.feature.to_dict(), "_type": "List"}

    def to_yaml(self) -> Any:
        """Return the feature as the card's ``dataset_info`` lists it: a list of scalars names only the dtype."""
        inner = self.feature.to_yaml()
        if isinstance(inner, dict) and list(inner) == ["dtype"]:
            inner = inner["dtype"]
        return {"list": inner}


Feature: TypeAlias = Value | List


@dataclass(frozen=True)
class Features:
    """The ordered columns of one config and their types."""

    columns: tuple[tuple[str, Feature], ...]

    @classmethod
    def of(cls, columns: Mapping[str, Feature]) -> Features:
        """Build from a mapping of column name to type, in the mapping's order."""
        return cls(tuple(columns.items()))

    def to_dict(self) -> dict[str, Any]:
        """Return ``{column: feature dict}`` as ``datasets.Features.to_dict`` writes it."""
        return {name: feature.to_dict() for name, feature in self.columns}

    def to_yaml_list(self) -> list[dict[str, Any]]:
        """Return the ``features`` list of the card's ``dataset_info``, as ``datasets`` renders it."""
        return [{"name": name, **feature.to_yaml()} for name, feature in self.columns]

    @property
    def arrow_schema(self) -> pa.Schema:
        """Return the Arrow schema with the ``huggingface`` metadata that `datasets` reads the features from."""
        metadata = {"huggingface": json.dumps({"info": {"features": self.to_dict()}})}
        return pa.schema(
            [pa.field(name, feature.arrow_type()) for name, feature in self.columns], metadata=metadata
        )

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Features:
        """Read the ``to_dict`` form back, e.g. from a manifest; raise ValueError for a type other than Value or List.

        ``Sequence`` (written by `datasets` before 4.0) reads as List, as `datasets` itself reads it.
        """
        return cls(tuple((name, _feature_from_dict(name, entry)) for name, entry in document.items()))


def _feature_from_dict(name: str, entry: Any) -> Feature:
    kind = entry.get("_type") if isinstance(entry, Mapping) else None
    if kind == "Value":
        return Value(str(entry["dtype"]))
    if kind in ("List", "Sequence") and "feature" in entry:
        return List(_feature_from_dict(name, entry["feature"]))
    raise ValueError(
        f"Feature {name!r} has type {kind!r}; the catalog uses only Value and List features: {entry!r}"
    )
