"""Model backends of the reference evaluator: transformers (``hf``), vLLM (``vllm``) and OpenAI-compatible APIs.

The backends' libraries are imported only when a scorer is made, so this package imports without them.
"""

from indievaluecatalog.evaluate.backends._factory import BACKENDS, make_model_scorer
from indievaluecatalog.evaluate.backends._formats import (
    PROMPT_FORMATS,
    PromptFunctions,
    default_prompt_functions,
)
from indievaluecatalog.evaluate.backends._generation import (
    GenerateScorer,
    GenerationOutcome,
    RetryPolicy,
    SingleScorer,
    TextGenerator,
    generate_with_retries,
)
from indievaluecatalog.evaluate.backends._loglik import (
    LoglikEngine,
    LoglikScorer,
    OptionScore,
    option_logprobs,
)

__all__ = [
    "BACKENDS",
    "PROMPT_FORMATS",
    "GenerateScorer",
    "GenerationOutcome",
    "LoglikEngine",
    "LoglikScorer",
    "OptionScore",
    "PromptFunctions",
    "RetryPolicy",
    "SingleScorer",
    "TextGenerator",
    "default_prompt_functions",
    "generate_with_retries",
    "make_model_scorer",
    "option_logprobs",
]
