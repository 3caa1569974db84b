"""Synthetic `respondents` tables in the catalog contract, and built catalog folders made from them.

Random answers drawn from the shipped codebook; never real survey responses. Shared by tests/splits and
tests/prompts (loaded by path, since the tests import in importlib mode).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.splits import build_task_tables, write_task_tables

# Three countries per continent where the codebook has them (Oceania has two), by ISO numeric code.
COUNTRIES: tuple[int, ...] = (36, 554, 32, 68, 76, 50, 104, 156, 124, 320, 484, 231, 404, 434, 20, 51, 40)


def respondent_id(country_code: int, interview: int) -> str:
    """Return the contract's pseudonymous id for an interview of a country."""
    digest = hashlib.sha256(f"wvs7:{country_code}:{interview}".encode()).hexdigest()
    return "R" + digest[:16].upper()


def synthetic_respondents(
    codebook: Codebook,
    per_country: int | Mapping[int, int] = 40,
    *,
    seed: int = 0,
    religion_weights: Mapping[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """Return a `respondents` table with random valid answers and a few missing ones per person.

    Each person gets a personal missing rate of 0, 1% or 10%, so some answer every question and some do not.
    ``religion_weights`` maps a continent to the probabilities of religion codes 0-9 there.
    """
    rng = np.random.default_rng(seed)
    counts = per_country if isinstance(per_country, Mapping) else dict.fromkeys(COUNTRIES, per_country)
    religion = codebook.demographic("religion")
    religion_codes = sorted(religion.codes)
    rows: list[dict[str, object]] = []
    for code, count in counts.items():
        country = codebook.country(code)
        assert country is not None, code
        for interview in range(count):
            weights = (religion_weights or {}).get(country.continent)
            probabilities = np.asarray(weights, dtype=float) if weights is not None else None
            religion_code = int(rng.choice(religion_codes, p=probabilities))
            rows.append(
                {
                    "respondent_id": respondent_id(code, interview),
                    "country_code": code,
                    "country": country.name,
                    "country_alpha3": country.alpha3,
                    "continent": country.continent,
                    "weight": 1.0,
                    "religion": religion.codes[religion_code],
                    "religion_code": religion_code,
                    "demographic_statements": [religion.statements[religion_code]],
                    "n_valid_demographics": int(rng.integers(20, 32)),
                }
            )
    frame = pd.DataFrame(rows)
    n = len(frame)
    missing_rate = rng.choice([0.0, 0.01, 0.1], size=n, p=[0.5, 0.3, 0.2])
    columns: dict[str, object] = {}
    for question in codebook.questions:
        codes = np.asarray(sorted(question.codes))
        drawn = rng.choice(codes, size=n)
        polar = np.asarray([question.option_for_code(int(c), "polar").index for c in drawn], dtype=float)  # type: ignore[union-attr]
        refined = np.asarray([question.option_for_code(int(c), "refined").index for c in drawn], dtype=float)  # type: ignore[union-attr]
        missing = rng.random(n) < missing_rate
        polar[missing] = np.nan
        refined[missing] = np.nan
        columns[f"{question.id}_polar"] = pd.array(polar, dtype="Int8")
        columns[f"{question.id}_refined"] = pd.array(refined, dtype="Int8")
        columns[f"{question.id}_missing"] = pd.array(np.where(missing, "dont_know", None), dtype="string")
    frame = pd.concat([frame, pd.DataFrame(columns)], axis=1)
    return recount(frame, codebook)


def recount(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Recompute ``n_valid_answers`` from the answer columns."""
    valid = np.zeros(len(frame), dtype=np.int16)
    for question in codebook.questions:
        valid += (frame[f"{question.id}_polar"].notna() & frame[f"{question.id}_refined"].notna()).to_numpy()
    frame["n_valid_answers"] = pd.array(valid, dtype="Int16")
    return frame


def set_missing(
    frame: pd.DataFrame, row: int, question_ids: Sequence[str], codebook: Codebook
) -> pd.DataFrame:
    """Make the answers of person ``row`` to ``question_ids`` missing and recount valid answers."""
    for question_id in question_ids:
        frame.loc[row, f"{question_id}_polar"] = pd.NA
        frame.loc[row, f"{question_id}_refined"] = pd.NA
        frame.loc[row, f"{question_id}_missing"] = "no_answer"
    return recount(frame, codebook)


def fill_all(frame: pd.DataFrame, row: int, codebook: Codebook) -> pd.DataFrame:
    """Give person ``row`` a valid answer (the first option) to every question that is missing."""
    for question in codebook.questions:
        if pd.isna(frame.loc[row, f"{question.id}_polar"]):
            frame.loc[row, f"{question.id}_polar"] = 0
            frame.loc[row, f"{question.id}_refined"] = 0
            frame.loc[row, f"{question.id}_missing"] = pd.NA
    return recount(frame, codebook)


def fill_everyone(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Replace every missing answer of ``frame`` by the first option."""
    for question in codebook.questions:
        for granularity in ("polar", "refined"):
            column = f"{question.id}_{granularity}"
            frame[column] = frame[column].fillna(0)
        frame[f"{question.id}_missing"] = pd.array([None] * len(frame), dtype="string")
    return recount(frame, codebook)


def write_catalog(frame: pd.DataFrame, codebook: Codebook, folder: Path, *, seed: int = 7) -> Path:
    """Write a minimal built catalog folder: respondents, statements, splits, probes and a manifest."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(data / "respondents.parquet", index=False)
    statements = [
        {
            "statement_id": option.statement_id,
            "question_id": question.id,
            "category": question.category,
            "granularity": granularity,
            "option": option.index,
            "codes": list(option.codes),
            "text": option.statement,
        }
        for question in codebook.questions
        for granularity in ("polar", "refined")
        for option in question.options(granularity)  # type: ignore[arg-type]
    ]
    pq.write_table(pa.Table.from_pylist(statements), data / "statements.parquet")
    tables = build_task_tables(frame, codebook, seed=seed)
    write_task_tables(tables, folder)
    manifest = {"splits": tables.manifest_entry()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def _regenerate_golden(path: Path) -> None:
    from indievaluecatalog.codebook import load_codebook
    from indievaluecatalog.splits import load_probe_setups, select_evaluation

    codebook = load_codebook()
    frame = synthetic_respondents(codebook, 40, seed=11)
    setups = load_probe_setups(codebook=codebook)
    selection = select_evaluation(frame, setups.distinct_questions, seed=5)
    header = "# Evaluation ids of synthetic_respondents(codebook, 40, seed=11) with seed 5.\n"
    path.write_text(header + "".join(f"{rid}\n" for rid in selection.respondent_ids), encoding="utf-8")


if __name__ == "__main__":
    # Regenerate the golden evaluation ids: python tests/splits/synthetic_catalog.py tests/splits/data/golden_evaluation_ids.txt
    import sys

    _regenerate_golden(Path(sys.argv[1]))
