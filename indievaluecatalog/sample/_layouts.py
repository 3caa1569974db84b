"""Other shapes of WVS-7 data: the time-series file, the joint EVS/WVS file and derivative files.

- ``timeseries``: variables under their time-series codes (``A001`` for ``Q1``, ``S003`` for the country),
  a wave column ``S002VS`` and wave-7 rows among rows of waves 5 and 6; ``S006`` is the original respondent
  number (the interview id of wave 7), ``S007`` a number unique in the file.
- ``joint``: variables under their joint EVS/WVS names (``cntry``, ``study``, ``wave``), WVS-7 rows and EVS
  rows (``study`` 1, ``wave`` 5) from the countries that only the EVS surveyed, and ``uniqid``.
- ``derivative``: a subset of the columns as a user might export them: no interview id, negative codes
  blanked, the country as a name in ``B_COUNTRY``, some value questions and most technical columns left out.

Variables without a name in the target file are left out, as in the real files.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from indievaluecatalog.codebook import Aliases, Codebook
from indievaluecatalog.sample._records import Layout, SyntheticSurvey

_DERIVATIVE_TECHNICAL = ("version", "B_COUNTRY", "W_WEIGHT")
_DERIVATIVE_DROPPED_SHARE = 0.08
_DERIVATIVE_DEMOGRAPHICS_DROPPED = ("Q272", "Q290", "Q277", "Q278", "Q283")


def convert_layout(
    survey: SyntheticSurvey, others: SyntheticSurvey | None, book: Codebook, layout: Layout
) -> SyntheticSurvey:
    """Return ``survey`` (wave-7 rows in the official layout) converted to ``layout``.

    ``others`` contains the rows of other waves (time-series) or of the EVS (joint) in the official layout.
    """
    if layout == "timeseries":
        return _timeseries(survey, _require(others), book)
    if layout == "joint":
        return _joint(survey, _require(others), book)
    if layout == "derivative":
        return _derivative(survey, book)
    raise ValueError(f"unknown layout {layout!r}")


def _require(others: SyntheticSurvey | None) -> SyntheticSurvey:
    if others is None:
        raise ValueError("this layout needs the rows of other waves or studies")
    return others


def _alias_map(book: Codebook, attribute: str) -> dict[str, str]:
    """Map official variable names to their names in the time-series (or joint) file."""
    named: list[tuple[str, Aliases]] = [(q.id, q.aliases) for q in book.questions]
    named += [(q.id, q.aliases) for q in book.excluded]
    named += [(d.variable, d.aliases) for d in book.demographics if d.variable is not None]
    named += [(v.name, v.aliases) for v in book.other_variables]
    mapping: dict[str, str] = {}
    for name, aliases in named:
        alias = getattr(aliases, attribute)
        if alias and alias not in mapping.values():
            mapping[name] = alias
    return mapping


def _renamed(survey: SyntheticSurvey, frame: pd.DataFrame, mapping: Mapping[str, str]) -> SyntheticSurvey:
    """Keep the columns of ``frame`` that ``mapping`` names, renamed, with their labels."""
    kept = [name for name in frame.columns if name in mapping]
    result = frame[kept].rename(columns=dict(mapping))
    return SyntheticSurvey(
        frame=result,
        variable_labels={mapping[n]: survey.variable_labels[n] for n in kept},
        value_labels={mapping[n]: survey.value_labels[n] for n in kept if n in survey.value_labels},
        user_missing={mapping[n]: survey.user_missing[n] for n in kept if n in survey.user_missing},
        file_label=survey.file_label,
        notes=survey.notes,
        provenance=survey.provenance,
    )


def _stacked(survey: SyntheticSurvey, others: SyntheticSurvey) -> pd.DataFrame:
    # The copy consolidates the frame, so that adding columns afterwards stays fast.
    return pd.concat([survey.frame, others.frame], ignore_index=True).copy()


def _merged_labels(survey: SyntheticSurvey, others: SyntheticSurvey) -> dict[str, Mapping[int, str]]:
    names = set(survey.value_labels) | set(others.value_labels)
    return {
        name: {**others.value_labels.get(name, {}), **survey.value_labels.get(name, {})} for name in names
    }


def _timeseries(survey: SyntheticSurvey, others: SyntheticSurvey, book: Codebook) -> SyntheticSurvey:
    frame = _stacked(survey, others)
    n_wave7 = len(survey.frame)
    wave = np.full(len(frame), 7, dtype=np.int32)
    wave[n_wave7:] = np.where(np.arange(len(frame) - n_wave7) % 2 == 0, 5, 6)
    frame["A_WAVE"] = wave
    frame["S006"] = frame["D_INTERVIEW"]
    # Rows sorted by country, then wave, as in the time-series file; wave-7 rows sit among the others.
    frame = frame.sort_values(["B_COUNTRY", "A_WAVE"], kind="stable", ignore_index=True)
    frame["S007"] = np.arange(1, len(frame) + 1, dtype=np.int32) + 100000000
    frame.insert(0, "S001", np.full(len(frame), 2, dtype=np.int32))

    mapping = {
        "S001": "S001",
        "S006": "S006",
        "S007": "S007",
        "B_COUNTRY": "S003",
        **_alias_map(book, "timeseries"),
    }
    labels = _merged_labels(survey, others)
    labels["A_WAVE"] = {5: "Wave 5 (2005-2009)", 6: "Wave 6 (2010-2014)", 7: "Wave 7 (2017-2022)"}
    labels["S001"] = {1: "EVS", 2: "WVS"}
    variable_labels = {
        **survey.variable_labels,
        "S001": "Study",
        "S006": "Original respondent number",
        "S007": "Unified respondent number",
    }
    base = SyntheticSurvey(
        frame,
        variable_labels,
        labels,
        survey.user_missing,
        survey.file_label,
        survey.notes,
        survey.provenance,
    )
    ordered = ["S001", "A_WAVE", "B_COUNTRY", "S006", "S007"]
    frame = frame[ordered + [c for c in frame.columns if c not in ordered]]
    return _renamed(base, frame, mapping)


def _joint(survey: SyntheticSurvey, others: SyntheticSurvey, book: Codebook) -> SyntheticSurvey:
    frame = _stacked(survey, others)
    n_wvs = len(survey.frame)
    frame.loc[n_wvs:, "A_STUDY"] = 1
    frame.loc[n_wvs:, "A_WAVE"] = 5
    frame.insert(0, "uniqid", np.arange(1, len(frame) + 1, dtype=np.int32) + 200000000)
    mapping = {"uniqid": "uniqid", "B_COUNTRY": "cntry", **_alias_map(book, "joint")}
    labels = _merged_labels(survey, others)
    variable_labels = {**survey.variable_labels, "uniqid": "Unified respondent number (joint)"}
    base = SyntheticSurvey(
        frame,
        variable_labels,
        labels,
        survey.user_missing,
        survey.file_label,
        survey.notes,
        survey.provenance,
    )
    return _renamed(base, frame, mapping)


def _derivative(survey: SyntheticSurvey, book: Codebook) -> SyntheticSurvey:
    rng = np.random.default_rng(survey.provenance.seed + 11)
    question_ids = [q.id for q in book.questions]
    dropped = set(
        rng.choice(question_ids, size=round(len(question_ids) * _DERIVATIVE_DROPPED_SHARE), replace=False)
    )
    dropped |= set(_DERIVATIVE_DEMOGRAPHICS_DROPPED)
    demographic = [d.variable for d in book.demographics if d.variable not in (None, "B_COUNTRY")]
    kept = [*_DERIVATIVE_TECHNICAL, *(q for q in question_ids if q not in dropped)]
    kept += [name for name in demographic if name not in dropped]
    kept = [name for name in survey.frame.columns if name in set(kept)]

    frame = survey.frame[kept].copy()
    names = {c.code: c.name for c in book.countries}
    frame["B_COUNTRY"] = frame["B_COUNTRY"].map(names).astype(object)
    for name in kept:
        column = frame[name]
        if column.dtype.kind in "iu":
            frame[name] = column.where(column >= 0).astype("float64")
    value_labels = {
        name: {code: text for code, text in survey.value_labels[name].items() if code >= 0}
        for name in kept
        if name in survey.value_labels and name != "B_COUNTRY"
    }
    return SyntheticSurvey(
        frame=frame,
        variable_labels={name: survey.variable_labels[name] for name in kept},
        value_labels=value_labels,
        user_missing={},
        file_label=survey.file_label,
        notes=survey.notes,
        provenance=survey.provenance,
    )
