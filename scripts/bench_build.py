"""Benchmark `indievaluecatalog build` on a full-size synthetic WVS-7 .sav file.

Writes a synthetic file of 97,220 respondents x 613 columns with the package's generator. Then, each in a fresh
subprocess, it reads the file with pyreadstat alone and builds it. It reports the median build time and the peak
resident memory of one build (``ru_maxrss`` of the child) next to the median read time. With ``--profile`` it
also runs one build under cProfile and prints the cumulative seconds of each build stage.

    python scripts/bench_build.py [--respondents 97220] [--repeats 3] [--profile] [--write-docs docs/benchmarks.md]

``--write-docs`` replaces the figures of the ``## Build`` section and keeps the paragraphs written below them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

_READ = """
import sys, pyreadstat
pyreadstat.read_sav(sys.argv[1], user_missing=True)
"""
_BUILD = """
import sys
from pathlib import Path
from indievaluecatalog.convert import BuildOptions, build_catalog
build_catalog(sys.argv[1], BuildOptions(out=Path(sys.argv[2]), overwrite=True))
"""


def run_child(code: str, *args: str) -> float:
    """Run ``code`` in a fresh Python process and return its wall time in seconds."""
    env = {**os.environ, "INDIEVALUECATALOG_NO_PROGRESS": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=97_220)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--write-docs", type=Path, default=None, help="Append the figures to this Markdown file."
    )
    parser.add_argument(
        "--profile", action="store_true", help="Also print the stage breakdown of one build under cProfile."
    )
    args = parser.parse_args()

    from indievaluecatalog.sample import write_sample

    with tempfile.TemporaryDirectory(prefix="bench-build-") as folder:
        raw = Path(folder) / "wvs7_full.sav"
        start = time.perf_counter()
        write_sample(raw, respondents=args.respondents, seed=args.seed)
        print(
            f"wrote {raw.name} ({raw.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - start:.1f} s"
        )
        reads = [run_child(_READ, str(raw)) for _ in range(args.repeats)]
        builds = [run_child(_BUILD, str(raw), str(Path(folder) / "catalog")) for _ in range(args.repeats)]
        # Peak memory: one more build in a child of a fresh process, so that process's RUSAGE_CHILDREN
        # ru_maxrss (KiB on Linux) covers that build alone.
        peak_code = (
            "import resource, subprocess, sys\n"
            "subprocess.run([sys.executable, '-c', sys.argv[1], sys.argv[2], sys.argv[3]], check=True)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        output = subprocess.run(
            [sys.executable, "-c", peak_code, _BUILD, str(raw), str(Path(folder) / "catalog")],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "INDIEVALUECATALOG_NO_PROGRESS": "1"},
        ).stdout
        peak_mib = int(output.strip().splitlines()[-1]) / 1024
        manifest = json.loads((Path(folder) / "catalog" / "manifest.json").read_text())
        if args.profile:
            print_profile(raw, Path(folder) / "catalog", Path(folder) / "build.prof")

    figures = {
        "respondents": args.respondents,
        "columns": 613,
        "repeats": args.repeats,
        "read_median_s": round(statistics.median(reads), 2),
        "build_median_s": round(statistics.median(builds), 2),
        "ratio": round(statistics.median(builds) / statistics.median(reads), 2),
        "build_peak_rss_mib": round(peak_mib),
        "row_counts": manifest["row_counts"],
        "profile": args.profile,
    }
    print(json.dumps(figures, indent=2))
    if args.write_docs:
        append_docs(args.write_docs, figures)


PROFILED_STAGES = {
    "read_wvs_file": "read the needed columns",
    "validate_stage": "pandera validation (all stages)",
    "build_respondents": "respondents table",
    "build_task_tables": "splits and probes configs",
    "finish": "finish the folder: wait for parquet writes, text files, hashes",
    "load_codebook": "load the codebook",
}
"""Functions of the build whose cumulative time the profile reports, with what they stand for."""


def print_profile(raw: Path, out: Path, stats_path: Path) -> None:
    """Profile one build in a fresh process and print the cumulative seconds of each stage and of the imports.

    cProfile sees only the main thread: parquet files are encoded in background threads, and only the time the
    main thread waits for them shows (in ``finish``). Profiler overhead inflates Python-heavy stages.
    """
    # NOTE: once, on 2026-12-04, this profiled build grew to 24 GB and was killed by the system; a dozen later
    # profiled and plain builds stayed near 1.25 GB, and the cause (perhaps cProfile with the writer threads)
    # is not known.
    env = {**os.environ, "INDIEVALUECATALOG_NO_PROGRESS": "1"}
    script = stats_path.with_suffix(".py")
    script.write_text(_BUILD, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(stats_path), str(script), str(raw), str(out)],
        check=True,
        env=env,
    )
    import pstats

    stats = pstats.Stats(str(stats_path))
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(cumulative for _, _, _, cumulative, _ in entries.values())
    print(f"profiled build: {total:.1f} s in the main thread")
    for function, label in PROFILED_STAGES.items():
        seconds = sum(
            cumulative for (_, _, name), (_, _, _, cumulative, _) in entries.items() if name == function
        )
        print(f"  {label}: {seconds:.2f} s")
    imports = sum(
        cumulative
        for (file, _, name), (_, _, _, cumulative, _) in entries.items()
        if name == "<module>" and file.endswith(("indievaluecatalog/convert/__init__.py",))
    )
    print(f"  import indievaluecatalog.convert: {imports:.2f} s")


def append_docs(path: Path, figures: dict[str, object]) -> None:
    """Append (or replace) the ``## Build`` section of the benchmarks page."""
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    machine = (
        f"{os.cpu_count()} CPU cores, {memory_gib:.0f} GiB memory, {platform.machine()}, "
        f"Python {platform.python_version()}, no GPU"
    )
    profile = " --profile" if figures.get("profile") else ""
    section = f"""## Build

Command: `python scripts/bench_build.py --repeats {figures["repeats"]}{profile} --write-docs {path.as_posix()}`
Machine: {machine}. Date: {date.today().isoformat()}.
Input: a synthetic WVS-7 v6.0 `.sav` of {figures["respondents"]:,} respondents x {figures["columns"]} columns,
written by `indievaluecatalog.sample.write_sample`. Each run is a fresh Python process.

| measure | median of {figures["repeats"]} |
| --- | --- |
| pyreadstat `read_sav(user_missing=True)`, whole file | {figures["read_median_s"]} s |
| `indievaluecatalog build` (all configs) | {figures["build_median_s"]} s |
| build / read | {figures["ratio"]} |
| build peak RSS (one run) | {figures["build_peak_rss_mib"]} MiB |

Targets: at most 60 s, 4 GB peak memory, and 1.5 x the pyreadstat read time.
"""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find("\n## Build\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        old_section = text[start + 1 : end + 1] if end >= 0 else text[start + 1 :]
        text = text[: start + 1] + section + _notes(old_section) + (text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def _notes(section: str) -> str:
    """Return the hand-written paragraphs that follow the generated ``Targets:`` line of a ``## Build`` section."""
    marker = section.find("\nTargets:")
    if marker < 0:
        return ""
    after = section.find("\n", marker + 1)
    return section[after + 1 :] if after >= 0 else ""


if __name__ == "__main__":
    main()
