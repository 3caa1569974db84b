"""The versioned codebook: value questions, answer options, statements, demographics and countries.

The ground floor of the package: it imports nothing else of it but the error family and resource lookup.
"""

from indievaluecatalog.codebook._check import (
    CheckReport,
    CodebookProblem,
    ReferenceGrouping,
    check_codebook,
    load_reference_groupings,
)
from indievaluecatalog.codebook._load import codebook_schema, default_codebook_path, load_codebook
from indievaluecatalog.codebook._records import (
    GRANULARITIES,
    Aliases,
    Codebook,
    Country,
    DemographicItem,
    ExcludedQuestion,
    FileVariable,
    Granularity,
    MissingReason,
    Option,
    ValueQuestion,
)

__all__ = [
    "GRANULARITIES",
    "Aliases",
    "CheckReport",
    "Codebook",
    "CodebookProblem",
    "Country",
    "DemographicItem",
    "ExcludedQuestion",
    "FileVariable",
    "Granularity",
    "MissingReason",
    "Option",
    "ReferenceGrouping",
    "ValueQuestion",
    "check_codebook",
    "codebook_schema",
    "default_codebook_path",
    "load_codebook",
    "load_reference_groupings",
]
