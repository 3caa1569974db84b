"""Records that describe a synthetic WVS-7 file and where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

Layout = Literal["official", "timeseries", "joint", "derivative"]
LAYOUTS: tuple[Layout, ...] = ("official", "timeseries", "joint", "derivative")
SampleFormat = Literal["sav", "zsav", "dta", "csv"]
VERSIONS: tuple[str, ...] = ("6.0", "5.0")

GENERATOR_VERSION = "2"
"""Version of the generating model. Bump it whenever the same seed starts to give different answers."""


@dataclass(frozen=True)
class SampleProvenance:
    """Origin of a synthetic file: the generator version, its seed and the layout it imitates."""

    generator_version: str
    seed: int
    respondents: int
    version: str
    """WVS-7 data version that the file imitates, ``6.0`` or ``5.0``."""
    layout: Layout

    def describe(self) -> str:
        """Return the one-line marker that the file label and notes carry."""
        return (
            f"SYNTHETIC WVS-7 sample, not survey data: indievaluecatalog generator {self.generator_version}, "
            f"seed {self.seed}, {self.respondents} respondents, imitating data version {self.version}, "
            f"layout {self.layout}"
        )


@dataclass(frozen=True)
class SyntheticSurvey:
    """A generated file in memory: the data frame and the metadata that a writer puts beside it."""

    frame: pd.DataFrame
    """One row per respondent, columns in file order; numeric codes, negative missing codes kept as values
    except in the ``derivative`` layout, where they are blank."""
    variable_labels: Mapping[str, str]
    value_labels: Mapping[str, Mapping[int, str]]
    user_missing: Mapping[str, tuple[int, int]]
    """Per variable, the inclusive range of codes that an SPSS file declares as user-missing."""
    file_label: str
    notes: tuple[str, ...]
    provenance: SampleProvenance
