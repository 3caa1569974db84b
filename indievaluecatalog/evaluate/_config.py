"""The configuration of an evaluation run and the part of it that fixes the predictions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.errors import EvaluationError

ModelFormat = Literal["loglik", "generate", "single"]
BACKENDS: tuple[str, ...] = ("hf", "vllm", "openai")
FORMATS: tuple[str, ...] = ("loglik", "generate", "single")


@dataclass(frozen=True)
class EvaluationConfig:
    """Everything that defines one evaluation run; saved in ``results.json``."""

    catalog: str
    """Catalog folder, or Hub dataset id with an optional revision (``OWNER/NAME@v1.0.0``), as given."""
    granularities: tuple[Granularity, ...] = ("polar", "refined")
    baseline: str | None = None
    """Baseline name; exactly one of ``baseline`` and ``model`` is set."""
    model: str | None = None
    """Model name or path, for a model backend."""
    backend: str | None = None
    """``hf``, ``vllm`` or ``openai``, with ``model``."""
    format: str | None = None
    """Prompt format ``loglik``, ``generate`` or ``single``, with ``model``."""
    demos: str = "200"
    """Number of demonstrations as published: "0", "50", "100", "150", "200" or "mixed"."""
    setups: tuple[int, ...] = (0, 1, 2)
    limit: int | None = None
    """Evaluate only the first ``limit`` evaluation people by respondent id; None for all."""
    seed: int = 0
    """Seed of the scorer (random baseline, tie-breaking, sampling at retries) and of the bootstrap."""
    demographics: bool = False
    """Add the person's demographic statements to model prompts; rejected with a baseline."""
    bootstrap: int = 1000
    """Bootstrap resamples of people for the 95% intervals; 0 skips them."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """Extra settings of the baseline (k, rank, min_cell) or of the backend (batch size, dtype, ...)."""

    def __post_init__(self) -> None:
        if (self.baseline is None) == (self.model is None):
            raise EvaluationError(
                "An evaluation needs exactly one scorer: a baseline or a model.",
                hint="pass either --baseline NAME or --model NAME_OR_PATH with --backend and --format",
            )
        if self.model is not None:
            if self.backend not in BACKENDS:
                raise EvaluationError(
                    f"Unknown or missing backend {self.backend!r} for model {self.model}.",
                    hint=f"pass --backend with one of {', '.join(BACKENDS)}",
                )
            if self.format not in FORMATS:
                raise EvaluationError(
                    f"Unknown or missing prompt format {self.format!r} for model {self.model}.",
                    hint=f"pass --format with one of {', '.join(FORMATS)}",
                )
        if self.baseline is not None and self.demographics:
            raise EvaluationError(
                f"Baseline {self.baseline!r} takes no prompt, so demographics cannot be added to it.",
                hint="drop --demographics for a baseline; demographic-majority already uses country, sex and age",
            )
        if not self.granularities or any(g not in ("polar", "refined") for g in self.granularities):
            raise EvaluationError(
                f"Invalid granularities {self.granularities!r}.", hint="use polar, refined or both"
            )
        if not self.setups or any(s not in (0, 1, 2) for s in self.setups):
            raise EvaluationError(f"Invalid probe setups {self.setups!r}.", hint="use a subset of 0,1,2")
        if self.limit is not None and self.limit < 1:
            raise EvaluationError(
                f"limit must be at least 1, not {self.limit}.", hint="omit it to evaluate everyone"
            )
        if self.bootstrap < 0:
            raise EvaluationError(
                f"bootstrap must be 0 or more resamples, not {self.bootstrap}.",
                hint="use 0 to skip intervals",
            )

    @property
    def scorer_name(self) -> str:
        """Short label of the scorer, e.g. ``baseline:resemblance`` or ``hf:gpt2:loglik``."""
        if self.baseline is not None:
            return f"baseline:{self.baseline}"
        return f"{self.backend}:{self.model}:{self.format}"

    def as_dict(self) -> dict[str, Any]:
        """Return the configuration as JSON-ready values."""
        values = asdict(self)
        values["granularities"] = list(self.granularities)
        values["setups"] = list(self.setups)
        values["options"] = dict(self.options)
        return values

    def identity(self) -> dict[str, Any]:
        """Return the settings that determine the predictions; a run directory accepts only one identity.

        ``bootstrap`` is left out because it changes the intervals, not the predictions, so a rerun with another
        number of resamples reuses every prediction and recomputes the metrics.
        """
        values = self.as_dict()
        del values["bootstrap"]
        return values
