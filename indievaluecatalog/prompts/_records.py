"""Rendered prompts of the three formats."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChatPrompt:
    """A prompt for the generation formats, as a system and a user message."""

    system: str
    user: str
    template_id: str
    """Template name and version, e.g. ``single/v1``, saved with every result."""

    def as_messages(self) -> list[dict[str, str]]:
        """Return the prompt as chat messages for a chat template or an OpenAI-compatible API."""
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user}]


@dataclass(frozen=True)
class LoglikProbe:
    """One probe of a log-likelihood prompt: a probe-specific context and one continuation per option."""

    question_id: str
    context: str
    """Text that follows the shared prefix for this probe (may be empty)."""
    continuations: tuple[str, ...]
    """Option statements to score, each appended after ``context``."""
    answer: int


@dataclass(frozen=True)
class LoglikPrompt:
    """A log-likelihood prompt: a prefix shared by all probes of one person and setup, then the probes."""

    prefix: str
    probes: tuple[LoglikProbe, ...]
    template_id: str
