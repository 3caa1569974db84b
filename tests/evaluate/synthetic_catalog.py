"""A synthetic catalog for the baseline and evaluation tests: respondents with clustered answers, task instances.

People belong to one of two latent clusters; each cluster prefers one refined option per question and a person
picks it with probability 0.8, so a person's answers predict their other answers, as in the real survey.
No real survey response is involved.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from indievaluecatalog.codebook import Codebook, load_codebook
from indievaluecatalog.splits import load_probe_setups
from indievaluecatalog.splits._records import Probe, TaskInstance

# Probe questions of setups 0 and 1, from the shipped setups file that the build also reads.
SETUP_PROBES = {setup: list(load_probe_setups().setup(setup).question_ids) for setup in (0, 1)}
COUNTRIES = [("Atlantis", "Europe"), ("Borduria", "Europe"), ("Carpania", "Asia"), ("Dorne", "Africa")]


def make_respondents(book: Codebook, n_people: int = 300, seed: int = 7, complete: int = 40) -> pd.DataFrame:
    """Return a respondents table in the catalog contract with clustered synthetic answers.

    The first ``complete`` people answer every question, so they qualify as evaluation people.
    """
    rng = np.random.default_rng(seed)
    cluster = rng.integers(0, 2, size=n_people)
    country_index = rng.integers(0, len(COUNTRIES), size=n_people)
    data: dict[str, object] = {
        "respondent_id": [f"R{i:016x}" for i in range(n_people)],
        "country": [COUNTRIES[i][0] for i in country_index],
        "continent": [COUNTRIES[i][1] for i in country_index],
        "sex": rng.choice(["Male", "Female"], size=n_people),
        "age_band": rng.choice(["16-24", "25-34", "35-44", "45-54", "55+"], size=n_people),
        "religion": pd.array(
            [
                None if rng.random() < 0.1 else str(v)
                for v in rng.choice(["None", "Faith A", "Faith B"], n_people)
            ],
            dtype="string",
        ),
    }
    for question in book.questions:
        n_refined = len(question.refined)
        preferred = rng.integers(0, n_refined, size=2)
        keep = rng.random(n_people) < 0.8
        refined = np.where(keep, preferred[cluster], rng.integers(0, n_refined, size=n_people))
        to_polar = np.array([question.option_for_code(o.codes[0], "polar").index for o in question.refined])
        polar = to_polar[refined]
        missing = rng.random(n_people) < 0.03
        missing[:complete] = False
        data[f"{question.id}_polar"] = pd.array(np.where(missing, -1, polar), dtype="Int8")
        data[f"{question.id}_refined"] = pd.array(np.where(missing, -1, refined), dtype="Int8")
    frame = pd.DataFrame(data)
    for question in book.questions:
        for granularity in ("polar", "refined"):
            column = f"{question.id}_{granularity}"
            frame[column] = frame[column].mask(frame[column] < 0)
    return frame


def make_instances(
    book: Codebook,
    respondents: pd.DataFrame,
    people: list[str],
    *,
    setups: tuple[int, ...] = (0, 1),
    demos: int = 200,
    seed: int = 11,
) -> list[TaskInstance]:
    """Return task instances of ``people``: probes they answered, ``demos`` sampled demonstration answers."""
    rows = respondents.set_index("respondent_id")
    instances = []
    for person in people:
        row = rows.loc[person]
        for setup in setups:
            probe_ids = [q for q in SETUP_PROBES[setup] if pd.notna(row[f"{q}_polar"])]
            probes = []
            for qid in probe_ids:
                question = book.question(qid)
                probes.append(
                    Probe(
                        question_id=qid,
                        category=question.category,
                        wording=question.wording,
                        polar_options=tuple(o.statement for o in question.polar),
                        refined_options=tuple(o.statement for o in question.refined),
                        polar_answer=int(row[f"{qid}_polar"]),
                        refined_answer=int(row[f"{qid}_refined"]),
                    )
                )
            pool = [
                q.id
                for q in book.questions
                if q.id not in SETUP_PROBES[setup] and pd.notna(row[f"{q.id}_polar"])
            ]
            rng = np.random.default_rng([seed, setup, int(person[1:], 16)])
            chosen = [pool[i] for i in rng.permutation(len(pool))[: min(demos, len(pool))]]
            polar = tuple(book.question(q).polar[int(row[f"{q}_polar"])].statement for q in chosen)
            refined = tuple(book.question(q).refined[int(row[f"{q}_refined"])].statement for q in chosen)
            instances.append(
                TaskInstance(
                    respondent_id=person,
                    setup=setup,
                    demos=str(demos),
                    demonstrations_polar=polar,
                    demonstrations_refined=refined,
                    demonstration_questions=tuple(chosen),
                    demographics=(f"I live in {row['country']}.",),
                    probes=tuple(probes),
                )
            )
    return instances


def write_catalog(folder: Path, book: Codebook, respondents: pd.DataFrame, evaluation: list[str]) -> Path:
    """Write the parts of a built catalog that evaluation reads, with the real task-table code of `splits`."""
    import json

    import pyarrow.parquet as pq

    from indievaluecatalog.splits import DEMO_COUNTS, answer_matrix, instance_rows, load_probe_setups

    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    respondents.to_parquet(data / "respondents.parquet", index=False)
    ids = respondents["respondent_id"].tolist()
    chosen = set(evaluation)
    splits = pd.DataFrame(
        {
            "respondent_id": ids,
            "evaluation": ["test" if rid in chosen else "train" for rid in ids],
            "heldout_countries": ["train"] * len(ids),
        }
    )
    splits.to_parquet(data / "splits.parquet", index=False)
    statements = pd.DataFrame(
        [
            {"statement_id": option.statement_id, "text": option.statement}
            for question in book.questions
            for granularity in ("polar", "refined")
            for option in question.options(granularity)
        ]
    )
    statements.to_parquet(data / "statements.parquet", index=False)
    setups = load_probe_setups(codebook=book)
    people = respondents[respondents["respondent_id"].isin(chosen)]
    probes = instance_rows(
        answer_matrix(people, book),
        book,
        [(s.setup, s.question_ids) for s in setups.setups],
        seed=5,
        demos=DEMO_COUNTS,
    )
    pq.write_table(probes, data / "probes.parquet")
    manifest = {
        "dataset": {"version": "0.0.0-test"},
        "codebook": {"version": book.version},
        "splits": {"seed": 5},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def default_book() -> Codebook:
    """Return the shipped codebook."""
    return load_codebook()
