"""Training examples of the reasoner: single-probe chat prompts of training people with the person's answer.

For every value question, up to N training people who answered it are drawn. Each becomes one example whose
probe is that question and whose demonstrations are 200, or a random 50 to 200, of the person's other answers.
Examples cycle through the four combinations of polar or refined demonstrations and polar or refined probes, so
each combination gets a quarter of every question's examples (give or take one).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from indievaluecatalog.codebook import Codebook, Granularity
from indievaluecatalog.errors import TrainingError
from indievaluecatalog.prompts import ChatPrompt, format_single_answer, render_single
from indievaluecatalog.reasoner._answers import AnswerTable
from indievaluecatalog.splits import DEFAULT_SEED, Probe, StatementTexts, TaskInstance, stable_generator

logger = logging.getLogger(__name__)

DemosMode = Literal["200", "mixed"]
DEMOS_MODES: tuple[DemosMode, ...] = ("200", "mixed")
MIN_MIXED_DEMONSTRATIONS = 50
MAX_DEMONSTRATIONS = 200

COMBINATIONS: tuple[tuple[Granularity, Granularity], ...] = (
    ("polar", "polar"),
    ("polar", "refined"),
    ("refined", "polar"),
    ("refined", "refined"),
)
"""(demonstration granularity, probe granularity) pairs that the examples cycle through."""


@dataclass(frozen=True)
class TrainingDataOptions:
    """How many examples to draw and how to draw their demonstrations."""

    people_per_question: int = 100
    """Training people drawn per value question (Jiang et al., arXiv 2410.03868, use 100 to 1,600)."""
    demos: DemosMode = "mixed"
    """``200`` demonstrations per example, or ``mixed``: a uniform random count from 50 to 200."""
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        if self.people_per_question < 1:
            raise TrainingError(
                f"people_per_question must be at least 1, not {self.people_per_question}.",
                hint="pass a count such as --people-per-question 100 (Jiang et al. use 100 to 1,600)",
            )
        if self.demos not in DEMOS_MODES:
            raise TrainingError(
                f"demos must be one of {', '.join(DEMOS_MODES)}, not {self.demos!r}.",
                hint="pass --demos 200 or --demos mixed",
            )


@dataclass(frozen=True)
class TrainingExample:
    """One single-probe chat example: the prompt of a training person and the option they chose."""

    respondent_id: str
    question_id: str
    demonstration_granularity: Granularity
    probe_granularity: Granularity
    n_demonstrations: int
    answer: int
    """Zero-based index of the person's option at the probe granularity."""
    prompt: ChatPrompt
    completion: str
    """The assistant message, e.g. ``Option 2``."""

    def to_row(self) -> dict[str, Any]:
        """Return the example as a JSON row: ``messages`` for TRL plus the fields that describe it."""
        messages = [*self.prompt.as_messages(), {"role": "assistant", "content": self.completion}]
        return {
            "messages": messages,
            "respondent_id": self.respondent_id,
            "question_id": self.question_id,
            "demonstration_granularity": self.demonstration_granularity,
            "probe_granularity": self.probe_granularity,
            "n_demonstrations": self.n_demonstrations,
            "answer": self.answer,
            "template_id": self.prompt.template_id,
        }


def build_training_examples(
    answers: AnswerTable,
    codebook: Codebook,
    options: TrainingDataOptions,
    texts: StatementTexts | None = None,
) -> Iterator[TrainingExample]:
    """Yield the training examples of every value question, in codebook order.

    Statements come from ``texts`` (a catalog's statements table, the ones its evaluation prompts show), or from
    the codebook when it is None.

    Each question draws from its own random stream seeded by ``(seed, question id)``, so the examples of one
    question do not change when another question has more or fewer candidates or the question order changes.
    """
    if texts is None:
        texts = StatementTexts.from_codebook(codebook)
    valid = answers.valid
    short = 0
    for question_index, question_id in enumerate(answers.question_ids):
        rng = stable_generator(options.seed, "reasoner", question_id)
        candidates = np.flatnonzero(valid[:, question_index])
        if len(candidates) < options.people_per_question:
            short += 1
        chosen = rng.choice(candidates, size=min(options.people_per_question, len(candidates)), replace=False)
        combinations = rng.permutation(np.arange(len(chosen)) % len(COMBINATIONS))
        for row, combination in zip(chosen, combinations, strict=True):
            example = _example(
                answers, codebook, texts, int(row), question_index, COMBINATIONS[combination], options, rng
            )
            if example is not None:
                yield example
    if short:
        logger.warning(
            "%d of %d value questions have fewer than %d training people with an answer; they get fewer examples",
            short,
            len(answers.question_ids),
            options.people_per_question,
        )


