"""Settings for the whole test suite: no network, and caches that never touch the user's own."""

from __future__ import annotations

import os
import tempfile

# `datasets` and `huggingface_hub` read these when imported, so they are set before any test module imports them.
# Nothing in the suite may reach the Hugging Face Hub: Hub calls are stubbed where a test needs them.
_CACHE_ROOT = tempfile.mkdtemp(prefix="indievaluecatalog-tests-")
os.environ["HF_HOME"] = os.path.join(_CACHE_ROOT, "hf")
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["INDIEVALUECATALOG_NO_PROGRESS"] = "1"
os.environ["MPLBACKEND"] = "Agg"
os.environ.pop("HF_TOKEN", None)
os.environ.pop("INDIEVALUECATALOG_SOURCE", None)
