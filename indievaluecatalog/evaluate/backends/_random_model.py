"""Random-weight causal models of known shapes and a small BPE tokenizer trained on the spot.

Benchmarks and tests use them so that nothing is downloaded: scores are meaningless, but sequence lengths,
cache handling and speed are those of a real model of the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._extras import require

# llama-8b follows the published config of Llama-3.1-8B; vocab_size is at least the tokenizer's. The tiny
# shapes use initializer_range 0.2 (not 0.02) so token log-probabilities vary by about a nat and tests that
# compare scores can tell a shifted position from a correct one.
SHAPES: dict[str, dict[str, Any]] = {
    "tiny-llama": {
        "architecture": "llama",
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "initializer_range": 0.2,
    },
    "tiny-gpt2": {"architecture": "gpt2", "n_embd": 32, "n_layer": 2, "n_head": 4, "initializer_range": 0.2},
    "llama-8b": {
        "architecture": "llama",
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "vocab_size": 128256,
        "rope_theta": 500000.0,
    },
}

SIMPLE_CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
"""A minimal chat template for tests of the chat-template path."""


def build_bpe_tokenizer(
    corpus: Iterable[str], *, vocab_size: int = 1000, chat_template: str | None = None
) -> Any:
    """Train a byte-level BPE tokenizer on ``corpus`` with BOS ``<s>``, EOS ``</s>`` and PAD ``<pad>``."""
    tokenizers = require("tokenizers", "eval")
    transformers = require("transformers", "eval")
    tokenizer = tokenizers.Tokenizer(tokenizers.models.BPE())
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = tokenizers.decoders.ByteLevel()
    trainer = tokenizers.trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<s>", "</s>", "<pad>"],
        initial_alphabet=tokenizers.pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(corpus, trainer)
    tokenizer.post_processor = tokenizers.processors.TemplateProcessing(
        single="<s> $A", special_tokens=[("<s>", tokenizer.token_to_id("<s>"))]
    )
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>"
    )
    if chat_template is not None:
        fast.chat_template = chat_template
    return fast


def build_random_model(
    shape: str, tokenizer: Any, *, dtype: str = "float32", device: str = "cpu", seed: int = 0
) -> Any:
    """Build a causal model of ``shape`` (a key of SHAPES) with random weights, in eval mode."""
    torch = require("torch", "eval")
    transformers = require("transformers", "eval")
    if shape not in SHAPES:
        raise EvaluationError(f"Unknown model shape {shape!r}.", hint=f"use one of: {', '.join(SHAPES)}")
    settings = dict(SHAPES[shape])
    architecture = settings.pop("architecture")
    vocab_size = max(len(tokenizer), int(settings.pop("vocab_size", 0)))
    special = {
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }
    if architecture == "llama":
        config = transformers.LlamaConfig(
            vocab_size=vocab_size, max_position_embeddings=16384, **settings, **special
        )
        model_class = transformers.LlamaForCausalLM
    else:
        config = transformers.GPT2Config(vocab_size=vocab_size, n_positions=16384, **settings, **special)
        model_class = transformers.GPT2LMHeadModel
    torch.manual_seed(seed)
    torch_dtype = getattr(torch, dtype)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch_dtype)
    try:
        with torch.device(device):
            model = model_class(config)
    finally:
        torch.set_default_dtype(previous)
    return model.eval()