def _example(
    answers: AnswerTable,
    codebook: Codebook,
    texts: StatementTexts,
    row: int,
    question_index: int,
    combination: tuple[Granularity, Granularity],
    options: TrainingDataOptions,
    rng: np.random.Generator,
) -> TrainingExample | None:
    demonstration_granularity, probe_granularity = combination
    # The probe question is never among its own demonstrations.
    pool = np.flatnonzero(answers.valid[row])
    pool = pool[pool != question_index]
    if options.demos == "200":
        wanted = MAX_DEMONSTRATIONS
    else:
        wanted = int(rng.integers(MIN_MIXED_DEMONSTRATIONS, MAX_DEMONSTRATIONS + 1))
    if len(pool) == 0:
        return None
    picked = rng.choice(pool, size=min(wanted, len(pool)), replace=False)

    demonstration_ids = tuple(answers.question_ids[int(i)] for i in picked)
    demonstrations_polar = texts.texts(
        f"{qid}:polar:{int(answers.polar[row, int(i)])}"
        for qid, i in zip(demonstration_ids, picked, strict=True)
    )
    demonstrations_refined = texts.texts(
        f"{qid}:refined:{int(answers.refined[row, int(i)])}"
        for qid, i in zip(demonstration_ids, picked, strict=True)
    )
    question = codebook.question(answers.question_ids[question_index])
    probe = Probe(
        question_id=question.id,
        category=question.category,
        wording=question.wording,
        polar_options=texts.texts(option.statement_id for option in question.polar),
        refined_options=texts.texts(option.statement_id for option in question.refined),
        polar_answer=int(answers.polar[row, question_index]),
        refined_answer=int(answers.refined[row, question_index]),
    )
    instance = TaskInstance(
        respondent_id=answers.respondent_ids[row],
        setup=-1,  # NOTE: training examples belong to no probe setup; -1 marks that.
        demos=options.demos,
        demonstrations_polar=demonstrations_polar,
        demonstrations_refined=demonstrations_refined,
        demonstration_questions=demonstration_ids,
        demographics=(),
        probes=(probe,),
    )
    answer = probe.answer(probe_granularity)
    return TrainingExample(
        respondent_id=instance.respondent_id,
        question_id=question.id,
        demonstration_granularity=demonstration_granularity,
        probe_granularity=probe_granularity,
        n_demonstrations=len(demonstration_ids),
        answer=answer,
        prompt=render_single(
            instance, 0, probe_granularity, demonstration_granularity=demonstration_granularity
        ),
        completion=format_single_answer(answer),
    )


@dataclass(frozen=True)
class TrainingDataSummary:
    """Record of the file that ``write_training_data`` wrote."""

    path: Path
    manifest_path: Path
    n_examples: int
    combinations: dict[str, int]
    """Examples per ``<demonstration granularity>/<probe granularity>`` pair."""
    sha256: str


def write_training_data(
    examples: Iterator[TrainingExample], out: Path, provenance: dict[str, Any]
) -> TrainingDataSummary:
    """Stream ``examples`` into the JSONL file ``out`` and write ``<out>.manifest.json`` beside it.

    The file appears only when complete: rows go to a temporary file that replaces ``out`` at the end.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    digest = hashlib.sha256()
    counts: Counter[str] = Counter()
    try:
        with partial.open("w", encoding="utf-8") as handle:
            for example in examples:
                line = json.dumps(example.to_row(), ensure_ascii=False) + "\n"
                handle.write(line)
                digest.update(line.encode("utf-8"))
                counts[f"{example.demonstration_granularity}/{example.probe_granularity}"] += 1
        if not counts:
            raise TrainingError(
                f"No training examples for {out}: no training person has a valid answer.",
                hint="check that the catalog's training pool is not empty",
            )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)

    summary = TrainingDataSummary(
        path=out,
        manifest_path=out.with_name(out.name + ".manifest.json"),
        n_examples=sum(counts.values()),
        combinations=dict(sorted(counts.items())),
        sha256=digest.hexdigest(),
    )
    manifest = {
        **provenance,
        "file": out.name,
        "sha256": summary.sha256,
        "n_examples": summary.n_examples,
        "combinations": summary.combinations,
    }
    summary.manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    logger.info("Wrote %d training examples to %s", summary.n_examples, out)
    return summary


def build_reasoner_data(
    catalog_dir: Path, out: Path, options: TrainingDataOptions, codebook_path: Path | None = None
) -> TrainingDataSummary:
    """Write the training examples of a built catalog's training pool to the JSONL file ``out``.

    ``codebook_path`` must be the codebook the catalog was built with; the default is the shipped one.
    """
    from indievaluecatalog._version import __version__
    from indievaluecatalog.codebook import load_codebook
    from indievaluecatalog.reasoner._answers import read_catalog_answers

    codebook = load_codebook(codebook_path)
    answers = read_catalog_answers(catalog_dir, codebook)
    texts = StatementTexts.from_catalog(catalog_dir)
    provenance = {
        "indievaluecatalog_version": __version__,
        "codebook_version": codebook.version,
        "catalog": str(catalog_dir),
        "catalog_manifest_sha256": _sha256_or_none(catalog_dir / "manifest.json"),
        "people_per_question": options.people_per_question,
        "demos": options.demos,
        "seed": options.seed,
        "training_people": len(answers.respondent_ids),
    }
    return write_training_data(build_training_examples(answers, codebook, options, texts), out, provenance)


def _sha256_or_none(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
