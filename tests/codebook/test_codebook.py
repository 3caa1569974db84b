"""Tests of the shipped codebook and of the checks that guard it."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from indievaluecatalog.cli import cli
from indievaluecatalog.codebook import (
    GRANULARITIES,
    check_codebook,
    default_codebook_path,
    load_codebook,
    load_reference_groupings,
)
from indievaluecatalog.errors import CodebookError

EXCLUDED = {"Q82", "Q91", "Q92", "Q93", "Q105", "Q223"}


@pytest.fixture(scope="module")
def shipped_document() -> dict:
    """The shipped codebook as a parsed YAML document, parsed once."""
    return yaml.safe_load(default_codebook_path().read_text(encoding="utf-8"))


@pytest.fixture
def document(shipped_document: dict) -> dict:
    """A copy of the shipped codebook that a test may break."""
    return copy.deepcopy(shipped_document)


def write_codebook(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_counts_match_the_catalog() -> None:
    """The shipped codebook has the catalog's question, option, item and country counts."""
    book = load_codebook()
    assert len(book.questions) == 253
    assert len(book.excluded) == 6
    assert len(book.options("polar")) == 567
    assert len(book.options("refined")) == 929
    assert len(book.demographics) == 31
    assert len(book.countries) == 92
    assert len(book.categories) == 13


def test_value_questions_cover_q1_to_q259_less_exclusions() -> None:
    """Value and excluded questions together are exactly Q1-Q259."""
    book = load_codebook()
    ids = {q.id for q in book.questions}
    assert {e.id for e in book.excluded} == EXCLUDED
    assert ids | EXCLUDED == {f"Q{i}" for i in range(1, 260)}
    assert not ids & EXCLUDED


def test_excluded_questions_state_a_reason() -> None:
    """Every excluded question records why it is left out."""
    for excluded in load_codebook().excluded:
        assert len(excluded.reason) > 20, excluded.id


def test_groupings_equal_reference_file() -> None:
    """Polar and refined groupings, categories and types equal the reference groupings table."""
    book = load_codebook()
    reference = load_reference_groupings()
    assert set(reference) == {q.id for q in book.questions}
    for question in book.questions:
        expected = reference[question.id]
        assert question.category == expected.category, question.id
        assert question.type == expected.question_type, question.id
        assert tuple(o.codes for o in question.polar) == expected.polar, question.id
        assert tuple(o.codes for o in question.refined) == expected.refined, question.id


def test_reference_file_totals() -> None:
    """The reference table itself sums to the published 567 polar and 929 refined options."""
    reference = load_reference_groupings()
    assert sum(len(g.polar) for g in reference.values()) == 567
    assert sum(len(g.refined) for g in reference.values()) == 929


def test_every_code_renders_at_both_granularities() -> None:
    """Every valid code of every question maps to exactly one option with a sentence."""
    for question in load_codebook().questions:
        for code in question.codes:
            for granularity in GRANULARITIES:
                option = question.option_for_code(code, granularity)
                assert option is not None, (question.id, code, granularity)
                assert option.statement.endswith((".", "!", "?")), option.statement_id
                assert option.statement[0].isupper(), option.statement_id


def test_missing_and_outside_codes_render_nothing() -> None:
    """Negative missing codes and outside codes belong to no option."""
    book = load_codebook()
    q111 = book.question("Q111")
    assert 3 in q111.outside_codes
    assert q111.option_for_code(3, "polar") is None
    assert book.question("Q1").option_for_code(-1, "refined") is None


def test_statements_are_first_person() -> None:
    """Every option statement speaks in the first person."""
    markers = (" I ", "I ", " my ", "My ", " me ", " me.", " I'", "I'", " myself", " mine")
    for option in load_codebook().options("refined") + load_codebook().options("polar"):
        text = f" {option.statement}"
        assert any(marker in text for marker in markers), option.statement_id


def test_statement_ids_are_unique() -> None:
    """Statement ids are unique across the catalog."""
    book = load_codebook()
    ids = [o.statement_id for g in GRANULARITIES for o in book.options(g)]
    assert len(ids) == len(set(ids))


def test_demographics_have_sixteen_dimensions() -> None:
    """Sixteen demographic items feed the Value Inequity Index."""
    book = load_codebook()
    assert len(book.dimensions) == 16
    assert book.dimensions[:3] == ("country", "continent", "sex")


def test_demographic_rendering() -> None:
    """Coded, count, country and open items render their statements; missing codes render nothing."""
    book = load_codebook()
    sex = book.demographic("sex")
    assert sex.render(2) and sex.render(2) != sex.render(1)
    assert sex.render(-2) is None
    children = book.demographic("children")
    three = children.render(3) or ""
    assert "3" in three or "three" in three
    assert children.render(99) is None
    country = book.demographic("country")
    assert "Peru" in (country.render(604, label="Peru") or "")
    assert country.render(604) is None


