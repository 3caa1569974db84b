"""Provenance of a run: package version, git commit and prompt templates."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

logger = logging.getLogger(__name__)


def git_commit() -> str | None:
    """Return the commit of the package's source checkout, or None outside a git checkout."""
    source = Path(__file__).resolve().parents[2]
    try:
        result = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


def prompt_templates() -> dict[str, str]:
    """Return the text of every prompt template, keyed by template id (empty when prompts are unavailable)."""
    try:
        from indievaluecatalog.prompts._templates import template_texts
    except ImportError:
        logger.warning("prompt templates are not available; results will not record them")
        return {}
    return template_texts()
