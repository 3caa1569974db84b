"""Wide pandera checks: one dataframe-level check applies a per-column rule to many columns at once.

A column-level pandera check cost about 1 ms on 97,220 rows (pandera 0.35: dropping nulls, bookkeeping of the
result), so the ~1,100 column checks of the respondents table took about a second of every full-size build.
These checks loop over their columns inside one check, with pyarrow compute. Nulls pass: each column's
``nullable`` flag decides whether nulls are allowed.

Each check returns one boolean per row, so pandera reports the failing rows with all their cells.
``expand_failure_cases`` turns those back into one failure case per failing cell (column, row and value), with
the column's own rule as the check. The option-consistency check relates three columns of a question, so its
failure cases name the question and list the three cells.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pandera.pandas as pandera_pd
import pyarrow as pa
import pyarrow.compute as pc
from pandera import extensions

ISIN = "columns_isin"
IN_RANGE = "columns_in_range"
OPTIONS_CONSISTENT = "option_columns_consistent"

Rule = Callable[[pa.Array], pa.Array]
"""Maps a column's values to a boolean array: True where the value passes (nulls always pass)."""


def _columns_isin(frame: pd.DataFrame, *, allowed: Mapping[str, Sequence[Any]]) -> pd.Series:
    """Return per row whether each value is null or one of its column's allowed values."""
    return _apply(frame, _isin_rules({"allowed": allowed}))


def _columns_in_range(frame: pd.DataFrame, *, bounds: Mapping[str, Sequence[float | None]]) -> pd.Series:
    """Return per row whether each value is null or within its column's inclusive [min, max] (None: unbounded)."""
    return _apply(frame, _range_rules({"bounds": bounds}))


def _option_columns_consistent(frame: pd.DataFrame, *, questions: Mapping[str, Sequence[str]]) -> pd.Series:
    """Return per row whether every question's polar, refined and missing-reason columns agree."""
    passed = np.ones(len(frame), dtype=bool)
    for columns in questions.values():
        if all(column in frame.columns for column in columns):
            passed &= _options_consistent(frame, columns)
    return pd.Series(passed, index=frame.index)


def _options_consistent(frame: pd.DataFrame, columns: Sequence[str]) -> npt.NDArray[np.bool_]:
    # Nullness only: polar and refined both null or both set, a missing reason exactly when they are null.
    # The per-column rules check the values themselves.
    polar, refined, missing = (frame[column].isna().to_numpy(dtype=bool) for column in columns)
    consistent: npt.NDArray[np.bool_] = (polar == refined) & (missing != polar)
    return consistent


def _isin_rules(statistics: Mapping[str, Any]) -> dict[str, Rule]:
    return {column: _isin_rule(values) for column, values in statistics["allowed"].items()}


def _range_rules(statistics: Mapping[str, Any]) -> dict[str, Rule]:
    return {column: _range_rule(limits[0], limits[1]) for column, limits in statistics["bounds"].items()}


def _isin_rule(values: Sequence[Any]) -> Rule:
    def rule(array: pa.Array) -> pa.Array:
        value_set = pa.array(values).cast(array.type)
        return pc.or_(pc.is_in(array, value_set=value_set), pc.is_null(array))

    return rule


def _range_rule(minimum: float | None, maximum: float | None) -> Rule:
    def rule(array: pa.Array) -> pa.Array:
        passed = pa.array(np.ones(len(array), dtype=bool))
        if minimum is not None:
            passed = pc.and_(passed, pc.greater_equal(array, minimum))
        if maximum is not None:
            passed = pc.and_(passed, pc.less_equal(array, maximum))
        # A comparison with null is null, so nulls come out null here and pass.
        return pc.fill_null(passed, True)

    return rule


def _apply(frame: pd.DataFrame, rules: Mapping[str, Rule]) -> pd.Series:
    """Run each column's rule; return per row whether every ruled column passed.

    The check returns a row Series, not a cell frame: pandera's post-processing of a frame result masks the whole
    frame even when every cell passes, which costs seconds on the respondents table. ``expand_failure_cases``
    finds the failing cells of the failing rows. A column absent from the frame is skipped: its own schema entry
    reports it when it is required.
    """
    passed = np.ones(len(frame), dtype=bool)
    for column, rule in rules.items():
        if column not in frame.columns:
            continue
        passed &= _column_passed(frame[column], rule)
    return pd.Series(passed, index=frame.index)


def _column_passed(series: pd.Series, rule: Rule) -> npt.NDArray[np.bool_]:
    # from_pandas turns NaN into null, so a blank float cell counts as missing like an Arrow null.
    array = pa.array(series, from_pandas=True)
    passed: npt.NDArray[np.bool_] = rule(array).to_numpy(zero_copy_only=False)
    return passed


def _register() -> None:
    """Register the checks as ``Check.columns_isin`` and ``Check.columns_in_range`` (once per process).

    Registered checks serialize with their statistics, so the published schema JSON lists every column's rule.
    """
    if not hasattr(pandera_pd.Check, ISIN):
        _columns_isin.__name__ = ISIN
        extensions.register_check_method(statistics=["allowed"], check_type="vectorized")(_columns_isin)
    if not hasattr(pandera_pd.Check, IN_RANGE):
        _columns_in_range.__name__ = IN_RANGE
        extensions.register_check_method(statistics=["bounds"], check_type="vectorized")(_columns_in_range)

    if not hasattr(pandera_pd.Check, OPTIONS_CONSISTENT):
        _option_columns_consistent.__name__ = OPTIONS_CONSISTENT
        extensions.register_check_method(statistics=["questions"], check_type="vectorized")(
            _option_columns_consistent
        )


_register()

