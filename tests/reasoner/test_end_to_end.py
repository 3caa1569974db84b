"""End to end: training data to a trained tiny model that the evaluator loads and that beats random choice."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("trl")

from indievaluecatalog.cli import main
from indievaluecatalog.codebook import Codebook
from indievaluecatalog.reasoner import (
    TrainingDataOptions,
    answer_table,
    build_training_examples,
    write_training_data,
)
from indievaluecatalog.splits import Probe, TaskInstance

pytestmark = pytest.mark.train

EVALUATION_PROBES = ("Q1", "Q2", "Q3")
"""Probe questions of the evaluation instances; the other synthetic questions are their demonstrations."""


def evaluation_instances(codebook: Codebook, frame: pd.DataFrame) -> list[TaskInstance]:
    """Task instances of held-out people: probes Q1-Q3, demonstrations from the other synthetic questions."""
    demonstration_questions = [
        column.removesuffix("_polar") for column in frame.columns if column.endswith("_polar")
    ]
    demonstration_questions = [q for q in demonstration_questions if q not in EVALUATION_PROBES]
    instances = []
    for row in frame.itertuples(index=False):
        values = row._asdict()

        def statement(question_id: str, granularity: str, values: dict[str, object] = values) -> str:
            option = int(values[f"{question_id}_{granularity}"])  # type: ignore[call-overload]
            return codebook.question(question_id).options(granularity)[option].statement  # type: ignore[arg-type]

        probes = tuple(
            Probe(
                question_id=q,
                category=codebook.question(q).category,
                wording=codebook.question(q).wording,
                polar_options=tuple(o.statement for o in codebook.question(q).polar),
                refined_options=tuple(o.statement for o in codebook.question(q).refined),
                polar_answer=int(values[f"{q}_polar"]),
                refined_answer=int(values[f"{q}_refined"]),
            )
            for q in EVALUATION_PROBES
        )
        instances.append(
            TaskInstance(
                respondent_id=str(values["respondent_id"]),
                setup=0,
                demos="mixed",
                demonstrations_polar=tuple(statement(q, "polar") for q in demonstration_questions),
                demonstrations_refined=tuple(statement(q, "refined") for q in demonstration_questions),
                demonstration_questions=tuple(demonstration_questions),
                demographics=(),
                probes=probes,
            )
        )
    return instances


def test_trained_reasoner_beats_random(
    codebook: Codebook,
    make_respondents,  # type: ignore[no-untyped-def]
    make_tiny_chat_model,  # type: ignore[no-untyped-def]
    read_jsonl_texts,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """A tiny model trained through the CLI learns the majority option and beats random choice in evaluation."""
    from indievaluecatalog.evaluate.backends import make_model_scorer

    # 80% of people choose the first option of every question: the majority is learnable from the answers alone.
    training = make_respondents(codebook, 60, seed=1, majority_share=0.8, prefix="T")
    held_out = make_respondents(codebook, 24, seed=2, majority_share=0.8, prefix="E")
    answers = answer_table(training, codebook, list(training["respondent_id"]))
    train_file = tmp_path / "train.jsonl"
    options = TrainingDataOptions(people_per_question=48, seed=5)
    write_training_data(build_training_examples(answers, codebook, options), train_file, {})

    model_dir = make_tiny_chat_model(tmp_path / "tiny", read_jsonl_texts(train_file))
    config = tmp_path / "config.yaml"
    config.write_text(
        f"model: {model_dir}\ntrain_file: {train_file}\noutput_dir: {tmp_path / 'run'}\nmax_length: 512\n"
        "training:\n  learning_rate: 3.0e-3\n  max_steps: 30\n  per_device_train_batch_size: 16\n"
        "  logging_steps: 5\n  save_steps: 30\n  lr_scheduler_type: constant\n  bf16: false\n",
        encoding="utf-8",
    )
    main(["train-reasoner", "--config", str(config)])

    losses = json.loads((tmp_path / "run" / "reasoner_manifest.json").read_text())["losses"]
    assert losses[-1] < losses[0] / 2

    instances = evaluation_instances(codebook, held_out)
    scorer = make_model_scorer("hf", str(tmp_path / "run"), "single")
    predictions = list(scorer.predict(instances, "polar"))
    assert len(predictions) == len(instances) * len(EVALUATION_PROBES)
    accuracy = sum(p.predicted == p.gold for p in predictions) / len(predictions)
    chance = sum(1 / len(codebook.question(p.question_id).polar) for p in predictions) / len(predictions)
    assert accuracy >= chance + 0.2

    loglik = make_model_scorer("hf", str(tmp_path / "run"), "loglik")
    scored = list(loglik.predict(instances[:2], "refined"))
    assert all(p.option_logprobs is not None for p in scored)