def test_countries_have_continents_and_sizes() -> None:
    """The 65 WVS-7 countries carry v6.0 sample sizes summing to 97,220."""
    book = load_codebook()
    sized = [c for c in book.countries if c.wvs7_v6_respondents]
    assert len(sized) == 65
    assert sum(c.wvs7_v6_respondents or 0 for c in sized) == 97_220
    assert {c.continent for c in book.countries} == {
        "Africa",
        "Asia",
        "Europe",
        "North America",
        "Oceania",
        "South America",
    }


def test_aliases_for_timeseries_and_joint_files() -> None:
    """Questions carry their time-series and joint EVS/WVS names."""
    q1 = load_codebook().question("Q1")
    assert q1.aliases.timeseries == "A001"
    assert q1.aliases.joint == "A001"


def test_check_passes_on_shipped_codebook() -> None:
    """`check_codebook` finds no problem in the shipped codebook."""
    report = check_codebook()
    assert report.ok, [str(p) for p in report.problems]
    assert report.statements_rendered > 567 + 929


def test_check_reports_missing_option(tmp_path: Path, document: dict) -> None:
    """Removing an option leaves its code uncovered and the check names question and code."""
    document["questions"][0]["refined"].pop()
    report = check_codebook(write_codebook(tmp_path, document))
    messages = [str(p) for p in report.problems]
    assert "Q1 code 4: code is covered by no refined option" in messages
    assert any(m.startswith("Q1: refined grouping") for m in messages)


def test_check_reports_code_in_two_options(tmp_path: Path, document: dict) -> None:
    """A code listed in two options is reported with both option numbers."""
    document["questions"][0]["polar"][1]["codes"] = [2, 3, 4]
    report = check_codebook(write_codebook(tmp_path, document))
    assert "Q1 code 2: code is in polar options 1, 2" in [str(p) for p in report.problems]


def test_check_reports_unknown_code(tmp_path: Path, document: dict) -> None:
    """An option code absent from the question's codes is reported."""
    document["questions"][1]["refined"][3]["codes"] = [4, 9]
    report = check_codebook(write_codebook(tmp_path, document))
    assert "Q2 code 9: refined option 4 uses a code not in codes" in [str(p) for p in report.problems]


def test_check_reports_duplicate_and_empty_statements(tmp_path: Path, document: dict) -> None:
    """Repeated and blank statements are reported for their question."""
    options = document["questions"][2]["refined"]
    options[1]["statement"] = options[0]["statement"]
    document["questions"][3]["polar"][0]["statement"] = " "
    report = check_codebook(write_codebook(tmp_path, document))
    messages = [str(p) for p in report.problems]
    assert any(m.startswith("Q3: refined statement repeated 2 times") for m in messages)
    assert "questions[Q4].polar[0].statement: must not be empty or blank" in messages


