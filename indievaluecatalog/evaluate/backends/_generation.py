"""Generation formats shared by the backends: greedy decoding, seeded retries and parse-failure counting."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._formats import PromptFunctions, chunked
from indievaluecatalog.prompts._records import ChatPrompt
from indievaluecatalog.scoring import Prediction
from indievaluecatalog.splits._records import TaskInstance

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How generation formats decode and retry answers that do not parse."""

    max_retries: int = 3
    """Sampled attempts after the greedy one; 0 keeps only the greedy attempt."""
    retry_temperature: float = 0.6
    seed: int = 0
    """Seed of the first retry; retry k uses ``seed + k`` so reruns sample the same texts."""
    max_new_tokens: int = 512

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise EvaluationError(
                f"max_retries must be 0 or more, not {self.max_retries}.", hint="use e.g. 3"
            )
        if self.retry_temperature <= 0:
            raise EvaluationError(
                f"retry_temperature must be above 0, not {self.retry_temperature}.", hint="use e.g. 0.6"
            )
        if self.max_new_tokens < 1:
            raise EvaluationError(
                f"max_new_tokens must be 1 or more, not {self.max_new_tokens}.", hint="use 512"
            )


class TextGenerator(Protocol):
    """A backend that completes chat prompts; temperature 0 means greedy decoding."""

    def generate(
        self, prompts: Sequence[ChatPrompt], *, temperature: float, seed: int, max_new_tokens: int
    ) -> list[str]:
        """Return one completion text per prompt, in prompt order."""
        ...


@dataclass(frozen=True)
class GenerationOutcome:
    """The kept answer of one prompt after greedy decoding and any retries."""

    text: str
    choices: tuple[int | None, ...]
    """Parsed option index per probe of the prompt; None where the text names no single valid option."""
    attempts: int
    parse_failed: bool


@dataclass
class GenerationStats:
    """Counters of one scorer's generation work, for the run log and manifest."""

    prompts: int = 0
    retried_prompts: int = 0
    failed_prompts: int = 0
    attempts: int = 0
    failures_by_attempts: dict[int, int] = field(default_factory=dict)


AnswerParser = Callable[[int, str], Sequence[int | None]]
"""``(prompt_index, text)`` to one option index (or None) per probe of that prompt."""


def generate_with_retries(
    generator: TextGenerator,
    prompts: Sequence[ChatPrompt],
    parse: AnswerParser,
    n_choices: Sequence[int],
    policy: RetryPolicy,
    stats: GenerationStats | None = None,
) -> list[GenerationOutcome]:
    """Decode every prompt greedily, then resample only the prompts whose answer did not parse.

    ``n_choices[i]`` is the number of probes in prompt ``i``. An answer is complete when it parses
    into exactly that many valid option indices. Prompts still incomplete after ``policy.max_retries``
    sampled attempts keep the attempt with the most parsed probes (the earliest on ties) and are marked
    ``parse_failed``. A parser that raises ValueError, IndexError or KeyError counts as a failed parse.
    """
    best: dict[int, tuple[str, tuple[int | None, ...]]] = {}
    attempts: dict[int, int] = {}
    done: dict[int, GenerationOutcome] = {}
    pending = list(range(len(prompts)))

    for attempt in range(1, policy.max_retries + 2):
        if not pending:
            break
        temperature = 0.0 if attempt == 1 else policy.retry_temperature
        seed = policy.seed + attempt - 1
        texts = generator.generate(
            [prompts[i] for i in pending],
            temperature=temperature,
            seed=seed,
            max_new_tokens=policy.max_new_tokens,
        )
        if len(texts) != len(pending):
            raise EvaluationError(
                f"The model returned {len(texts)} completions for {len(pending)} prompts.",
                hint="this is a backend bug; report it with the model name and backend",
            )
        still_pending = []
        for index, text in zip(pending, texts, strict=True):
            attempts[index] = attempt
            choices = _safe_parse(parse, index, text, n_choices[index])
            if all(choice is not None for choice in choices):
                done[index] = GenerationOutcome(text, choices, attempt, parse_failed=False)
                continue
            previous = best.get(index)
            if previous is None or _n_parsed(choices) > _n_parsed(previous[1]):
                best[index] = (text, choices)
            still_pending.append(index)
        if still_pending:
            logger.debug(
                "attempt %d: %d of %d prompts did not parse", attempt, len(still_pending), len(pending)
            )
        pending = still_pending

    for index in pending:
        text, choices = best[index]
        done[index] = GenerationOutcome(text, choices, attempts[index], parse_failed=True)

    outcomes = [done[i] for i in range(len(prompts))]
    if stats is not None:
        _count(stats, outcomes)
    return outcomes


def _safe_parse(parse: AnswerParser, index: int, text: str, n_choices: int) -> tuple[int | None, ...]:
    """Parse ``text`` into ``n_choices`` entries; a parser error or a wrong count reads as unparsed."""
    try:
        parsed = tuple(parse(index, text))
    except (ValueError, IndexError, KeyError) as error:
        logger.debug("answer parser raised %s on prompt %d; counted as a parse failure", error, index)
        return (None,) * n_choices
    if len(parsed) != n_choices:
        logger.debug("answer of prompt %d parsed into %d choices, expected %d", index, len(parsed), n_choices)
        return (None,) * n_choices
    return parsed


def _n_parsed(choices: tuple[int | None, ...]) -> int:
    return sum(choice is not None for choice in choices)


