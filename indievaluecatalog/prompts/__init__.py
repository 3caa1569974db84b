"""Versioned prompt templates and rendering of task instances for the three prompt formats."""

from indievaluecatalog.prompts._parse import parse_generate_answer, parse_single_answer
from indievaluecatalog.prompts._records import ChatPrompt, LoglikProbe, LoglikPrompt
from indievaluecatalog.prompts._render import (
    format_single_answer,
    render_generate,
    render_loglik,
    render_person,
    render_single,
)
from indievaluecatalog.prompts._templates import (
    DEFAULT_VERSION,
    PromptTemplateError,
    TemplateSet,
    available_versions,
    load_templates,
    template_texts,
)

__all__ = [
    "DEFAULT_VERSION",
    "ChatPrompt",
    "LoglikProbe",
    "LoglikPrompt",
    "PromptTemplateError",
    "TemplateSet",
    "available_versions",
    "format_single_answer",
    "load_templates",
    "parse_generate_answer",
    "parse_single_answer",
    "render_generate",
    "render_loglik",
    "render_person",
    "render_single",
    "template_texts",
]
