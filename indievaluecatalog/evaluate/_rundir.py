"""The run directory: the configuration, predictions written chunk by chunk, and the results.

```
RUN_DIR/
  config.json                  the identity of the run; a rerun must match it
  predictions/part-00000.parquet  one part per scored chunk, each written to a temporary name then renamed
  results.json                 configuration, provenance and every metric, written last
```
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from indievaluecatalog.errors import EvaluationError

logger = logging.getLogger(__name__)

PREDICTIONS_SCHEMA = pa.schema(
    [
        pa.field("respondent_id", pa.string()),
        pa.field("setup", pa.int8()),
        pa.field("demos", pa.string()),
        pa.field("granularity", pa.string()),
        pa.field("question_id", pa.string()),
        pa.field("category", pa.string()),
        pa.field("n_options", pa.int8()),
        pa.field("predicted", pa.int8()),
        pa.field("gold", pa.int8()),
        pa.field("option_logprobs", pa.list_(pa.float64())),
        pa.field("attempts", pa.int16()),
        pa.field("parse_failed", pa.bool_()),
        pa.field("raw_output", pa.string()),
    ]
)


def write_json_atomic(path: Path, content: Mapping[str, Any]) -> None:
    """Write JSON to a temporary file beside ``path`` and rename it, so readers never see half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(
        json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    os.replace(temporary, path)


class RunDirectory:
    """One evaluation's output folder, bound to one configuration identity."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.predictions_dir = self.path / "predictions"
        self.config_path = self.path / "config.json"
        self.results_path = self.path / "results.json"

    def check(self, identity: Mapping[str, Any]) -> bool:
        """Return True when the folder contains a run of ``identity``, False when it can start one. Writes nothing.

        Raises EvaluationError when the path is not a folder, when the folder is not empty and is no run
        directory, and when it contains predictions of a run with another configuration, naming the settings
        that differ. A run directory with a configuration but no predictions (a run that failed before scoring
        anything) can start a run with another configuration.
        """
        if self.path.exists() and not self.path.is_dir():
            raise EvaluationError(
                f"Run directory {self.path} exists and is not a folder.", hint="choose another --out path"
            )
        if self.config_path.is_file():
            stored = json.loads(self.config_path.read_text(encoding="utf-8"))
            current = json.loads(json.dumps(identity, sort_keys=True))
            if stored == current:
                return True
            if not self.part_paths():
                return False
            keys = sorted(k for k in set(stored) | set(current) if stored.get(k) != current.get(k))
            changes = ", ".join(f"{k}: {stored.get(k)!r} -> {current.get(k)!r}" for k in keys)
            raise EvaluationError(
                f"Run directory {self.path} contains a run with another configuration ({changes}).",
                hint="rerun with the same settings to resume it, or choose a new --out folder",
            )
        if self.path.is_dir() and any(self.path.iterdir()):
            raise EvaluationError(
                f"Run directory {self.path} is not empty and has no config.json of an evaluation run.",
                hint="choose an empty or new --out folder",
            )
        return False

    def claim(self, identity: Mapping[str, Any]) -> bool:
        """Bind the folder to ``identity``, and return True when it already contained the same run.

        Raises EvaluationError as ``check`` does. The configuration of a run without predictions is replaced.
        """
        if self.check(identity):
            return True
        if self.config_path.is_file():
            logger.info("run directory %s has no predictions; replacing its configuration", self.path)
            self.results_path.unlink(missing_ok=True)
        self.predictions_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.config_path, identity)
        return False

    def part_paths(self) -> list[Path]:
        """Return the prediction parts in write order."""
        if not self.predictions_dir.is_dir():
            return []
        return sorted(self.predictions_dir.glob("part-*.parquet"))

    def write_part(self, rows: list[dict[str, Any]]) -> Path | None:
        """Write ``rows`` as the next prediction part, atomically; return its path (None when empty)."""
        if not rows:
            return None
        self.predictions_dir.mkdir(parents=True, exist_ok=True)
        existing = self.part_paths()
        number = int(existing[-1].stem.split("-")[1]) + 1 if existing else 0
        path = self.predictions_dir / f"part-{number:05d}.parquet"
        temporary = path.with_name(f".{path.name}.tmp")
        table = pa.Table.from_pylist(rows, schema=PREDICTIONS_SCHEMA)
        pq.write_table(table, temporary)
        os.replace(temporary, path)
        logger.info("wrote %d predictions to %s", len(rows), path)
        return path

    def read_predictions(self) -> pd.DataFrame:
        """Return every stored prediction as one table (empty with the schema's columns when none)."""
        parts = self.part_paths()
        if not parts:
            empty: pd.DataFrame = PREDICTIONS_SCHEMA.empty_table().to_pandas()
            return empty
        table = pa.concat_tables(pq.read_table(part, schema=PREDICTIONS_SCHEMA) for part in parts)
        frame: pd.DataFrame = table.to_pandas(types_mapper={pa.int8(): pd.Int8Dtype()}.get)
        return frame

    def done_keys(self) -> set[tuple[str, int, str]]:
        """Return the (respondent id, setup, granularity) triples whose predictions are stored."""
        frame = self.read_predictions()
        triples = zip(frame["respondent_id"], frame["setup"], frame["granularity"], strict=True)
        return {(str(rid), int(setup), str(granularity)) for rid, setup, granularity in triples}