def _count(stats: GenerationStats, outcomes: Sequence[GenerationOutcome]) -> None:
    for outcome in outcomes:
        stats.prompts += 1
        stats.attempts += outcome.attempts
        if outcome.attempts > 1:
            stats.retried_prompts += 1
        if outcome.parse_failed:
            stats.failed_prompts += 1
            stats.failures_by_attempts[outcome.attempts] = (
                stats.failures_by_attempts.get(outcome.attempts, 0) + 1
            )


class _GenerationScorer:
    """Shared part of the two generation formats: chunking, retries, counters and the end-of-run log."""

    fmt = ""

    def __init__(
        self,
        generator: TextGenerator,
        prompt_functions: PromptFunctions,
        *,
        name: str,
        policy: RetryPolicy | None = None,
        demographics: bool = False,
        instances_per_call: int = 16,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.generator = generator
        self.prompt_functions = prompt_functions
        self.policy = policy or RetryPolicy()
        self.demographics = demographics
        self.instances_per_call = max(1, instances_per_call)
        self.stats = GenerationStats()
        self.config: dict[str, Any] = {
            "format": self.fmt,
            "max_retries": self.policy.max_retries,
            "retry_temperature": self.policy.retry_temperature,
            "seed": self.policy.seed,
            "max_new_tokens": self.policy.max_new_tokens,
            **(config or {}),
        }

    def describe(self) -> dict[str, Any]:
        """Return the scorer's settings and generation counters (parse failures, retries) for the run's results."""
        return {**self.config, "stats": dataclasses.asdict(self.stats)}

    def predict(self, instances: Sequence[TaskInstance], granularity: Granularity) -> Iterator[Prediction]:
        """Yield one Prediction per probe of each instance, in instance then probe order."""
        failed_before = self.stats.failed_prompts
        for chunk in chunked(instances, self.instances_per_call):
            yield from self._predict_chunk(chunk, granularity)
        failed = self.stats.failed_prompts - failed_before
        if failed:
            logger.warning(
                "%s: %d prompts still did not parse after %d retries; their probes have predicted=None",
                self.name,
                failed,
                self.policy.max_retries,
            )

    def _predict_chunk(self, chunk: Sequence[TaskInstance], granularity: Granularity) -> Iterator[Prediction]:
        raise NotImplementedError


class GenerateScorer(_GenerationScorer):
    """Scorer of the all-probes generation format: one prompt and one answer per task instance."""

    fmt = "generate"

    def _predict_chunk(self, chunk: Sequence[TaskInstance], granularity: Granularity) -> Iterator[Prediction]:
        functions = self.prompt_functions
        prompts = [functions.render_generate(i, granularity, demographics=self.demographics) for i in chunk]

        def parse(index: int, text: str) -> Sequence[int | None]:
            instance = chunk[index]
            choices = functions.parse_generate_answer(text, instance, granularity)
            return _in_range(choices, [len(p.options(granularity)) for p in instance.probes])

        n_choices = [len(instance.probes) for instance in chunk]
        outcomes = generate_with_retries(self.generator, prompts, parse, n_choices, self.policy, self.stats)
        for instance, outcome in zip(chunk, outcomes, strict=True):
            for probe, choice in zip(instance.probes, outcome.choices, strict=True):
                yield _prediction(
                    instance, probe.question_id, probe.answer(granularity), granularity, choice, outcome
                )


class SingleScorer(_GenerationScorer):
    """Scorer of the single-probe format: one prompt and one answer per probe."""

    fmt = "single"

    def _predict_chunk(self, chunk: Sequence[TaskInstance], granularity: Granularity) -> Iterator[Prediction]:
        functions = self.prompt_functions
        pairs = [(instance, index) for instance in chunk for index in range(len(instance.probes))]
        prompts = [
            functions.render_single(instance, index, granularity, demographics=self.demographics)
            for instance, index in pairs
        ]

        def parse(prompt_index: int, text: str) -> Sequence[int | None]:
            instance, probe_index = pairs[prompt_index]
            n_options = len(instance.probes[probe_index].options(granularity))
            return _in_range([functions.parse_single_answer(text, n_options)], [n_options])

        outcomes = generate_with_retries(
            self.generator, prompts, parse, [1] * len(pairs), self.policy, self.stats
        )
        for (instance, probe_index), outcome in zip(pairs, outcomes, strict=True):
            probe = instance.probes[probe_index]
            answer = probe.answer(granularity)
            yield _prediction(instance, probe.question_id, answer, granularity, outcome.choices[0], outcome)


def _in_range(choices: Sequence[int | None], n_options: Sequence[int]) -> list[int | None]:
    """Replace option indices outside ``[0, n_options)`` by None, so they count as unparsed."""
    if len(choices) != len(n_options):
        return list(choices)  # generate_with_retries rejects the wrong count
    return [
        choice if choice is not None and 0 <= choice < limit else None
        for choice, limit in zip(choices, n_options, strict=True)
    ]


def _prediction(
    instance: TaskInstance,
    question_id: str,
    gold: int,
    granularity: Granularity,
    choice: int | None,
    outcome: GenerationOutcome,
) -> Prediction:
    return Prediction(
        respondent_id=instance.respondent_id,
        setup=instance.setup,
        demos=instance.demos,
        granularity=granularity,
        question_id=question_id,
        predicted=choice,
        gold=gold,
        attempts=outcome.attempts,
        parse_failed=choice is None,
        raw_output=outcome.text,
    )
