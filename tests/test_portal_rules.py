"""The portal's pure rules as tables: form parsing, upload checks, tokens, redaction, email personalisation."""

from __future__ import annotations

from datetime import date

import pytest

from dondoc.errors import InputError
from dondoc.portal import freshness, rules, tokens
from dondoc.portal.mail import personalise
from dondoc.portal.rules import DOCX, JPEG, PDF, FormError, KpiField, PortalPolicy

TODAY = date(2023, 12, 6)
KPI = [KpiField("processed_on_system_rate", "Tỷ lệ hồ sơ trên hệ thống", "%")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/12/2023", date(2023, 12, 5)),
        ("5/1/2024", date(2024, 1, 5)),
        ("2023-12-05", date(2023, 12, 5)),
        (" 05/12/2023 ", date(2023, 12, 5)),
        ("31/02/2023", None),
        ("12/05", None),
        ("", None),
    ],
)
def test_dates_people_type(text: str, expected: date | None) -> None:
    assert rules.parse_vn_date(text) == expected


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({"report_number": "123/BC-STTTT", "report_date": "05/12/2023"}, set()),
        ({"report_number": "", "report_date": "05/12/2023"}, {"report_number"}),
        ({"report_number": "1", "report_date": "07/12/2023"}, {"report_date"}),  # in the future
        ({"report_number": "1", "report_date": "hôm qua"}, {"report_date"}),
        (
            {"report_number": "1", "report_date": "05/12/2023", "kpi_processed_on_system_rate": "nhiều"},
            {"kpi_processed_on_system_rate"},
        ),
        ({"report_number": "x" * 121, "report_date": "", "note": "y" * 2001}, {"report_number", "report_date", "note"}),
    ],
)
def test_completion_form_problems_name_their_field(fields: dict[str, str], problems: set[str]) -> None:
    if not problems:
        form = rules.parse_completion(fields, KPI, today=TODAY)
        assert form.evidence == "123/BC-STTTT ngày 05/12/2023"
        return
    with pytest.raises(FormError) as caught:
        rules.parse_completion(fields, KPI, today=TODAY)
    assert set(caught.value.fields) == problems


def test_kpi_values_accept_a_decimal_comma() -> None:
    form = rules.parse_completion(
        {"report_number": "1", "report_date": "05/12/2023", "kpi_processed_on_system_rate": "98,5", "kpi_unknown": "1"},
        KPI,
        today=TODAY,
    )
    assert form.kpis == {"processed_on_system_rate": 98.5}  # only the KPIs the assignment asks for


@pytest.mark.parametrize(
    ("fields", "due", "problem"),
    [
        ({"new_due": "31/12/2023", "reason": "Chờ hướng dẫn"}, date(2023, 12, 9), None),
        ({"new_due": "09/12/2023", "reason": "x"}, date(2023, 12, 9), "new_due"),  # not after the current due date
        ({"new_due": "31/12/2023", "reason": " "}, date(2023, 12, 9), "reason"),
        ({"new_due": "31/12/2023", "reason": "x"}, None, "new_due"),  # ongoing: nothing to extend
    ],
)
def test_extension_form(fields: dict[str, str], due: date | None, problem: str | None) -> None:
    if problem is None:
        assert rules.parse_extension(fields, current_due=due).new_due == date(2023, 12, 31)
        return
    with pytest.raises(FormError) as caught:
        rules.parse_extension(fields, current_due=due)
    assert problem in caught.value.fields


@pytest.mark.parametrize(
    ("mime", "ext", "size", "ok"),
    [
        (PDF, "pdf", 1000, True),
        (DOCX, "docx", 1000, True),
        (JPEG, "jpg", 1000, True),
        (PDF, "pdf", 0, False),
        (PDF, "pdf", 10 * 1024 * 1024 + 1, False),
        ("application/zip", "zip", 1000, False),
        ("application/x-msdownload", "exe", 1000, False),
        (None, None, 1000, False),  # a text file named .pdf: no type detected from its content
    ],
)
def test_uploads_by_content_type_and_size(mime: str | None, ext: str | None, size: int, ok: bool) -> None:
    policy = PortalPolicy()
    if ok:
        assert rules.check_upload(mime, ext, size, policy).extension == ext
    else:
        with pytest.raises(FormError) as caught:
            rules.check_upload(mime, ext, size, policy)
        assert set(caught.value.fields) == {"file"}


def test_policy_section_is_validated_and_named() -> None:
    assert rules.portal_policy({"portal": {"link_days": 30}}).link_days == 30
    with pytest.raises(InputError, match=r"policy portal\.link_days"):
        rules.portal_policy({"portal": {"link_days": 0}})
    with pytest.raises(InputError, match=r"policy portal\.bogus"):
        rules.portal_policy({"portal": {"bogus": 1}})


@pytest.mark.parametrize(
    ("name", "shown"),
    [("C:\\Users\\a\\bao cao.pdf", "bao cao.pdf"), ("../../etc/passwd", "passwd"), ('a"<b>.pdf', "ab.pdf"), ("", "tep")],
)
def test_file_names_are_shown_safely(name: str, shown: str) -> None:
    assert rules.safe_file_name(name) == shown


