"""Tests of task instances read from a built catalog folder."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import CatalogNotFoundError, SplitError
from indievaluecatalog.splits import (
    catalog_seed,
    evaluation_ids,
    instances_for_people,
    load_task_instances,
    training_pool_ids,
)


def test_evaluation_instances_complete(catalog_dir: Path) -> None:
    """Each evaluation person has one instance per setup with 39 probes and 200 demonstrations or all they have."""
    instances = load_task_instances(catalog_dir)
    people = evaluation_ids(catalog_dir)
    assert len(instances) == 3 * len(people)
    assert {i.respondent_id for i in instances} == set(people)
    for instance in instances:
        assert len(instance.probes) == 39
        assert len(instance.demonstrations_polar) == len(instance.demonstrations_refined) <= 200
        assert instance.demographics == ()
        assert not set(instance.demonstration_questions) & {p.question_id for p in instance.probes}


def test_evaluation_people_answered_all_probes(catalog_dir: Path, codebook: Codebook) -> None:
    """Every probe of an evaluation instance carries the person's options, within the option counts."""
    for instance in load_task_instances(catalog_dir, setups=(1,), limit=3):
        for probe in instance.probes:
            assert 0 <= probe.polar_answer < len(probe.polar_options)
            assert 0 <= probe.refined_answer < len(probe.refined_options)
            assert probe.category == codebook.question(probe.question_id).category


def test_on_demand_matches_published(catalog_dir: Path) -> None:
    """Instances drawn on demand for an evaluation person equal the published `probes` rows."""
    person = evaluation_ids(catalog_dir)[0]
    published = [i for i in load_task_instances(catalog_dir, demos="mixed") if i.respondent_id == person]
    drawn = instances_for_people(catalog_dir, [person], demos="mixed")
    assert drawn == published


def test_training_pool_instances(catalog_dir: Path) -> None:
    """Training-pool instances exist for people outside the evaluation set and skip unanswered probes."""
    instances = load_task_instances(catalog_dir, split="train", setups=(0,), demos="50", limit=5)
    assert len(instances) == 5
    assert not {i.respondent_id for i in instances} & set(evaluation_ids(catalog_dir))
    assert all(len(i.probes) <= 39 for i in instances)


def test_heldout_categories_never_demonstrated(catalog_dir: Path, codebook: Codebook) -> None:
    """In the heldout-out-categories split, probes come only from those categories, which are never demonstrated."""
    heldout = set(json.loads((catalog_dir / "manifest.json").read_text())["splits"]["heldout_categories"])
    instances = load_task_instances(catalog_dir, split="heldout_categories", limit=4)
    for instance in instances:
        assert len(instance.probes) == 3 * len(heldout)
        assert {p.category for p in instance.probes} == heldout
        assert not {codebook.question(q).category for q in instance.demonstration_questions} & heldout


def test_demographics_loaded_on_request(catalog_dir: Path) -> None:
    """demographics=True fills the person's demographic statements; N = 0 leaves no demonstrations."""
    (instance,) = load_task_instances(catalog_dir, setups=(2,), demos="0", limit=1, demographics=True)
    assert instance.demographics
    assert instance.demonstrations_polar == ()


def test_limit_counts_people(catalog_dir: Path) -> None:
    """limit keeps the first people by respondent id, with all their setups."""
    instances = load_task_instances(catalog_dir, limit=2)
    assert len(instances) == 6
    assert sorted({i.respondent_id for i in instances}) == sorted(evaluation_ids(catalog_dir))[:2]


def test_heldout_countries_sides(catalog_dir: Path) -> None:
    """The heldout-out-countries test side contains only people of heldout-out countries."""
    heldout = set(json.loads((catalog_dir / "manifest.json").read_text())["splits"]["heldout_countries"])
    instances = load_task_instances(catalog_dir, split="heldout_countries_test", setups=(0,), limit=3)
    table = pq.read_table(
        catalog_dir / "data" / "respondents.parquet", columns=["respondent_id", "country_code"]
    )
    country = dict(zip(table["respondent_id"].to_pylist(), table["country_code"].to_pylist(), strict=True))
    assert instances
    assert all(country[i.respondent_id] in heldout for i in instances)


def test_split_ids_disjoint(catalog_dir: Path) -> None:
    """Training pool and evaluation ids are disjoint and cover the catalog."""
    train, test = set(training_pool_ids(catalog_dir)), set(evaluation_ids(catalog_dir))
    assert not train & test
    assert len(train | test) == pq.read_metadata(catalog_dir / "data" / "respondents.parquet").num_rows


def test_seed_read_from_manifest(catalog_dir: Path) -> None:
    """The catalog's split seed is read from its manifest."""
    assert catalog_seed(catalog_dir) == 7


def test_probes_loadable_with_datasets(catalog_dir: Path) -> None:
    """The probes parquet loads with datasets, with nested option lists intact."""
    files = {"train": str(catalog_dir / "data" / "probes.parquet")}
    dataset = datasets.load_dataset("parquet", data_files=files, split="train")
    assert dataset.num_rows == 3 * 6 * len(evaluation_ids(catalog_dir))
    assert len(dataset[0]["probe_polar_options"]) == 39
    assert dataset[0]["probe_polar_options"][0] == ["Q1:polar:0", "Q1:polar:1"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"split": "validation"}, "Unknown split"),
        ({"demos": "75"}, "Unknown number of demonstrations"),
        ({"setups": (3,)}, "Invalid probe setups"),
        ({"limit": 0}, "positive number"),
    ],
)
def test_invalid_arguments_raise(catalog_dir: Path, kwargs: dict[str, object], match: str) -> None:
    """Invalid split, N, setup or limit raises SplitError with the valid choices."""
    with pytest.raises(SplitError, match=match):
        load_task_instances(catalog_dir, **kwargs)  # type: ignore[arg-type]


def test_missing_catalog_raises(tmp_path: Path) -> None:
    """A folder without a built catalog raises CatalogNotFoundError naming the missing file."""
    with pytest.raises(CatalogNotFoundError, match="probes"):
        load_task_instances(tmp_path)
    with pytest.raises(CatalogNotFoundError, match=r"splits\.parquet"):
        evaluation_ids(tmp_path)


def test_unknown_person_raises(catalog_dir: Path) -> None:
    """Drawing instances for an id the catalog lacks raises SplitError naming it."""
    with pytest.raises(SplitError, match=r"^1 respondent is not in .*RNOTHERE"):
        instances_for_people(catalog_dir, ["RNOTHERE"])
    with pytest.raises(SplitError, match=r"^2 respondents are not in"):
        instances_for_people(catalog_dir, ["RNOTHERE", "RNOTTHERE"])
