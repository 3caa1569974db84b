"""Compare the value labels that a file declares with the codebook (label drift between data versions)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.readers._records import LabelDifference

_APOSTROPHES = str.maketrans({"´": "'", "’": "'", "‘": "'", "`": "'"})


def normalize_label(label: str) -> str:
    """Fold case, apostrophe variants, runs of whitespace and a final period, which vary between releases."""
    text = label.translate(_APOSTROPHES).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(".").strip()


def codebook_labels(book: Codebook) -> dict[str, tuple[dict[int, str], dict[int, str]]]:
    """Return, per WVS-7 variable, its substantive value labels and its missing-code labels from the codebook.

    Covers the value questions and the demographic items with a closed code list.
    """
    labels: dict[str, tuple[dict[int, str], dict[int, str]]] = {}
    for question in book.questions:
        labels[question.id] = ({**question.codes, **question.outside_codes}, dict(question.missing_codes))
    for item in book.demographics:
        if item.variable and item.kind == "coded":
            labels[item.variable] = (dict(item.codes), dict(item.missing_codes))
    return labels


def compare_labels(
    book: Codebook, file_labels: Mapping[str, Mapping[int, str]], renamed: Mapping[str, str]
) -> tuple[LabelDifference, ...]:
    """Return every difference between the file's value labels and the codebook, by variable and code.

    A variable without value labels in the file (every CSV) is not compared. A substantive code that the codebook
    lists and the file does not label is a difference; an unlabelled missing code is not, because files declare
    only the missing codes they use.
    """
    differences: list[LabelDifference] = []
    for variable, (substantive, missing) in codebook_labels(book).items():
        in_file = file_labels.get(variable)
        if not in_file:
            continue
        file_variable = renamed.get(variable, variable)
        expected = {**missing, **substantive}
        for code in sorted(set(expected) | set(in_file)):
            file_label = in_file.get(code)
            book_label = expected.get(code)
            if file_label is None and code in missing:
                continue
            same = file_label is not None and book_label is not None
            if same and normalize_label(file_label or "") == normalize_label(book_label or ""):
                continue
            differences.append(LabelDifference(variable, file_variable, code, file_label, book_label))
    return tuple(differences)
