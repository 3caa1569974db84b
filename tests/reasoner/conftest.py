"""Fixtures of the reasoner tests: synthetic training answers and a tiny chat model built locally."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indievaluecatalog.codebook import Codebook, load_codebook

QUESTIONS = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q27", "Q28", "Q29", "Q30")
"""The value questions that the synthetic respondents answer; every other one is absent from their table."""

SPECIAL_TOKENS = ["<pad>", "<unk>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|> {{ message['content'] }} <|end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|> {% endif %}"
)


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    """The shipped codebook."""
    return load_codebook()


def synthetic_respondents(
    codebook: Codebook, n_people: int, *, seed: int = 0, majority_share: float = 0.0, prefix: str = "T"
) -> pd.DataFrame:
    """Return a respondents frame answering QUESTIONS: option 0 with ``majority_share``, else a random option.

    The polar option is the one that contains the refined option's codes, as in a real build.
    """
    rng = np.random.default_rng(seed)
    columns: dict[str, list[object]] = {"respondent_id": [f"{prefix}{i:04d}" for i in range(n_people)]}
    for question_id in QUESTIONS:
        question = codebook.question(question_id)
        refined = [
            0 if rng.random() < majority_share else int(rng.integers(len(question.refined)))
            for _ in range(n_people)
        ]
        polar = [_polar_of(question.refined[r].codes, question) for r in refined]
        columns[f"{question_id}_polar"] = polar
        columns[f"{question_id}_refined"] = refined
    frame = pd.DataFrame(columns)
    for question_id in QUESTIONS:
        for granularity in ("polar", "refined"):
            frame[f"{question_id}_{granularity}"] = frame[f"{question_id}_{granularity}"].astype("Int8")
    return frame


def _polar_of(codes: Sequence[int], question: object) -> int:
    for option in question.polar:  # type: ignore[attr-defined]
        if set(codes) <= set(option.codes):
            return int(option.index)
    raise AssertionError(f"refined codes {codes} lie in no polar option")


def build_tiny_chat_model(folder: Path, texts: Iterable[str], *, seed: int = 0) -> Path:
    """Save a randomly initialised two-layer Llama and a word-level chat tokenizer over ``texts`` to ``folder``."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    words = sorted({word for text in texts for word in re.findall(r"\w+|[^\w\s]", text)})
    vocab = {token: index for index, token in enumerate([*SPECIAL_TOKENS, *words])}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="<unk>", pad_token="<pad>", eos_token="<|end|>"
    )
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS[2:]})
    tokenizer.chat_template = CHAT_TEMPLATE

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        pad_token_id=vocab["<pad>"],
        eos_token_id=vocab["<|end|>"],
        bos_token_id=None,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(config)
    model.generation_config.eos_token_id = vocab["<|end|>"]
    model.generation_config.pad_token_id = vocab["<pad>"]
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def jsonl_texts(path: Path) -> list[str]:
    """Return every message content of a JSONL file of chat examples (for building a tokenizer vocabulary)."""
    texts = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            texts.extend(message["content"] for message in json.loads(line)["messages"])
    return texts


@pytest.fixture
def make_respondents():  # type: ignore[no-untyped-def]
    """The synthetic_respondents builder."""
    return synthetic_respondents


@pytest.fixture
def make_tiny_chat_model():  # type: ignore[no-untyped-def]
    """The build_tiny_chat_model builder."""
    return build_tiny_chat_model


@pytest.fixture
def read_jsonl_texts():  # type: ignore[no-untyped-def]
    """The jsonl_texts reader."""
    return jsonl_texts
