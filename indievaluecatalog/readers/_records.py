"""Records that the readers hand to the build: the raw-response frame and what was learned about the file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

Layout = Literal["official", "timeseries", "joint", "derivative"]
"""How a file names and shapes its variables.

``official``: a complete WVS-7 cross-national release (v5.0 or v6.0) with WVS-7 names. ``timeseries``: the WVS
time-series file 1981-2022, time-series codes such as A001. ``joint``: the joint EVS/WVS 2017-2022 file, joint
names. ``derivative``: WVS-7 names, but incomplete or altered (variables dropped, missing codes blanked, the
country as a name, no interview id).
"""

FileFormat = Literal["sav", "dta", "csv"]
GapKind = Literal["value_question", "demographic", "identifier"]


@dataclass(frozen=True)
class LabelDifference:
    """One value label of the file that differs from the codebook."""

    variable: str
    """WVS-7 name of the variable, e.g. ``Q1``."""
    file_variable: str
    """Name of the variable in the file (a time-series or joint name for those layouts)."""
    code: int
    file_label: str | None
    """Label in the file, or None when the file has no label for a code the codebook lists."""
    codebook_label: str | None
    """Label in the codebook, or None when the codebook does not know the code."""

    @property
    def kind(self) -> str:
        """``changed``, ``not_in_file`` or ``not_in_codebook``."""
        if self.file_label is None:
            return "not_in_file"
        if self.codebook_label is None:
            return "not_in_codebook"
        return "changed"


@dataclass(frozen=True)
class CoverageGap:
    """A question, demographic item or identifier that the file lacks or cannot provide for some respondents."""

    item: str
    """Question id (``Q1``), demographic item id (``sex``) or identifier (``D_INTERVIEW``)."""
    kind: GapKind
    variable: str
    """WVS-7 name of the variable."""
    file_variable: str | None
    """Name in the file, or None when absent."""
    status: Literal["not_in_file", "unusable", "all_blank", "some_blank"]
    respondents_affected: int
    detail: str = ""


@dataclass(frozen=True)
class RawSurvey:
    """A raw WVS file read into one frame with WVS-7 variable names, and what is known about the file.

    ``responses`` has one row per wave-7 respondent in file order and one float64 column per WVS-7 variable
    that the file provides, under its WVS-7 name (``B_COUNTRY``, ``D_INTERVIEW``, ``Q1`` ... ``Q290``).
    Negative missing codes are kept as values; an empty cell is NaN.
    """

    path: Path
    """The file given by the user (the archive for a ``.zip``)."""
    member: str | None
    """Name of the data file inside a ``.zip``, or None."""
    file_format: FileFormat
    layout: Layout
    wvs_version: str | None
    """WVS-7 data version, e.g. ``6.0``; None when the file does not say."""
    version_evidence: str
    """Where the version came from: the ``version`` or ``doi`` column, or why it is unknown."""
    encoding: str
    """Encoding the text of the file was decoded with."""
    responses: pd.DataFrame
    renamed: Mapping[str, str]
    """WVS-7 name -> file name, for every variable read from the file."""
    value_labels: Mapping[str, Mapping[int, str]]
    """Value labels per WVS-7 name, as declared in the file (empty for a CSV)."""
    label_drift: tuple[LabelDifference, ...]
    coverage: tuple[CoverageGap, ...]
    has_interview_id: bool
    rows_in_file: int
    """Rows in the file before selecting wave-7 rows."""
    warnings: tuple[str, ...] = field(default=())
    """Warnings already logged while reading, kept for the manifest."""
    doi: str | None = None
    file_label: str | None = None
    """File label of an SPSS or Stata file (a synthetic sample names its generator and seed there)."""
    notes: tuple[str, ...] = ()
