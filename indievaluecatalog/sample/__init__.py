"""Synthetic WVS-7 files generated from the codebook, shaped like the official releases.

Real WVS microdata may not be redistributed, so tests, benchmarks and the first-run demo use these files. They
carry a marker saying they are synthetic (file label, notes and the ``version`` column).
"""

from indievaluecatalog.sample._generate import generate_sample
from indievaluecatalog.sample._provenance import builtin_sample_path, read_sample_provenance
from indievaluecatalog.sample._records import GENERATOR_VERSION, LAYOUTS, SampleProvenance, SyntheticSurvey
from indievaluecatalog.sample._write import FORMATS, write_sample

__all__ = [
    "FORMATS",
    "GENERATOR_VERSION",
    "LAYOUTS",
    "SampleProvenance",
    "SyntheticSurvey",
    "builtin_sample_path",
    "generate_sample",
    "read_sample_provenance",
    "write_sample",
]