def test_check_reports_duplicate_id(tmp_path: Path, document: dict) -> None:
    """A question listed twice is named in the report and rejected by the loader."""
    document["questions"].append(document["questions"][0])
    path = write_codebook(tmp_path, document)
    report = check_codebook(path)
    assert "questions[Q1]: id Q1 is listed twice (also in questions)" in [str(p) for p in report.problems]
    with pytest.raises(CodebookError, match=r"questions\[Q1\]: id Q1 is listed twice"):
        load_codebook(path)


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    """Broken YAML fails with the file and the line of the error."""
    path = tmp_path / "broken.yaml"
    path.write_text("name: wvs7\nquestions: [\n  - id: Q1\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"broken.yaml is not valid YAML at line \d+"):
        load_codebook(path)
    report = check_codebook(path)
    assert not report.ok


def test_schema_violation_names_entry(tmp_path: Path, document: dict) -> None:
    """A question without a category is named by id in the loader's error."""
    del document["questions"][5]["category"]
    with pytest.raises(CodebookError, match=r"questions\[Q6\]: 'category' is a required property"):
        load_codebook(write_codebook(tmp_path, document))


def test_check_reports_grouping_drift(tmp_path: Path, document: dict) -> None:
    """Regrouping codes that stay covered is still caught by the reference comparison."""
    question = document["questions"][0]
    question["polar"] = [
        {"codes": [1], "statement": "Family is very important in my life."},
        {"codes": [2, 3, 4], "statement": "Family is less than very important in my life."},
    ]
    report = check_codebook(write_codebook(tmp_path, document))
    assert any(str(p).startswith("Q1: polar grouping [[1], [2, 3, 4]] differs") for p in report.problems)


def test_missing_codebook_file(tmp_path: Path) -> None:
    """A codebook path that does not exist raises CodebookError naming it."""
    with pytest.raises(CodebookError, match="not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_cli_stats_json() -> None:
    """`codebook stats --json` prints the headline counts."""
    result = CliRunner().invoke(cli, ["codebook", "stats", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts == {
        "value_questions": 253,
        "excluded_questions": 6,
        "polar_options": 567,
        "refined_options": 929,
        "demographic_items": 31,
        "countries": 92,
        "version": load_codebook().version,
    }


def test_cli_show_question() -> None:
    """`codebook show Q131` lists its options at both granularities."""
    result = CliRunner().invoke(cli, ["codebook", "show", "Q131"])
    assert result.exit_code == 0, result.output
    assert "polar:" in result.output and "refined:" in result.output
    assert result.output.count("[") >= 1 + 2 + 4


def test_cli_show_unknown_suggests() -> None:
    """An unknown id is rejected with close matches."""
    result = CliRunner().invoke(cli, ["codebook", "show", "Q1311"])
    assert result.exit_code != 0
    assert "Did you mean" in result.output


def test_cli_check_exit_codes(tmp_path: Path, document: dict) -> None:
    """`codebook check` exits 0 when clean and 3 with a listing when not."""
    clean = CliRunner().invoke(cli, ["codebook", "check"])
    assert clean.exit_code == 0, clean.output
    document["questions"][0]["refined"].pop()
    broken = CliRunner().invoke(
        cli, ["codebook", "check", "--codebook", str(write_codebook(tmp_path, document))]
    )
    assert broken.exit_code == 3
    assert "Q1 code 4: code is covered by no refined option" in broken.output


def test_cli_export_json() -> None:
    """`codebook export --json` lists every question with its groups and statements."""
    result = CliRunner().invoke(cli, ["codebook", "export", "--json"])
    assert result.exit_code == 0
    exported = json.loads(result.output)
    assert len(exported["questions"]) == 253
    q1 = exported["questions"][0]
    assert q1["polar_groups"] == [[1, 2], [3, 4]]
    assert len(q1["refined_statements"]) == 4


def test_reference_csv_is_well_formed() -> None:
    """The shipped reference table has one row per value question."""
    from indievaluecatalog._resources import data_path

    with data_path("codebooks", "wvs7_groupings_reference.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 253


def test_loader_rejects_code_in_two_options(tmp_path: Path, document: dict) -> None:
    """A codebook whose options overlap cannot be loaded, so no build can use it."""
    document["questions"][0]["polar"][1]["codes"] = [2, 3, 4]
    with pytest.raises(CodebookError, match=r"Q1 code 2: code is in polar options 1, 2"):
        load_codebook(write_codebook(tmp_path, document))


def test_loader_rejects_unknown_category(tmp_path: Path, document: dict) -> None:
    """A question whose category is not listed cannot be loaded."""
    document["questions"][0]["category"] = "Astrology"
    with pytest.raises(CodebookError, match=r"Q1: category 'Astrology' is not in categories"):
        load_codebook(write_codebook(tmp_path, document))


def test_loader_accepts_regrouping_unlike_reference(tmp_path: Path, document: dict) -> None:
    """A consistent research variant loads, although `check` flags its difference from the reference."""
    document["questions"][0]["polar"] = [
        {"codes": [1], "statement": "Family is very important in my life."},
        {"codes": [2, 3, 4], "statement": "Family is less than very important in my life."},
    ]
    path = write_codebook(tmp_path, document)
    assert load_codebook(path).question("Q1").polar[1].codes == (2, 3, 4)
    assert not check_codebook(path).ok


def test_build_rejects_broken_codebook(tmp_path: Path, document: dict) -> None:
    """`build --codebook` with overlapping options exits 3, names the code and writes no catalog."""
    from indievaluecatalog.cli import main

    document["questions"][0]["polar"][1]["codes"] = [2, 3, 4]
    out = tmp_path / "catalog"
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--out", str(out), "--codebook", str(write_codebook(tmp_path, document))])
    assert exit_info.value.code == 3
    assert not out.exists()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("Q82", "Excluded from the catalog"),
        ("Q260", "sex (Q260)"),
        ("sex", "I am a woman."),
        ("Q111", "Other answer"),
    ],
)
def test_cli_show_other_entries(entry: str, expected: str) -> None:
    """`codebook show` finds excluded questions, demographic items and their variables."""
    result = CliRunner().invoke(cli, ["codebook", "show", entry])
    assert result.exit_code == 0, result.output
    assert expected in result.output
