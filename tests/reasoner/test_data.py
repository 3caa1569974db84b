"""Tests of the reasoner's training data: sampling, leakage, mixing, reproducibility and the JSONL file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import datasets
import pandas as pd
import pytest

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import TrainingError
from indievaluecatalog.prompts import parse_single_answer
from indievaluecatalog.reasoner import (
    TrainingDataOptions,
    answer_table,
    build_training_examples,
    write_training_data,
)

N_PEOPLE = 30


@pytest.fixture
def respondents(codebook: Codebook, make_respondents) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Thirty synthetic respondents answering ten value questions at random."""
    return make_respondents(codebook, N_PEOPLE)


def all_ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["respondent_id"])


def test_examples_per_question_and_answer(codebook: Codebook, respondents: pd.DataFrame) -> None:
    """Each answered question gets N examples whose assistant answer is the person's option."""
    answers = answer_table(respondents, codebook, all_ids(respondents))
    examples = list(build_training_examples(answers, codebook, TrainingDataOptions(people_per_question=8)))
    per_question = Counter(example.question_id for example in examples)
    assert per_question == {question_id: 8 for question_id in per_question}
    assert len(per_question) == 10
    indexed = respondents.set_index("respondent_id")
    for example in examples:
        gold = indexed.loc[example.respondent_id, f"{example.question_id}_{example.probe_granularity}"]
        assert example.answer == gold
        n_options = len(codebook.question(example.question_id).options(example.probe_granularity))
        assert parse_single_answer(example.completion, n_options) == example.answer


def test_probe_never_among_demonstrations(codebook: Codebook, respondents: pd.DataFrame) -> None:
    """No example shows the probe question's own statements as a demonstration."""
    answers = answer_table(respondents, codebook, all_ids(respondents))
    for example in build_training_examples(answers, codebook, TrainingDataOptions(people_per_question=12)):
        question = codebook.question(example.question_id)
        person_block = example.prompt.user.split("Which of the following")[0]
        for option in (*question.polar, *question.refined):
            assert option.statement not in person_block
        assert example.n_demonstrations == 9


def test_four_combinations_balanced(codebook: Codebook, respondents: pd.DataFrame) -> None:
    """Every question's examples split evenly over the four granularity combinations."""
    answers = answer_table(respondents, codebook, all_ids(respondents))
    examples = list(build_training_examples(answers, codebook, TrainingDataOptions(people_per_question=8)))
    for question_id in {example.question_id for example in examples}:
        counts = Counter(
            (example.demonstration_granularity, example.probe_granularity)
            for example in examples
            if example.question_id == question_id
        )
        assert counts == {
            ("polar", "polar"): 2,
            ("polar", "refined"): 2,
            ("refined", "polar"): 2,
            ("refined", "refined"): 2,
        }


def test_demonstrations_at_drawn_granularity(codebook: Codebook, respondents: pd.DataFrame) -> None:
    """Demonstrations show the statements of the drawn granularity and options those of the probe's."""
    answers = answer_table(respondents, codebook, all_ids(respondents))
    indexed = respondents.set_index("respondent_id")
    for example in build_training_examples(answers, codebook, TrainingDataOptions(people_per_question=4)):
        person_block, options_block = example.prompt.user.split("Which of the following")
        q2 = "Q2" if example.question_id != "Q2" else "Q3"
        option = int(indexed.loc[example.respondent_id, f"{q2}_{example.demonstration_granularity}"])
        statement = codebook.question(q2).options(example.demonstration_granularity)[option].statement
        assert statement in person_block
        probe_options = codebook.question(example.question_id).options(example.probe_granularity)
        for number, probe_option in enumerate(probe_options, start=1):
            assert f"Option {number}: {probe_option.statement}" in options_block
        assert f"Option {len(probe_options) + 1}:" not in options_block


def test_mixed_counts_vary_within_range(codebook: Codebook, make_respondents) -> None:  # type: ignore[no-untyped-def]
    """Mixed mode draws 50 to 200 demonstrations and 200 mode caps at 200 (people answer all questions)."""
    answers = _full_answers(codebook, make_respondents)
    mixed = [
        e.n_demonstrations
        for e in build_training_examples(answers, codebook, TrainingDataOptions(people_per_question=3))
    ]
    assert min(mixed) >= 50
    assert max(mixed) <= 200
    assert len(set(mixed)) > 20
    fixed = {
        e.n_demonstrations
        for e in build_training_examples(
            answers, codebook, TrainingDataOptions(people_per_question=1, demos="200")
        )
    }
    assert fixed == {200}


def _full_answers(codebook: Codebook, make_respondents):  # type: ignore[no-untyped-def]
    """Answers of three people who answered every value question with option 0."""
    ids = ["F0", "F1", "F2"]
    columns: dict[str, object] = {"respondent_id": ids}
    for question in codebook.questions:
        columns[f"{question.id}_polar"] = [0, 0, 0]
        columns[f"{question.id}_refined"] = [0, 0, 0]
    return answer_table(pd.DataFrame(columns), codebook, ids)


