"""Benchmark shared-prefix log-likelihood scoring against scoring every option from its full prompt.

Builds a catalog from the built-in synthetic sample and renders log-likelihood prompts with the package's
templates at N demonstrations. A random-weight model of a known shape scores them twice: once encoding each
prompt's prefix once (the hf backend's default), and once running every probe option from its whole
sequence. The script reports forward tokens and wall time per prompt (medians over repeats), their ratios,
the largest score difference between the two modes, and an estimate of the full protocol's time
(800 people x 3 setups x 2 granularities = 4,800 prompts of 39 probes) from the shared-prefix throughput.
Nothing is downloaded: the tokenizer is trained on the codebook's statements on the spot.

    python scripts/bench_evaluate.py                                   # tiny Llama on the CPU
    python scripts/bench_evaluate.py --shape llama-8b --device cuda --modes shared --people 8
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from indievaluecatalog.codebook import load_codebook
from indievaluecatalog.convert import BuildOptions, build_catalog
from indievaluecatalog.evaluate.backends._hf_loglik import HFLoglikEngine
from indievaluecatalog.evaluate.backends._random_model import SHAPES, build_bpe_tokenizer, build_random_model
from indievaluecatalog.evaluate.backends.hf import resolve_device
from indievaluecatalog.prompts import LoglikPrompt, render_loglik
from indievaluecatalog.sample import builtin_sample_path
from indievaluecatalog.splits import load_task_instances

PROTOCOL_PROMPTS = 800 * 3 * 2
"""Prompts of the full protocol: 800 people, 3 probe setups, polar and refined."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shape", choices=sorted(SHAPES), default="tiny-llama", help="model shape (default tiny-llama)"
    )
    parser.add_argument("--people", type=int, default=3, help="evaluation people, setup 0 (default 3)")
    parser.add_argument("--demos", default="200", help="demonstrations per prompt (default 200)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats per mode (default 3)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default cpu)")
    parser.add_argument(
        "--dtype", default="auto", help="auto (bf16 on a GPU, float32 on the CPU), bfloat16, float32"
    )
    parser.add_argument(
        "--batch-size", type=int, default=32, help="option sequences per forward pass (default 32)"
    )
    parser.add_argument("--modes", default="shared,full", help="comma-separated: shared, full (default both)")
    parser.add_argument(
        "--vocab-size", type=int, default=4000, help="size of the trained tokenizer (default 4000)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser.parse_args(argv)


def build_prompts(people: int, demos: str) -> list[LoglikPrompt]:
    """Render polar and refined log-likelihood prompts of ``people`` evaluation people from the built-in sample."""
    with tempfile.TemporaryDirectory() as folder:
        catalog = Path(folder) / "catalog"
        build_catalog(builtin_sample_path(), BuildOptions(out=catalog))
        instances = load_task_instances(catalog, demos=demos, setups=(0,), limit=people)
    return [
        render_loglik(instance, granularity) for instance in instances for granularity in ("polar", "refined")
    ]


def tokenizer_corpus() -> list[str]:
    codebook = load_codebook()
    texts = [question.wording for question in codebook.questions]
    for question in codebook.questions:
        texts += [option.statement for option in question.polar + question.refined]
    return texts


def run_mode(
    engine: HFLoglikEngine, prompts: list[LoglikPrompt], repeats: int, device: str
) -> dict[str, Any]:
    import torch

    seconds, scores = [], None
    for _ in range(repeats):
        engine.stats.forward_tokens = 0
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        start = time.perf_counter()
        scores = engine.score(prompts)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        seconds.append((time.perf_counter() - start) / len(prompts))
    return {
        "seconds_per_prompt": statistics.median(seconds),
        "forward_tokens_per_prompt": engine.stats.forward_tokens / len(prompts),
        "scores": scores,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    import torch

    device = resolve_device(args.device)
    dtype = args.dtype
    if dtype == "auto":
        dtype = "float32" if device == "cpu" else "bfloat16"
    prompts = build_prompts(args.people, args.demos)
    tokenizer = build_bpe_tokenizer(tokenizer_corpus(), vocab_size=args.vocab_size)
    model = build_random_model(args.shape, tokenizer, dtype=dtype, device=device)
    prefix_tokens = statistics.median(len(tokenizer(p.prefix)["input_ids"]) for p in prompts)
    options = statistics.median(sum(len(probe.continuations) for probe in p.probes) for p in prompts)

    results: dict[str, Any] = {
        "shape": args.shape,
        "device": device,
        "dtype": dtype,
        "torch": torch.__version__,
        "machine": platform.machine(),
        "prompts": len(prompts),
        "demos": args.demos,
        "median_prefix_tokens": prefix_tokens,
        "median_options_per_prompt": options,
        "batch_size": args.batch_size,
        "repeats": args.repeats,
    }
    modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    measured: dict[str, dict[str, Any]] = {}
    for mode in modes:
        engine = HFLoglikEngine(
            model, tokenizer, model_name=args.shape, batch_size=args.batch_size, share_prefix=mode == "shared"
        )
        first = prompts[0]
        engine.score([LoglikPrompt(first.prefix, first.probes[:1], first.template_id)])  # warm-up
        measured[mode] = run_mode(engine, prompts, args.repeats, device)
        results[mode] = {k: v for k, v in measured[mode].items() if k != "scores"}

    if "shared" in measured and "full" in measured:
        shared, full = measured["shared"], measured["full"]
        results["forward_token_ratio"] = (
            full["forward_tokens_per_prompt"] / shared["forward_tokens_per_prompt"]
        )
        results["time_ratio"] = full["seconds_per_prompt"] / shared["seconds_per_prompt"]
        results["max_score_difference"] = max(
            abs(a.logprob - b.logprob)
            for prompt_a, prompt_b in zip(shared["scores"], full["scores"], strict=True)
            for probe_a, probe_b in zip(prompt_a, prompt_b, strict=True)
            for a, b in zip(probe_a, probe_b, strict=True)
        )
    if "shared" in measured:
        results["estimated_protocol_seconds"] = measured["shared"]["seconds_per_prompt"] * PROTOCOL_PROMPTS

    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
