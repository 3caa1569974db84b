"""Config records of the catalog: what each ``datasets`` config contains and where its files go."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandera.pandas as pa_schema
import pyarrow as pa

from indievaluecatalog._features import Features


@dataclass(frozen=True)
class CatalogConfig:
    """One split of one ``datasets`` config: its table, explicit features and the schema that validates it."""

    name: str
    """Config name, e.g. ``respondents``."""
    table: pa.Table
    features: Features
    split: str = "train"
    description: str = ""
    schema: pa_schema.DataFrameSchema | None = None
    """pandera schema that the table must pass before it is written; None skips validation."""


@dataclass(frozen=True)
class SplitSummary:
    """Name, data file and size of one split of a config."""

    name: str
    path: str
    """Data file relative to the catalog folder, e.g. ``data/respondents.parquet``."""
    num_rows: int
    num_bytes: int = 0
    """In-memory Arrow size of the split's table, as ``datasets`` reports it in ``dataset_info``."""


@dataclass(frozen=True)
class ConfigSummary:
    """What the dataset card and the manifest say about one config, without its data."""

    name: str
    description: str
    features: Features
    splits: tuple[SplitSummary, ...]


def data_file_paths(configs: Sequence[CatalogConfig]) -> list[str]:
    """Return the data file of each record: ``data/<name>.parquet``, or ``data/<name>-<split>.parquet`` when a
    config has several splits."""
    splits_per_config: dict[str, int] = {}
    for config in configs:
        splits_per_config[config.name] = splits_per_config.get(config.name, 0) + 1
    paths = []
    for config in configs:
        if splits_per_config[config.name] == 1:
            paths.append(f"data/{config.name}.parquet")
        else:
            paths.append(f"data/{config.name}-{config.split}.parquet")
    return paths


def summarize_configs(configs: Sequence[CatalogConfig]) -> list[ConfigSummary]:
    """Group split records by config name, in first-seen order."""
    grouped: dict[str, list[tuple[CatalogConfig, str]]] = {}
    for config, path in zip(configs, data_file_paths(configs), strict=True):
        grouped.setdefault(config.name, []).append((config, path))
    summaries = []
    for name, records in grouped.items():
        first = records[0][0]
        splits = tuple(SplitSummary(c.split, path, c.table.num_rows, c.table.nbytes) for c, path in records)
        summaries.append(ConfigSummary(name, first.description, first.features, splits))
    return summaries


def config_to_json(summary: ConfigSummary) -> dict[str, Any]:
    """Return a config summary as the manifest stores it."""
    return {
        "name": summary.name,
        "description": summary.description,
        "splits": [
            {"name": s.name, "path": s.path, "num_rows": s.num_rows, "num_bytes": s.num_bytes}
            for s in summary.splits
        ],
        "features": summary.features.to_dict(),
    }


def configs_from_manifest(manifest: Mapping[str, Any]) -> list[ConfigSummary]:
    """Rebuild the config summaries that a manifest records, e.g. to render the dataset card again."""
    summaries = []
    for entry in manifest["configs"]:
        splits = tuple(
            SplitSummary(s["name"], s["path"], int(s["num_rows"]), int(s.get("num_bytes", 0)))
            for s in entry["splits"]
        )
        features = Features.from_dict(entry["features"])
        summaries.append(ConfigSummary(entry["name"], entry.get("description", ""), features, splits))
    return summaries
