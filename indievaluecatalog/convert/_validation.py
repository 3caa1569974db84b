"""Run a pandera schema lazily and turn failure cases into a saved table and a ValidationFailedError."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from indievaluecatalog._checks import expand_failure_cases
from indievaluecatalog.errors import ValidationFailedError

logger = logging.getLogger(__name__)
_SHOWN_FAILURES = 8


def validate_stage(
    schema: pa.DataFrameSchema, frame: pd.DataFrame, *, stage: str, source: str, failures_path: Path
) -> None:
    """Validate ``frame`` and collect every failure; on failure save them to ``failures_path`` and raise.

    The CSV has one row per failure case: stage, schema check, column, row index and failing value.
    """
    try:
        # inplace=True skips pandera's defensive copy of the frame (about 220 MB for a full-size raw stage). The
        # schemas neither coerce nor add columns, so the frame is not modified.
        schema.validate(frame, lazy=True, inplace=True)
    except pandera.errors.SchemaErrors as errors:
        cases = expand_failure_cases(schema, errors.failure_cases, frame)
        cases.insert(0, "stage", stage)
        failures_path.parent.mkdir(parents=True, exist_ok=True)
        cases.to_csv(failures_path, index=False, lineterminator="\n")
        summary = _summarize(cases)
        raise ValidationFailedError(
            f"{source}: {stage} validation found {len(cases)} failure case(s):\n{summary}\n"
            f"All failure cases are saved in {failures_path}.",
            hint="fix the values listed there in the input file, or check that it is a WVS wave 7 file",
        ) from None
    logger.info("Validated %s: %d rows, %d columns", stage, len(frame), frame.shape[1])


def _summarize(cases: pd.DataFrame) -> str:
    lines = []
    grouped = cases.groupby(["column", "check"], dropna=False, sort=True)
    for (column, check), group in list(grouped)[:_SHOWN_FAILURES]:
        values = ", ".join(str(v) for v in group["failure_case"].drop_duplicates().head(5))
        lines.append(f"  - {column}: {check} failed for {len(group)} row(s); values: {values}")
    if grouped.ngroups > _SHOWN_FAILURES:
        lines.append(f"  - ... and {grouped.ngroups - _SHOWN_FAILURES} more column checks")
    return "\n".join(lines)
