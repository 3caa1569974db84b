"""Log-likelihood scoring shared by the backends: option scores to normalized option log-probabilities."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._formats import PromptFunctions, chunked
from indievaluecatalog.prompts._records import LoglikPrompt
from indievaluecatalog.scoring import Prediction
from indievaluecatalog.splits._records import TaskInstance

logger = logging.getLogger(__name__)

Normalization = Literal["sum", "mean"]
NORMALIZATIONS: tuple[str, ...] = get_args(Normalization)


@dataclass(frozen=True)
class OptionScore:
    """Log-likelihood of one option's continuation given the prompt before it."""

    logprob: float
    """Sum of the natural-log probabilities of the continuation's tokens."""
    n_tokens: int
    """Number of continuation tokens summed over."""


ProbeScores = list[OptionScore]
"""Scores of one probe's options, in option order."""


class LoglikEngine(Protocol):
    """A backend that scores every option continuation of log-likelihood prompts."""

    def score(self, prompts: Sequence[LoglikPrompt]) -> list[list[ProbeScores]]:
        """Return, for each prompt, one list of option scores per probe."""
        ...


def option_logprobs(scores: Sequence[OptionScore], normalization: Normalization) -> tuple[float, ...]:
    """Normalize option scores into log-probabilities over the options (a log-softmax).

    ``sum`` uses each continuation's summed log-probability, so longer statements are penalized for their
    length. ``mean`` divides by the continuation's token count first (per-token log-likelihood), which removes
    that length penalty.
    """
    if not scores:
        raise ValueError("cannot normalize an empty list of option scores")
    if normalization == "sum":
        values = [score.logprob for score in scores]
    else:
        values = [score.logprob / max(score.n_tokens, 1) for score in scores]
    top = max(values)
    log_total = top + math.log(sum(math.exp(value - top) for value in values))
    return tuple(value - log_total for value in values)


class LoglikScorer:
    """Scorer of the log-likelihood format: the option with the highest normalized log-probability wins."""

    def __init__(
        self,
        engine: LoglikEngine,
        prompt_functions: PromptFunctions,
        *,
        name: str,
        normalization: Normalization = "sum",
        demographics: bool = False,
        instances_per_call: int = 8,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        if normalization not in NORMALIZATIONS:
            raise EvaluationError(
                f"Unknown log-likelihood normalization {normalization!r}.",
                hint=f"use one of: {', '.join(NORMALIZATIONS)}",
            )
        self.name = name
        self.engine = engine
        self.prompt_functions = prompt_functions
        self.normalization = normalization
        self.demographics = demographics
        self.instances_per_call = max(1, instances_per_call)
        self.config: dict[str, Any] = {"format": "loglik", "normalization": normalization, **(config or {})}

    def describe(self) -> dict[str, Any]:
        """Return the scorer's settings and work counters for the run's results (no secrets)."""
        stats = getattr(self.engine, "stats", None)
        counters = (
            dataclasses.asdict(stats)
            if dataclasses.is_dataclass(stats) and not isinstance(stats, type)
            else {}
        )
        return {**self.config, "stats": counters}

    def predict(self, instances: Sequence[TaskInstance], granularity: Granularity) -> Iterator[Prediction]:
        """Yield one Prediction per probe of each instance, in instance then probe order."""
        for chunk in chunked(instances, self.instances_per_call):
            prompts = [
                self.prompt_functions.render_loglik(instance, granularity, demographics=self.demographics)
                for instance in chunk
            ]
            for instance, prompt in zip(chunk, prompts, strict=True):
                _check_prompt_shape(instance, prompt, granularity)
            all_scores = self.engine.score(prompts)
            if len(all_scores) != len(prompts):
                raise EvaluationError(
                    f"Model {self.name} returned scores for {len(all_scores)} prompts, expected {len(prompts)}.",
                    hint="this is a backend bug; report it with the model name and backend",
                )
            for instance, prompt_scores in zip(chunk, all_scores, strict=True):
                yield from self._predictions(instance, prompt_scores, granularity)

    def _predictions(
        self, instance: TaskInstance, prompt_scores: list[ProbeScores], granularity: Granularity
    ) -> Iterator[Prediction]:
        for probe, scores in zip(instance.probes, prompt_scores, strict=True):
            logprobs = option_logprobs(scores, self.normalization)
            predicted = max(range(len(logprobs)), key=logprobs.__getitem__)
            yield Prediction(
                respondent_id=instance.respondent_id,
                setup=instance.setup,
                demos=instance.demos,
                granularity=granularity,
                question_id=probe.question_id,
                predicted=predicted,
                gold=probe.answer(granularity),
                option_logprobs=logprobs,
            )


def _check_prompt_shape(instance: TaskInstance, prompt: LoglikPrompt, granularity: Granularity) -> None:
    """Raise EvaluationError unless the prompt has one probe per instance probe and one continuation per option."""
    if len(prompt.probes) != len(instance.probes):
        raise EvaluationError(
            f"Log-likelihood prompt {prompt.template_id} for respondent {instance.respondent_id}, setup "
            f"{instance.setup} has {len(prompt.probes)} probes; the task instance has {len(instance.probes)}.",
            hint="the prompt renderer must keep every probe of the instance, in order",
        )
    for probe, rendered in zip(instance.probes, prompt.probes, strict=True):
        n_options = len(probe.options(granularity))
        if rendered.question_id != probe.question_id or len(rendered.continuations) != n_options:
            raise EvaluationError(
                f"Log-likelihood prompt {prompt.template_id} renders probe {rendered.question_id} with "
                f"{len(rendered.continuations)} continuations; the instance expects {probe.question_id} with "
                f"{n_options} {granularity} options.",
                hint="the prompt renderer must keep the probes and their options in instance order",
            )
