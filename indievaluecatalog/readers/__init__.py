"""Raw WVS files (``.sav``, ``.dta``, ``.csv``, ``.zip``) into a typed raw-response frame.

Detects the layout (official WVS-7 v5.0 or v6.0, time-series, joint EVS/WVS, derivative), compares value labels
with the codebook and lists coverage gaps. Knows the codebook and nothing else of the package.
"""

from indievaluecatalog.readers._drift import compare_labels, normalize_label
from indievaluecatalog.readers._read import read_wvs_file
from indievaluecatalog.readers._records import CoverageGap, FileFormat, LabelDifference, Layout, RawSurvey
from indievaluecatalog.readers._schema import MISSING_CODES, raw_response_schema

__all__ = [
    "MISSING_CODES",
    "CoverageGap",
    "FileFormat",
    "LabelDifference",
    "Layout",
    "RawSurvey",
    "compare_labels",
    "normalize_label",
    "raw_response_schema",
    "read_wvs_file",
]