_RULES: dict[str, Callable[[Mapping[str, Any]], dict[str, Rule]]] = {
    ISIN: _isin_rules,
    IN_RANGE: _range_rules,
}
"""Builds the column rules of a registered wide check from its statistics."""


def columns_isin(allowed: Mapping[str, Sequence[Any]]) -> pandera_pd.Check:
    """Return one check that each column of ``allowed`` contains only its allowed values (or nulls)."""
    lists = {column: list(values) for column, values in allowed.items()}
    check: pandera_pd.Check = getattr(pandera_pd.Check, ISIN)(
        allowed=lists, ignore_na=False, error=f"{ISIN}: a value outside its column's allowed values"
    )
    return check


def columns_in_range(bounds: Mapping[str, tuple[float | None, float | None]]) -> pandera_pd.Check:
    """Return one check that each column of ``bounds`` lies within its inclusive (min, max); None is unbounded."""
    lists = {column: [minimum, maximum] for column, (minimum, maximum) in bounds.items()}
    check: pandera_pd.Check = getattr(pandera_pd.Check, IN_RANGE)(
        bounds=lists, ignore_na=False, error=f"{IN_RANGE}: a value outside its column's range"
    )
    return check


def option_columns_consistent(questions: Mapping[str, Sequence[str]]) -> pandera_pd.Check:
    """Return one check over ``questions`` (question id to its polar, refined and missing-reason columns).

    Per row and question: polar and refined are both null or both set, and the missing reason is set exactly
    when they are null. A null option without a reason would otherwise pass every per-column rule.
    """
    lists = {question: list(columns) for question, columns in questions.items()}
    check: pandera_pd.Check = getattr(pandera_pd.Check, OPTIONS_CONSISTENT)(
        questions=lists,
        ignore_na=False,
        error=f"{OPTIONS_CONSISTENT}: polar, refined and missing reason disagree",
    )
    return check


def column_rule_text(check: pandera_pd.Check, column: str) -> str:
    """Describe one column's rule of a wide check the way pandera names its column checks."""
    statistics = check.statistics or {}
    if check.name == ISIN:
        return f"isin({list(statistics['allowed'][column])})"
    minimum, maximum = statistics["bounds"][column]
    if minimum is not None and maximum is not None:
        return f"in_range({minimum}, {maximum})"
    if minimum is not None:
        return f"greater_than_or_equal_to({minimum})"
    return f"less_than_or_equal_to({maximum})"


def expand_failure_cases(
    schema: pandera_pd.DataFrameSchema, cases: pd.DataFrame, frame: pd.DataFrame
) -> pd.DataFrame:
    """Replace the failure cases of each wide check with one case per failing cell: column, row and value.

    pandera reports the failing rows of a wide check; the column rules run again on those rows of ``frame`` to
    find the failing cells. Each new case names the column's own rule in ``check``. New cases are ordered by
    check, by column in the check's order, then by row. Other failure cases pass through unchanged, as does a
    case without a row (pandera's report of a check that raised an error).
    """
    unchanged = np.ones(len(cases), dtype=bool)
    expanded: list[pd.DataFrame] = []
    for number, check in enumerate(schema.checks):
        if check.name not in _RULES and check.name != OPTIONS_CONSISTENT:
            continue
        mask = (
            (cases["schema_context"] == "DataFrameSchema")
            & (cases["check"] == check.error)
            & (cases["check_number"] == number)
            & cases["index"].notna()
        ).to_numpy(dtype=bool)
        if not mask.any():
            continue
        unchanged &= ~mask
        rows = frame.loc[pd.unique(cases.loc[mask, "index"].to_numpy())]
        if check.name == OPTIONS_CONSISTENT:
            expanded.append(_inconsistent_questions(check, number, rows, list(cases.columns)))
        else:
            expanded.append(_failing_cells(check, number, rows, list(cases.columns)))
    return pd.concat([cases[unchanged], *expanded], ignore_index=True)


def _failing_cells(
    check: pandera_pd.Check, number: int, rows: pd.DataFrame, columns: list[str]
) -> pd.DataFrame:
    rules = _RULES[str(check.name)](check.statistics or {})
    parts = []
    for column, rule in rules.items():
        if column not in rows.columns:
            continue
        failed = ~_column_passed(rows[column], rule)
        if not failed.any():
            continue
        values = rows[column][failed]
        parts.append(
            pd.DataFrame(
                {
                    "schema_context": "DataFrameSchema",
                    "column": column,
                    "check": column_rule_text(check, column),
                    "check_number": number,
                    "failure_case": values.to_numpy(dtype=object),
                    "index": values.index.to_numpy(),
                },
                columns=columns,
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _inconsistent_questions(
    check: pandera_pd.Check, number: int, rows: pd.DataFrame, columns: list[str]
) -> pd.DataFrame:
    """Return one failure case per failing row and question; the value lists the three cells."""
    parts = []
    for question, group in (check.statistics or {})["questions"].items():
        if not all(column in rows.columns for column in group):
            continue
        failed = ~_options_consistent(rows, group)
        if not failed.any():
            continue
        bad = rows.loc[failed, list(group)]
        values = [
            ", ".join(f"{column}={_cell_text(value)}" for column, value in zip(group, row, strict=True))
            for row in bad.itertuples(index=False)
        ]
        parts.append(
            pd.DataFrame(
                {
                    "schema_context": "DataFrameSchema",
                    "column": question,
                    "check": "polar and refined both null or both set; missing reason exactly when null",
                    "check_number": number,
                    "failure_case": values,
                    "index": bad.index.to_numpy(),
                },
                columns=columns,
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _cell_text(value: Any) -> str:
    return "null" if pd.isna(value) else str(value)
