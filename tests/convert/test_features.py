"""The catalog's own feature types match what `datasets` makes of the same features, for every config."""

from __future__ import annotations

import subprocess
import sys

import datasets
import pytest

from indievaluecatalog._features import Features, List, Value
from indievaluecatalog.codebook import load_codebook
from indievaluecatalog.convert._features import respondent_features, statement_features
from indievaluecatalog.splits import probes_features, splits_features


def _to_datasets(features: Features) -> datasets.Features:
    return datasets.Features.from_dict(features.to_dict())


CONFIGS = {
    "respondents": lambda: respondent_features(load_codebook()),
    "statements": statement_features,
    "splits": splits_features,
    "probes": probes_features,
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_features_match_datasets(name: str) -> None:
    """to_dict, the card's YAML list and the Arrow schema (with its metadata) equal those of `datasets`."""
    ours = CONFIGS[name]()
    theirs = _to_datasets(ours)
    assert list(theirs) == [column for column, _ in ours.columns]
    assert ours.to_dict() == theirs.to_dict()
    assert ours.to_yaml_list() == theirs._to_yaml_list()
    assert ours.arrow_schema.equals(theirs.arrow_schema, check_metadata=True)


def test_nested_list_types() -> None:
    """A list of lists of strings renders as `datasets` renders List(List(Value("string")))."""
    ours = Features.of({"options": List(List(Value("string"))), "weight": Value("float64")})
    theirs = datasets.Features(
        {
            "options": datasets.List(datasets.List(datasets.Value("string"))),
            "weight": datasets.Value("float64"),
        }
    )
    assert ours.to_dict() == theirs.to_dict()
    assert ours.to_yaml_list() == theirs._to_yaml_list()
    assert ours.arrow_schema.equals(theirs.arrow_schema, check_metadata=True)


def test_from_dict_round_trip() -> None:
    """from_dict reads to_dict back; an old `Sequence` reads as List; other types raise ValueError."""
    features = probes_features()
    assert Features.from_dict(features.to_dict()) == features
    old = {"codes": {"feature": {"dtype": "int16", "_type": "Value"}, "_type": "Sequence"}}
    assert Features.from_dict(old) == Features.of({"codes": List(Value("int16"))})
    with pytest.raises(ValueError, match="label"):
        Features.from_dict({"label": {"names": ["a", "b"], "_type": "ClassLabel"}})


def test_build_does_not_import_datasets() -> None:
    """Importing the build and the split tables leaves `datasets` unimported."""
    code = "import sys, indievaluecatalog.convert, indievaluecatalog.splits; print('datasets' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"