def test_seeded_and_reproducible(codebook: Codebook, respondents: pd.DataFrame) -> None:
    """The same seed gives the same examples; another seed gives different ones."""
    answers = answer_table(respondents, codebook, all_ids(respondents))

    def rows(seed: int) -> list[dict[str, object]]:
        options = TrainingDataOptions(people_per_question=6, seed=seed)
        return [example.to_row() for example in build_training_examples(answers, codebook, options)]

    assert rows(3) == rows(3)
    assert rows(3) != rows(4)


def test_only_training_people_used(codebook: Codebook, make_respondents) -> None:  # type: ignore[no-untyped-def]
    """People outside the training ids never appear, even when the pool is smaller than N."""
    frame = pd.concat(
        [make_respondents(codebook, 10, prefix="T"), make_respondents(codebook, 10, prefix="E")]
    )
    training = [rid for rid in frame["respondent_id"] if rid.startswith("T")]
    evaluation = [rid for rid in frame["respondent_id"] if rid.startswith("E")]
    answers = answer_table(frame, codebook, training, evaluation)
    examples = list(build_training_examples(answers, codebook, TrainingDataOptions(people_per_question=50)))
    assert {example.respondent_id for example in examples} <= set(training)
    assert len(examples) == 10 * 10


def test_overlapping_splits_rejected(codebook: Codebook, respondents: pd.DataFrame) -> None:
    """A training id that is also an evaluation id raises TrainingError."""
    ids = all_ids(respondents)
    with pytest.raises(
        TrainingError, match=r"^1 respondent is in both the training pool and the evaluation people"
    ):
        answer_table(respondents, codebook, ids, evaluation_ids=[ids[3]])
    with pytest.raises(TrainingError, match=r"^2 respondents are in both"):
        answer_table(respondents, codebook, ids, evaluation_ids=[ids[3], ids[4]])


def test_unknown_training_id_rejected(codebook: Codebook, respondents: pd.DataFrame) -> None:
    """A training id missing from the respondents table raises TrainingError naming it."""
    with pytest.raises(TrainingError, match=r"^1 training respondent is not in .*first: NOBODY"):
        answer_table(respondents, codebook, ["NOBODY"])
    with pytest.raises(TrainingError, match=r"^2 training respondents are not in"):
        answer_table(respondents, codebook, ["NOBODY", "NOONE"])


def test_frame_without_ids_rejected(codebook: Codebook, respondents: pd.DataFrame) -> None:
    """A respondents table without respondent_id raises TrainingError."""
    with pytest.raises(TrainingError, match="no respondent_id column"):
        answer_table(respondents.drop(columns="respondent_id"), codebook, [])


@pytest.mark.parametrize(
    ("options", "expected"),
    [({"people_per_question": 0}, "at least 1"), ({"demos": "100"}, "demos must be one of 200, mixed")],
)
def test_bad_options_rejected(options: dict[str, object], expected: str) -> None:
    """A non-positive N or an unknown demonstrations mode raises TrainingError."""
    with pytest.raises(TrainingError, match=expected):
        TrainingDataOptions(**options)  # type: ignore[arg-type]


def test_jsonl_loads_with_datasets(codebook: Codebook, respondents: pd.DataFrame, tmp_path: Path) -> None:
    """The JSONL file loads with load_dataset("json") and carries messages and a manifest."""
    answers = answer_table(respondents, codebook, all_ids(respondents))
    out = tmp_path / "train.jsonl"
    examples = build_training_examples(answers, codebook, TrainingDataOptions(people_per_question=4))
    summary = write_training_data(examples, out, {"seed": 0})
    dataset = datasets.load_dataset("json", data_files=str(out), split="train")
    assert len(dataset) == summary.n_examples == 40
    assert [m["role"] for m in dataset[0]["messages"]] == ["system", "user", "assistant"]
    assert dataset[0]["messages"][2]["content"].startswith("Option ")
    assert dataset[0]["template_id"] == "single/v1"
    manifest = json.loads(summary.manifest_path.read_text())
    assert manifest["n_examples"] == 40
    assert manifest["sha256"] == summary.sha256
    assert sum(summary.combinations.values()) == 40
    assert not (tmp_path / "train.jsonl.partial").exists()


def test_empty_pool_writes_nothing(codebook: Codebook, respondents: pd.DataFrame, tmp_path: Path) -> None:
    """With no training people the build fails and leaves no file behind."""
    answers = answer_table(respondents, codebook, [])
    out = tmp_path / "train.jsonl"
    with pytest.raises(TrainingError, match="No training examples"):
        write_training_data(build_training_examples(answers, codebook, TrainingDataOptions()), out, {})
    assert not out.exists()
    assert not (tmp_path / "train.jsonl.partial").exists()
