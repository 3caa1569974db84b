"""Provenance of a run: the prompt templates it used."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def prompt_templates() -> dict[str, str]:
    """Return the text of every prompt template, keyed by template id (empty when prompts are unavailable)."""
    try:
        from indievaluecatalog.prompts._templates import template_texts
    except ImportError:
        logger.warning("prompt templates are not available; results will not record them")
        return {}
    return template_texts()