def test_tokens_are_signed_and_bound_to_the_secret() -> None:
    token = tokens.sign("secret-a", 42)
    assert tokens.link_id_of("secret-a", token) == 42
    assert tokens.link_id_of("secret-b", token) is None
    assert tokens.link_id_of("secret-a", token[:-2]) is None
    assert tokens.link_id_of("secret-a", tokens.sign("secret-a", 42).replace("NDI", "NDM")) is None
    assert len(tokens.token_hash(token)) == 64


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("GET /portal/open/MQ.abc-_d?task=674 HTTP/1.1", "GET /portal/open/***?task=674 HTTP/1.1"),
        ("GET /calendars/dn-so-noi-vu.ics?token=s3cr3t HTTP/1.1", "GET /calendars/dn-so-noi-vu.ics?token=*** HTTP/1.1"),
        ("GET /calendars/x.ics?a=1&token=s3cr3t&b=2", "GET /calendars/x.ics?a=1&token=***&b=2"),
        ("GET /portal/task/674 HTTP/1.1", "GET /portal/task/674 HTTP/1.1"),
    ],
)
def test_tokens_never_reach_a_log_line(line: str, shown: str) -> None:
    assert tokens.redact(line) == shown


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "mailto://localhost:2525?from=d@x.gov.vn&to=a@x.gov.vn",
            "mailto://localhost:2525?from=dondoc%20%E2%80%94%20VP%20UBND%20<d@x.gov.vn>&to=%C4%90%E1%BA%A7u%20m%E1%BB%91i%20<a@x.gov.vn>&reply=vp@x.gov.vn",
        ),
        ("mailto://localhost:2525?from=d@x.gov.vn&to=a@x.gov.vn&reply=keep@x.gov.vn", None),
        ("tgram://bot/chat", "tgram://bot/chat"),
    ],
)
def test_email_urls_get_display_names_and_reply_to(url: str, expected: str | None) -> None:
    import apprise

    out = personalise(url, to_name="Đầu mối", from_name="dondoc — VP UBND", reply_to="vp@x.gov.vn")
    if expected is not None:
        assert out == expected
    plugin = apprise.Apprise.instantiate(out)
    if url.startswith("mailto"):
        assert plugin.targets == [("Đầu mối", "a@x.gov.vn")]
        assert plugin.reply_to == ({"keep@x.gov.vn"} if "keep@" in url else {"vp@x.gov.vn"})


@pytest.mark.parametrize(
    "module",
    ["dondoc.portal.rules", "dondoc.portal.tokens", "dondoc.portal.facts", "dondoc.portal.view", "dondoc.portal.freshness"],
)
def test_the_portal_pure_modules_import_no_database_prefect_or_apprise(module: str) -> None:
    import subprocess
    import sys
    from pathlib import Path

    heavy = ("sqlalchemy", "sqlmodel", "prefect", "apprise")
    code = f"import sys, {module}; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    root = Path(__file__).resolve().parent.parent
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout.strip()
    assert loaded == "", f"{module} pulls in {loaded}"


# ---------------------------------------------------------------- freshness of cached pages

AUD = freshness.instance_audience(lead="dn-so-a", co_agencies=["dn-g-so"], consolidators=["dn-cong-an"], coordinator="dn-vp")


@pytest.mark.parametrize(
    ("action", "instance_id", "expected"),
    [
        ("instance.completed", 7, AUD),
        ("instance.extended", 7, AUD),
        ("portal.submission.completion", 7, AUD),
        ("portal.submission.input", 7, AUD),
        ("portal.submission.approved", 7, AUD),
        ("portal.link.issued", None, freshness.NOBODY),  # every digest issues links: no page changes
        ("portal.calendar.subscribed", None, freshness.NOBODY),
        ("report.frozen", None, freshness.NOBODY),
        ("directive.planned", None, freshness.EVERYBODY),  # new instances: anyone's page
        ("directive.imported", None, freshness.EVERYBODY),
        ("registry.imported", None, freshness.EVERYBODY),
        ("something.new", 7, freshness.EVERYBODY),  # unknown: safe side
    ],
)
def test_audience_of_an_audit_row(action: str, instance_id: int | None, expected: frozenset[str] | None) -> None:
    change = freshness.Change(1, action, instance_id)
    assert freshness.audience(change, AUD if freshness.needs_instance(change) else None) == expected


@pytest.mark.parametrize(
    ("audiences", "reads", "stale"),
    [
        ([], frozenset({"dn-so-b"}), False),
        ([AUD], frozenset({"dn-so-b"}), False),  # another agency's task
        ([AUD], frozenset({"dn-so-a"}), True),  # its lead
        ([AUD], frozenset({"dn-so-b", "dn-g-so"}), True),  # a member of the co-agency group
        ([AUD], frozenset({"dn-cong-an"}), True),  # consolidates it: "inputs arrived" changed
        ([AUD], frozenset({"dn-vp"}), True),  # the coordinating office's queue
        ([freshness.NOBODY, AUD], frozenset({"dn-so-b"}), False),
        ([freshness.NOBODY, freshness.EVERYBODY], frozenset({"dn-so-b"}), True),
    ],
)
def test_a_page_is_stale_only_for_rows_that_reach_it(
    audiences: list[frozenset[str] | None], reads: frozenset[str], stale: bool
) -> None:
    assert freshness.stale(audiences, reads) is stale
