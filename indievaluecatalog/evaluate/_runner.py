"""Score task instances with a baseline or a model, chunk by chunk, resumably, then compute every metric."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from indievaluecatalog._git import git_commit
from indievaluecatalog._progress import progress
from indievaluecatalog._version import __version__
from indievaluecatalog.baselines import check_baseline_options
from indievaluecatalog.codebook import Codebook, Granularity, load_codebook
from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate._catalog import (
    CatalogInfo,
    no_instances_error,
    people_table,
    read_respondents,
    resolve_catalog,
)
from indievaluecatalog.evaluate._config import EvaluationConfig
from indievaluecatalog.evaluate._provenance import prompt_templates
from indievaluecatalog.evaluate._rundir import RunDirectory, write_json_atomic
from indievaluecatalog.metrics import summarize_predictions
from indievaluecatalog.scoring import Prediction, Scorer
from indievaluecatalog.splits._records import TaskInstance

logger = logging.getLogger(__name__)

CHUNK_INSTANCES = 64
"""Task instances per prediction part: the most work an interruption can lose is the instance in flight."""


@dataclass(frozen=True)
class EvaluationResult:
    """Outcome of a finished run."""

    run_dir: Path
    results: dict[str, Any]
    """The content of ``results.json``."""
    scored_instances: int
    """Instances scored by this call (per granularity); the rest came from an earlier, interrupted call."""
    reused_instances: int


def _prediction_row(prediction: Prediction, instance: TaskInstance, position: int) -> dict[str, Any]:
    probe = instance.probes[position]
    if probe.question_id != prediction.question_id:
        raise EvaluationError(
            f"Scorer returned question {prediction.question_id} where probe {probe.question_id} of respondent "
            f"{instance.respondent_id}, setup {instance.setup} was expected.",
            hint="a scorer must yield one prediction per probe, in instance then probe order",
        )
    return {
        "respondent_id": instance.respondent_id,
        "setup": instance.setup,
        "demos": instance.demos,
        "granularity": prediction.granularity,
        "question_id": probe.question_id,
        "category": probe.category,
        "n_options": len(probe.options(prediction.granularity)),
        "predicted": prediction.predicted,
        "gold": probe.answer(prediction.granularity),
        "option_logprobs": list(prediction.option_logprobs)
        if prediction.option_logprobs is not None
        else None,
        "attempts": prediction.attempts,
        "parse_failed": prediction.parse_failed,
        "raw_output": prediction.raw_output,
    }


def score_chunk(
    scorer: Scorer, chunk: Sequence[TaskInstance], granularity: Granularity, run: RunDirectory
) -> int:
    """Score one chunk and write its predictions as one part; return the instances written.

    When the scorer raises part-way, the instances it finished are written before the error propagates, so an
    interrupted run keeps everything scored except the instance in flight.
    """
    rows: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    finished = 0
    stream: Iterator[Prediction] = iter(scorer.predict(chunk, granularity))
    try:
        for instance in chunk:
            pending = []
            for position in range(len(instance.probes)):
                prediction = next(stream, None)
                if prediction is None:
                    raise EvaluationError(
                        f"Scorer {scorer.name} stopped before probe {position} of respondent "
                        f"{instance.respondent_id}, setup {instance.setup}.",
                        hint="a scorer must yield one prediction per probe of every instance",
                    )
                pending.append(_prediction_row(prediction, instance, position))
            rows.extend(pending)
            finished += 1
    except BaseException:
        logger.warning(
            "scorer failed after %d of %d instances; saving the finished ones", finished, len(chunk)
        )
        run.write_part(rows)
        raise
    run.write_part(rows)
    return finished


def _make_scorer(config: EvaluationConfig, catalog: CatalogInfo, codebook: Codebook) -> Scorer:
    if config.baseline is not None:
        from indievaluecatalog.baselines import AnswerTable, make_baseline
        from indievaluecatalog.splits import training_pool_ids

        table = AnswerTable(
            read_respondents(catalog.folder), training_pool_ids(catalog.folder), codebook=codebook
        )
        return make_baseline(config.baseline, table, seed=config.seed, **dict(config.options))
    from indievaluecatalog.evaluate.backends import make_model_scorer

    assert config.backend is not None and config.model is not None and config.format is not None
    options = {"seed": config.seed, "demographics": config.demographics, **dict(config.options)}
    scorer: Scorer = make_model_scorer(config.backend, config.model, config.format, **options)
    return scorer


def run_evaluation(
    config: EvaluationConfig,
    out: str | Path,
    *,
    scorer: Scorer | None = None,
    codebook: Codebook | None = None,
    chunk_instances: int = CHUNK_INSTANCES,
) -> EvaluationResult:
    """Evaluate ``config`` into the run directory ``out`` and return the results.

    ``scorer`` overrides the scorer that the configuration names (tests and custom scorers). A rerun with the
    same configuration scores only the instances without stored predictions; a different configuration is
    rejected with EvaluationError while the folder holds predictions of the earlier one. The options, the
    catalog, its task instances and the scorer are checked before ``config.json`` is written.
    """
    from indievaluecatalog.splits import load_task_instances

    # Everything that can fail on the configuration or the catalog runs before claim() writes config.json, so
    # a failed start never binds the run directory to a configuration that scored nothing.
    book = codebook or load_codebook()
    if scorer is None and config.baseline is not None:
        check_baseline_options(config.baseline, config.options)
    catalog = resolve_catalog(config.catalog)
    identity = {**config.identity(), "catalog_manifest_sha256": catalog.manifest_sha256}
    run = RunDirectory(out)
    run.check(identity)

    try:
        instances = load_task_instances(
            catalog.folder,
            split="evaluation",
            setups=config.setups,
            demos=config.demos,
            limit=config.limit,
            demographics=config.demographics,
            codebook=book,
        )
    except pa.ArrowException as error:
        raise EvaluationError(
            f"Cannot read the tables of catalog {catalog.source} ({catalog.folder}): {error}",
            hint="rebuild the catalog with `indievaluecatalog build`, or download the release again",
        ) from error
    if not instances:
        raise no_instances_error(catalog, config.demos, config.setups)
    active = scorer or _make_scorer(config, catalog, book)
    if run.claim(identity):
        logger.info("resuming run %s", run.path)

    done = run.done_keys()
    started = time.perf_counter()
    scored = reused = 0
    for granularity in config.granularities:
        todo = [i for i in instances if (i.respondent_id, i.setup, granularity) not in done]
        reused += len(instances) - len(todo)
        chunks = [todo[start : start + chunk_instances] for start in range(0, len(todo), chunk_instances)]
        for chunk in progress(chunks, desc=f"{active.name} {granularity}", total=len(chunks)):
            scored += score_chunk(active, chunk, granularity, run)
    elapsed = time.perf_counter() - started
    logger.info("scored %d instances, reused %d, in %.1f s", scored, reused, elapsed)

    results = _results(config, catalog, active, run, book, instances)
    results["timing"] = {
        "scoring_seconds_this_call": elapsed,
        "scored_instances": scored,
        "reused_instances": reused,
    }
    write_json_atomic(run.results_path, results)
    logger.info("wrote %s", run.results_path)
    return EvaluationResult(
        run_dir=run.path, results=results, scored_instances=scored, reused_instances=reused
    )


def _results(
    config: EvaluationConfig,
    catalog: CatalogInfo,
    scorer: Scorer,
    run: RunDirectory,
    codebook: Codebook,
    instances: Sequence[TaskInstance],
) -> dict[str, Any]:
    wanted = {(i.respondent_id, i.setup) for i in instances}
    table = run.read_predictions()
    keys = list(zip(table["respondent_id"], table["setup"].astype(int), strict=True))
    table = table[[key in wanted for key in keys]]
    table = table[table["granularity"].isin(config.granularities)].reset_index(drop=True)
    people, dimensions = people_table(read_respondents(catalog.folder), codebook)
    metrics = summarize_predictions(
        table, people=people, dimensions=dimensions, bootstrap=config.bootstrap, seed=config.seed
    )
    describe = getattr(scorer, "describe", None)
    return {
        "config": config.as_dict(),
        "scorer": {"name": scorer.name, **(describe() if callable(describe) else {})},
        "catalog": catalog.as_dict(),
        "package": {"name": "indievaluecatalog", "version": __version__, "git_commit": git_commit()},
        "codebook": {"name": codebook.name, "version": codebook.version},
        "seeds": {"scorer": config.seed, "bootstrap": config.seed},
        "prompt_templates": prompt_templates() if config.model is not None else {},
        "metrics": metrics,
    }
