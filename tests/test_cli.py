"""The command line as scripts and people use it: stable JSON fields, dd/mm/yyyy tables."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from dondoc.cli import app

runner = CliRunner()
ROW_FIELDS = {"instance_id", "directive", "clause", "agency", "agency_name", "role", "due", "original_due", "deadline_text", "report_to", "status", "completed_on"}


def _json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_explain_deadline_json() -> None:
    data = _json("explain-deadline", "trước ngày 15 hàng tháng", "--issued", "21/08/2023")
    assert isinstance(data, dict)
    assert data["understood"] is True
    assert data["kind"] == "recurring"
    assert data["rule"] == "FREQ=MONTHLY;BYMONTHDAY=14"
    assert data["dates"][:3] == ["2023-09-14", "2023-10-14", "2023-11-14"]
    assert "đọc chặt" in data["reading"]
    unknown = _json("explain-deadline", "sớm nhất có thể")
    assert isinstance(unknown, dict)
    assert unknown["understood"] is False
    assert unknown["dates"] == []


def test_tasks_json_has_stable_fields_and_iso_dates(seeded_sqlite: str) -> None:
    rows = _json("tasks", "--directive", "11677/UBND-HCC", "--status", "overdue", "--as-of", "06/12/2023")
    assert isinstance(rows, list)
    assert rows
    for row in rows:
        assert ROW_FIELDS <= set(row)
        assert row["status"] == "overdue"
        date.fromisoformat(row["due"])
    assert {r["clause"] for r in rows} >= {"1.k"}


def test_deadlines_for_an_agency_include_its_co_agency_role(seeded_sqlite: str) -> None:
    rows = _json("deadlines", "--from", "01/12/2023", "--to", "10/12/2023", "--agency", "dn-so-thong-tin-truyen-thong", "--as-of", "06/12/2023")
    assert isinstance(rows, list)
    roles = {(r["clause"], r["role"]) for r in rows}
    assert ("5.b", "chủ trì") in roles
    assert ("2.a", "chủ trì") in roles  # a department itself
    assert ("1.k", "phối hợp") in roles  # named as 1.k's co-agency: it contributes, it does not also lead
    assert all(date(2023, 12, 1) <= date.fromisoformat(r["due"]) <= date(2023, 12, 10) for r in rows)


def test_complete_and_extend_then_status(seeded_sqlite: str) -> None:
    rows = _json("tasks", "--directive", "11677/UBND-HCC", "--agency", "dn-so-thong-tin-truyen-thong", "--as-of", "06/12/2023")
    assert isinstance(rows, list)
    five_b = next(r for r in rows if r["clause"] == "5.b")
    five_c = next(r for r in rows if r["clause"] == "5.c")
    done = _json("complete", str(five_b["instance_id"]), "--on", "08/12/2023", "--evidence", "Báo cáo số 45/BC-STTTT ngày 08/12/2023", "--as-of", "08/12/2023")
    assert isinstance(done, dict)
    assert done["completed_on"] == "2023-12-08"
    ext = _json("extend", str(five_c["instance_id"]), "--to", "20/12/2023", "--reason", "Công văn số 12/UBND-HCC chấp thuận gia hạn")
    assert isinstance(ext, dict)
    assert ext["due"] == "2023-12-20"
    later = _json("tasks", "--directive", "11677/UBND-HCC", "--agency", "dn-so-thong-tin-truyen-thong", "--as-of", "15/12/2023")
    assert isinstance(later, list)
    by_clause = {r["clause"]: r for r in later}
    assert by_clause["5.b"]["status"] == "done_on_time"
    assert by_clause["5.c"]["status"] == "in_progress"  # extended: lateness is measured against 20/12
    assert by_clause["5.c"]["original_due"] == "2023-12-09"
    status = _json("status", "11677/UBND-HCC", "--as-of", "15/12/2023")
    assert isinstance(status, list)
    two_b = next(a for a in status[0]["assignments"] if a["clause"] == "2.b")
    assert two_b["inputs_total"] == len([r for r in _json("tasks", "--directive", "11677/UBND-HCC", "--as-of", "15/12/2023") if r["clause"] == "2.a"])  # type: ignore[union-attr]


def test_tables_use_vietnamese_dates(seeded_sqlite: str) -> None:
    result = runner.invoke(app, ["deadlines", "--from", "04/12/2023", "--to", "04/12/2023", "--as-of", "06/12/2023"])
    assert result.exit_code == 0
    assert "04/12/2023" in result.output
    assert "Quá hạn chưa hoàn thành" in result.output
    assert "2023-12-04" not in result.output


def test_bad_status_filter_is_a_clear_error(seeded_sqlite: str) -> None:
    result = runner.invoke(app, ["tasks", "--status", "late"])
    assert result.exit_code == 2
    assert "chọn một trong: done_on_time, done_late, in_progress, overdue" in result.output
    assert "not_issued" not in result.output


def test_unknown_agency_suggests_the_nearest(seeded_sqlite: str) -> None:
    result = runner.invoke(app, ["tasks", "--agency", "dn-so-thong-tin-truyen-thon"])
    assert result.exit_code == 2
    assert "did you mean dn-so-thong-tin-truyen-thong" in result.output


def test_status_before_the_issue_date_says_not_issued(seeded_sqlite: str) -> None:
    data = _json("status", "170/KH-VP", "--as-of", "06/12/2023")  # issued 18/01/2024
    assert isinstance(data, list)
    assert {a["status_vi"] for a in data[0]["assignments"]} == {"Chưa ban hành"}
    table_out = runner.invoke(app, ["status", "170/KH-VP", "--as-of", "06/12/2023"]).output
    assert "Đã hủy" not in table_out
    assert "Chưa ban hành" in table_out


def test_status_counts_in_official_order_next_due_not_past_and_clipped_summaries(seeded_sqlite: str) -> None:
    from dondoc.domain.status import OFFICIAL_ORDER

    data = _json("status", "11677/UBND-HCC", "--as-of", "06/12/2023")
    assert isinstance(data, list)
    order = [str(s) for s in OFFICIAL_ORDER]
    for a in data[0]["assignments"]:
        keys = list(a["counts"])
        assert keys == sorted(keys, key=order.index), a["clause"]
        assert a["next_due"] is None or a["next_due"] >= "2023-12-06", a["clause"]
    one_k = next(a for a in data[0]["assignments"] if a["clause"] == "1.k")
    assert (one_k["status_vi"], one_k["next_due"]) == ("Quá hạn chưa hoàn thành", None)  # 04/12 has passed
    out = runner.invoke(app, ["status", "11677/UBND-HCC", "--as-of", "06/12/2023"], env={"COLUMNS": "250"}).output
    assert out.index("Đang thực hiện trong hạn:") < out.index("Quá hạn chưa hoàn thành:") < out.index("Thường xuyên:")
    assert "…" in out


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Kết nối, đồng bộ hệ thống bộ, ngành với Cổng DVCQG", 100, "Kết nối, đồng bộ hệ thống bộ, ngành với Cổng DVCQG"),
        ("Kết nối, đồng bộ hệ thống bộ, ngành với Cổng DVCQG", 20, "Kết nối, đồng bộ…"),
        ("Kếtnốiđồngbộhệthống", 8, "Kếtnốiđ…"),
    ],
)
def test_clip_marks_what_it_leaves_out(text: str, limit: int, expected: str) -> None:
    from dondoc.cli.core import clip

    assert clip(text, limit) == expected
    assert len(clip(text, limit)) <= limit


def test_tasks_without_filters_shows_open_work_in_a_window_and_all_shows_everything(seeded_sqlite: str) -> None:
    windowed = _json("tasks", "--as-of", "06/12/2023")
    everything = _json("tasks", "--as-of", "06/12/2023", "--all")
    assert isinstance(windowed, list)
    assert isinstance(everything, list)
    assert {r["status"] for r in windowed} == {"overdue", "in_progress"}
    assert all(r["due"] <= "2024-01-05" for r in windowed)  # 06/12/2023 + 30 days
    assert len(everything) > len(windowed)
    assert "not_yet_open" in {r["status"] for r in everything}
    filtered = _json("tasks", "--directive", "11677/UBND-HCC", "--as-of", "06/12/2023")
    assert isinstance(filtered, list)
    assert "not_yet_open" not in {r["status"] for r in filtered}


def test_co_agency_rows_do_not_offer_the_leads_id_to_complete(seeded_sqlite: str) -> None:
    args = ["deadlines", "--from", "01/12/2023", "--to", "10/12/2023", "--agency", "dn-so-thong-tin-truyen-thong", "--as-of", "06/12/2023"]
    rows = _json(*args)
    assert isinstance(rows, list)
    co = next(r for r in rows if r["role"] == "phối hợp")
    out = runner.invoke(app, args, env={"COLUMNS": "250"}).output
    line = next(line for line in out.splitlines() if f"#{co['instance_id']} của cơ quan chủ trì" in line)
    assert not line.strip("│ ").startswith(str(co["instance_id"]))


def test_unknown_province_is_an_error(seeded_sqlite: str) -> None:
    result = runner.invoke(app, ["agencies", "--province", "xyz"])
    assert result.exit_code == 2
    assert "dong-nai" in result.output


def test_explain_deadline_before_the_issue_date_is_an_error() -> None:
    result = runner.invoke(app, ["explain-deadline", "trước ngày 05/12/2022", "--issued", "02/11/2023"])
    assert result.exit_code == 2
    assert "trước ngày ban hành 02/11/2023" in result.output


def test_help_and_summaries_speak_vietnamese(seeded_sqlite: str) -> None:
    assert "Nhiệm vụ và trạng thái tính đến một ngày" in runner.invoke(app, ["tasks", "--help"]).output
    assert "đôn đốc thực hiện văn bản chỉ đạo" in runner.invoke(app, ["--help"]).output
    agencies = runner.invoke(app, ["agencies", "--province", "dong-nai"], env={"COLUMNS": "250"}).output
    assert "Sở, ban, ngành" in agencies
    assert "Cơ quan ngành dọc" in agencies
    assert "vertical_agency" not in agencies


HEAVY = (
    "prefect", "apprise", "docx", "openpyxl", "jinja2", "fastapi", "starlette", "uvicorn", "alembic", "httpx", "matplotlib", "caldav",
    "icalendar",  # not by `calendar-token list` either: it lists the tokens without the feeds (dondoc.calendars.tokens)
    "holidays",  # working days come from the shipped table (dondoc.domain.holiday_table) for the years it holds
    "rich",  # tables are drawn by dondoc.cli.plain_table; rich only for markup messages, rules and progress bars
    "click",  # typer carries its own copy
    "pydantic_settings",  # settings are a plain pydantic model filled from the DONDOC_* variables
)  # fmt: skip
WRITE_SIDE = ("dondoc.directives.store", "dondoc.directives.validation", "dondoc.domain.planning", "dondoc.domain.deadlines", "dondoc.db.lease")


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "--directive", "11677/UBND-HCC", "--as-of", "06/12/2023"],
        ["status", "11677/UBND-HCC", "--as-of", "06/12/2023"],
        ["deadlines", "--from", "01/12/2023", "--to", "31/12/2023", "--agency", "dn-so-thong-tin-truyen-thong", "--as-of", "06/12/2023"],
        ["directives"],
        ["agencies", "--province", "dong-nai"],
        ["calendar-token", "list"],
        ["explain-deadline", "trước ngày 15 hàng tháng", "--issued", "21/08/2023"],
    ],
)
def test_read_commands_import_nothing_heavy(seeded_sqlite: str, args: list[str]) -> None:
    """A read command (a process, as a coordinator runs it) loads none of Prefect, Apprise, the report
    writers, the web stack, Alembic, the ``holidays`` package, rich or pydantic-settings: `python -X
    importtime` lists every module it imported. Each of them costs a read command 10-40 %."""
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dondoc", *args],
        env={**os.environ, "DONDOC_DATABASE_URL": seeded_sqlite},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert {"typer", "pydantic", "dondoc"} <= imported  # the listing is real
    assert done.stdout.strip()
    assert sorted(imported & set(HEAVY)) == []
    modules = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    if args[0] != "explain-deadline":  # no YAML validation, planning, deadline parser
        assert sorted(modules & set(WRITE_SIDE)) == []
    # Core tables (dondoc.db.tables) on a Core connection: not even the ORM is imported
    assert sorted(m for m in modules if m.startswith(("dondoc.models", "sqlmodel", "sqlalchemy.orm"))) == []


def test_a_task_row_as_json_is_every_field_with_iso_dates() -> None:
    from dataclasses import asdict

    from dondoc.directives.rows import TaskRow

    row = TaskRow(
        7, "d", "11677/UBND-HCC", "dong-nai", "1.a", "Báo cáo", "so-a", "Sở A", "chủ trì", "so-a", "Sở A", "2023-12", "monthly",
        date(2023, 12, 5), date(2023, 12, 4), "trước ngày 05 hàng tháng", ("ubnd",), "overdue", "Quá hạn", "do",
        None, None, True, False, "so-b", None,
    )  # fmt: skip
    expected = asdict(row) | {"due": "2023-12-05", "original_due": "2023-12-04", "completed_on": None}
    assert row.as_json() == expected
    assert list(row.as_json()) == list(expected)  # same keys in the same order: `--format json` is unchanged


def test_the_light_tables_of_the_read_commands_match_the_models() -> None:
    """`dondoc tasks` reads through Core views of the tables (no SQLModel class built): every column
    they name exists in the model's table with the very same type (SQLModel's AutoString as the
    String of the same length it decorates: what the light tables import instead of SQLModel)."""
    from sqlalchemy import String
    from sqlmodel import SQLModel
    from sqlmodel.sql.sqltypes import AutoString

    import dondoc.models  # noqa: F401  (fills SQLModel.metadata)
    from dondoc.db.tables import TABLES

    for light in TABLES:
        model = SQLModel.metadata.tables[light.name]
        for column in light.columns:
            assert column.name in model.columns, f"{light.name}.{column.name}: not in the model"
            expected = model.columns[column.name].type
            if isinstance(expected, AutoString):
                expected = String(length=expected.impl.length)  # type: ignore[attr-defined]
            assert repr(column.type) == repr(expected), f"{light.name}.{column.name}"
            assert type(column.type) is type(expected), f"{light.name}.{column.name}"


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "--help"],
        ["tasks", "--bogus"],
        ["tasks", "--directive", "11677/UBND-HCC", "--as-of", "06/12/2023"],
        ["tasks", "--directive", "nope"],
        ["deadlines", "--from", "01/12/2023", "--to", "31/12/2023", "--format", "json"],
        ["status", "11677/UBND-HCC", "--as-of", "06/12/2023"],
        ["explain-deadline", "trước ngày 15 hàng tháng", "--issued", "21/08/2023"],
        ["complete"],
    ],
)
def test_a_program_run_builds_only_the_command_it_names_with_the_same_command_line(seeded_sqlite: str, args: list[str]) -> None:
    """`dondoc tasks …` as a program builds the app with that one command (dondoc.cli._Dondoc):
    what it prints and its exit code are those of the whole app."""
    from dondoc.cli import TOP_LEVEL, one_command_app

    whole = runner.invoke(app, args, env={"COLUMNS": "200"})
    one = runner.invoke(one_command_app(args[0]), args, env={"COLUMNS": "200"})
    assert (one.exit_code, one.output) == (whole.exit_code, whole.output)
    assert set(TOP_LEVEL) >= {"tasks", "status", "deadlines", "directives", "import", "complete", "explain-deadline"}


def test_the_program_itself_takes_the_one_command_path_and_the_whole_app_otherwise(seeded_sqlite: str) -> None:
    import os
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DONDOC_DATABASE_URL": seeded_sqlite, "COLUMNS": "200"}
        return subprocess.run([sys.executable, "-m", "dondoc", *args], env=env, capture_output=True, text=True, check=False, timeout=120)

    help_text = run("tasks", "--help")
    assert help_text.returncode == 0
    assert "Usage: dondoc tasks [OPTIONS]" in help_text.stdout
    listing = run("--help")  # the whole app: every command and group
    assert listing.returncode == 0
    assert "calendar-token" in listing.stdout
    assert "explain-deadline" in listing.stdout
    done = run("--debug", "tasks", "--directive", "11677/UBND-HCC", "--as-of", "06/12/2023")
    assert done.returncode == 0
    assert "Nhiệm vụ tính đến 06/12/2023" in done.stdout


@pytest.mark.parametrize(
    ("title", "columns", "rows"),
    [
        ("Nhiệm vụ tính đến 06/12/2023 (2; trừ các kỳ chưa đến)", ["ID", "Văn bản", "Hạn", "Trạng thái"],
         [["12", "11677/UBND-HCC", "04/12/2023", "Quá hạn chưa hoàn thành"], ["—", "170/KH-VP", "—", "Thường xuyên"]]),
        ("11677/UBND-HCC — V/v triển khai\nTính đến 06/12/2023. Quá hạn: 3", ["Mục", "Chủ trì"], [["1.a", "Sở Nội vụ"]]),
        (None, ["Cơ quan", "Vai trò"], [["Sở TTTT", "phối hợp với Sở Nội vụ (#674 của cơ quan chủ trì)"], ["", ""]]),
        ("Mã đăng ký lịch (0)", ["#", "Loại", "Mã"], []),
        ("Tiêu đề dài hơn cả bảng rất nhiều", ["a", "b"], [["x", "漢字"]]),
    ],
)  # fmt: skip
def test_a_plain_table_is_what_rich_draws(title: str | None, columns: list[str], rows: list[list[str]]) -> None:
    """Tables that fit are drawn exactly as rich's default table (dondoc's look before it drew them itself)."""
    import io

    from rich.console import Console
    from rich.table import Table

    from dondoc.cli.plain_table import render

    buffer = io.StringIO()
    drawn = Table(title=title, header_style="bold")
    for column in columns:
        drawn.add_column(column, overflow="fold")
    for row in rows:
        drawn.add_row(*row)
    Console(file=buffer, width=160, color_system=None).print(drawn)
    expected = [line.rstrip() for line in buffer.getvalue().splitlines()]
    assert [line.rstrip() for line in render(title, columns, rows, width=160).splitlines()] == expected


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("Quá hạn chưa hoàn thành", 30, ["Quá hạn chưa hoàn thành"]),
        ("Quá hạn chưa hoàn thành", 12, ["Quá hạn chưa", "hoàn thành"]),
        ("11677/UBND-HCC", 6, ["11677/", "UBND-H", "CC"]),
        ("a 11677/UBND-HCC b", 6, ["a", "11677/", "UBND-H", "CC b"]),
        ("một\nhai ba", 10, ["một", "hai ba"]),
        ("", 5, [""]),
        ("漢字漢字", 5, ["漢字", "漢字"]),
    ],
)
def test_plain_table_cells_wrap_at_words_and_fold_long_words(text: str, width: int, lines: list[str]) -> None:
    from dondoc.cli.plain_table import wrap

    assert wrap(text, width) == lines


@pytest.mark.parametrize(
    ("natural", "available", "widths"),
    [
        ([4, 10, 3], 40, [4, 10, 3]),
        ([4, 10, 3], 13, [4, 6, 3]),
        ([4, 10, 8], 16, [4, 6, 6]),
        ([20, 20], 21, [11, 10]),
        ([5, 5], 1, [1, 1]),
    ],
)
def test_plain_table_narrows_the_widest_columns_first(natural: list[int], available: int, widths: list[int]) -> None:
    from dondoc.cli.plain_table import column_widths

    assert column_widths(natural, available) == widths


def test_a_plain_table_wider_than_the_line_is_folded_into_it() -> None:
    from dondoc.cli.plain_table import cell_width, render

    rows = [["11677/UBND-HCC", "phối hợp với Sở Thông tin và Truyền thông (#674 của cơ quan chủ trì)", "Quá hạn chưa hoàn thành"]] * 3
    text = render("Nhiệm vụ tính đến 06/12/2023 (3)", ["Văn bản", "Vai trò", "Trạng thái"], rows, width=60)
    assert max(cell_width(line) for line in text.splitlines()) <= 60
    assert "Truyền" in text
    assert " ".join(text.split()).count("Quá hạn chưa") == 3


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, {"echo_sql": False, "busy_seconds": 30.0, "today": None}),
        ({"DONDOC_ECHO_SQL": "yes", "dondoc_busy_seconds": "1.5", "DONDOC_TODAY": "2024-01-02"},
         {"echo_sql": True, "busy_seconds": 1.5, "today": date(2024, 1, 2)}),
        ({"DONDOC_DATABASE_URL": "sqlite:///x.db", "DONDOC_NOT_A_SETTING": "1", "OTHER_TODAY": "bad"},
         {"database_url": "sqlite:///x.db", "today": None}),
    ],
)  # fmt: skip
def test_settings_come_from_the_dondoc_variables_in_any_case(environ: dict[str, str], expected: dict[str, object]) -> None:
    from dondoc.configuration.settings import Settings

    settings = Settings.from_environment(environ)
    assert {key: getattr(settings, key) for key in expected} == expected


@pytest.mark.parametrize(("name", "value"), [("DONDOC_BUSY_SECONDS", "-1"), ("DONDOC_TODAY", "31/02/2024"), ("DONDOC_ECHO_SQL", "maybe")])
def test_a_bad_setting_is_refused_naming_it(name: str, value: str) -> None:
    from pydantic import ValidationError

    from dondoc.configuration.settings import Settings

    with pytest.raises(ValidationError, match=name.removeprefix("DONDOC_").lower()):
        Settings.from_environment({name: value})


def test_a_bad_setting_stops_a_command_with_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from dondoc.configuration.settings import get_settings
    from dondoc.errors import InputError

    monkeypatch.setenv("DONDOC_TODAY", "31/31/2025")
    get_settings.cache_clear()
    try:
        with pytest.raises(InputError) as raised:
            get_settings()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert str(raised.value).startswith("DONDOC_TODAY='31/31/2025': ")
    assert str(raised.value).endswith("correct the variable or unset it")
    assert "\n" not in str(raised.value)


def test_status_of_every_directive_draws_a_bounded_number_of_tables(seeded_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a directive, ``status`` draws the first STATUS_DIRECTIVES directives' tables (in province and code
    order) and says how many there are; --all draws every one, --format json always gives every one, --province
    keeps that province's."""
    from dondoc.cli import core

    monkeypatch.setattr(core, "STATUS_DIRECTIVES", 2)
    every = _json("status", "--as-of", "06/12/2023")
    assert isinstance(every, list)
    assert len(every) == 5  # the five seed directives: JSON is never bounded
    assert [d["province"] for d in every] == sorted(d["province"] for d in every)
    bounded = runner.invoke(app, ["status", "--as-of", "06/12/2023"], env={"COLUMNS": "250"})
    assert bounded.exit_code == 0, bounded.output
    assert bounded.output.count("Tính đến 06/12/2023") == 2
    assert "Hiển thị 2/5 văn bản đầu" in bounded.output
    unbounded = runner.invoke(app, ["status", "--all", "--as-of", "06/12/2023"], env={"COLUMNS": "250"}).output
    assert unbounded.count("Tính đến 06/12/2023") == 5
    assert "Hiển thị" not in unbounded
    dong_nai = _json("status", "--province", "dong-nai", "--as-of", "06/12/2023")
    assert isinstance(dong_nai, list)
    assert sorted(d["directive"] for d in dong_nai) == ["11677/UBND-HCC", "170/KH-VP"]
    assert runner.invoke(app, ["status", "--province", "dong-nai", "--as-of", "06/12/2023"]).output.count("Tính đến") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "--province", "ha-noi"], "--province 'ha-noi': chưa có văn bản nào của tỉnh này; các tỉnh có văn bản: dong-nai, dong-thap"),
        (["status", "11677/UBND-HCC", "--province", "dong-nai"], "--province 'dong-nai': chỉ dùng khi bỏ trống số hiệu văn bản"),
    ],
)
def test_status_names_a_bad_province_choice(seeded_sqlite: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
