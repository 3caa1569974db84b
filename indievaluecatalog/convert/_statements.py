"""The ``statements`` table: one row per option per granularity of every value question."""

from __future__ import annotations

import pyarrow as pa

from indievaluecatalog.codebook import GRANULARITIES, Codebook


def build_statements(book: Codebook) -> pa.Table:
    """Build the statement catalog from the codebook, in question order, polar before refined."""
    rows: dict[str, list[object]] = {
        "statement_id": [],
        "question_id": [],
        "category": [],
        "granularity": [],
        "option": [],
        "codes": [],
        "text": [],
    }
    for question in book.questions:
        for granularity in GRANULARITIES:
            for option in question.options(granularity):
                rows["statement_id"].append(option.statement_id)
                rows["question_id"].append(question.id)
                rows["category"].append(question.category)
                rows["granularity"].append(granularity)
                rows["option"].append(option.index)
                rows["codes"].append(list(option.codes))
                rows["text"].append(option.statement)
    schema = pa.schema(
        [
            ("statement_id", pa.string()),
            ("question_id", pa.string()),
            ("category", pa.string()),
            ("granularity", pa.string()),
            ("option", pa.int8()),
            ("codes", pa.list_(pa.int16())),
            ("text", pa.string()),
        ]
    )
    return pa.table(rows, schema=schema)
