"""Properties of the deadline parser (issue 10 §5), checked with Hypothesis on bounded, derandomised examples.

Never an exception; never a date the text does not say; the same reading with or without
diacritics, with or without surrounding whitespace; a written year is kept; an impossible date
or a five-digit year is an error. Plus the adversarial 100 kB inputs (correctness, not timing:
the timing is in benchmarks/bench_deadlines.py).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.domain.deadline_text import MAX_YEAR, MIN_YEAR
from dondoc.domain.deadlines import DeadlineKind, ParsedDeadline, parse_deadline
from dondoc.domain.policy import DeadlinePolicy, Policy

BOUNDED = settings(max_examples=150, derandomize=True, deadline=None)

WORDS = [
    "trước",
    "ngày",
    "chậm nhất",
    "là",
    "vào",
    "đến",
    "hết",
    "từ",
    "hằng",
    "hàng",
    "mỗi",
    "tháng",
    "quý",
    "năm",
    "tuần",
    "thứ",
    "Hai",
    "Sáu",
    "chủ nhật",
    "định kỳ",
    "6 tháng",
    "đầu",
    "cuối",
    "Quý",
    "IV",
    "III",
    "giờ",
    "h",
    "-",
    "/",
    ".",
    ",",
    ";",
    "(",
    ")",
    "đột xuất",
    "khi có yêu cầu",
    "thường xuyên",
    "kể từ",
    "trong thời hạn",
    "làm việc",
    "2024",
    "2025",
    "20234",
    "0000",
    "0001",
    "31",
    "02",
    "29",
    "12",
    "15",
    "1",
    "00",
    "2024-12-05",
    "9999",
    "99",
]
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
ALPHABET = LETTERS + LETTERS.upper() + "0123456789 /-.,:;()\t\n*_"

phrases = st.one_of(
    st.text(alphabet=ALPHABET, max_size=120),
    st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join),
    st.text(max_size=60),  # any Unicode at all
)
issue_dates = st.one_of(st.none(), st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31)))
policies = st.sampled_from([Policy(), Policy(deadline=DeadlinePolicy(strict_truoc_ngay=False))])


def strip_diacritics(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", re.sub(r"[\u0300-\u036f]", "", text))


def summary(parsed: ParsedDeadline) -> tuple[object, ...]:
    return (
        parsed.kind,
        parsed.due,
        parsed.rules,
        parsed.starts,
        parsed.ends,
        parsed.time_of_day,
        parsed.errors,
        parsed.understood,
    )


@BOUNDED
@given(phrases, issue_dates, policies)
def test_never_an_exception_and_a_consistent_answer(text: str, issued: date | None, policy: Policy) -> None:
    parsed = parse_deadline(text, issued=issued, policy=policy)
    assert isinstance(parsed.kind, DeadlineKind)
    assert parsed.reading
    if parsed.errors:
        assert not parsed.understood
        assert parsed.kind is DeadlineKind.UNKNOWN
    if not parsed.understood:
        assert parsed.due is None
        assert not parsed.rules
    for rule in parsed.rules:
        rrulestr(rule, dtstart=date(2024, 1, 1))  # every rule is valid RFC 5545


@BOUNDED
@given(phrases, issue_dates)
def test_never_a_year_the_text_does_not_say(text: str, issued: date | None) -> None:
    parsed = parse_deadline(text, issued=issued)
    if parsed.stated_date is None:
        return
    year = parsed.stated_date.year
    written = {int(y) for y in re.findall(r"(?<!\d)\d{4}(?!\d)", text)}
    assert year in written or (issued is not None and year == issued.year), (text, parsed)


@BOUNDED
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), issue_dates)
def test_an_iso_date_is_that_day(day: date, issued: date | None) -> None:
    parsed = parse_deadline(f"Hạn hoàn thành: {day.isoformat()}", issued=issued)
    assert (parsed.kind, parsed.due) == (DeadlineKind.ONCE, day)


@BOUNDED
@given(st.dates(min_value=date(1950, 1, 2), max_value=date(2150, 12, 31)), issue_dates)
def test_a_written_year_is_kept_whatever_the_issue_year(day: date, issued: date | None) -> None:
    for phrase in (f"trước ngày {day.day}/{day.month} năm {day.year}", f"trước ngày {day.day:02d}/{day.month:02d}/{day.year}"):
        parsed = parse_deadline(phrase, issued=issued)
        assert parsed.due == day - timedelta(days=1), phrase
    parsed = parse_deadline(f"chậm nhất ngày {day.day} tháng {day.month} năm {day.year}", issued=issued)
    assert parsed.due == day


@BOUNDED
@given(st.integers(min_value=10000, max_value=99999), st.integers(1, 28), st.integers(1, 12))
def test_a_five_digit_year_is_an_error_never_a_date(year: int, day: int, month: int) -> None:
    for phrase in (f"trước ngày {day}/{month}/{year}", f"trong năm {year}", f"Quý II/{year}", f"{year}-{month:02d}-{day:02d}"):
        parsed = parse_deadline(phrase, issued=date(2024, 1, 1))
        assert parsed.errors, phrase
        assert parsed.due is None
        assert not parsed.understood


@BOUNDED
@given(st.integers(1, 31), st.integers(1, 12), st.integers(MIN_YEAR, MAX_YEAR))
def test_an_impossible_day_is_an_error(day: int, month: int, year: int) -> None:
    try:
        date(year, month, day)
    except ValueError:
        parsed = parse_deadline(f"chậm nhất ngày {day:02d}/{month:02d}/{year}", issued=date(2024, 1, 1))
        assert parsed.errors
        assert "không tồn tại" in parsed.errors[0]
    else:
        assert parse_deadline(f"chậm nhất ngày {day:02d}/{month:02d}/{year}").due == date(year, month, day)


TEMPLATES = [
    "trước ngày {d}/{m}/{y}",
    "chậm nhất là ngày {d} tháng {m} năm {y}",
    "Trước ngày {d} hằng tháng",
    "định kỳ hằng quý, trước ngày {d} tháng cuối quý",
    "trước ngày {d} tháng {m} hằng năm",
    "Quý {q}/{y}",
    "hoàn thành trong tháng {m}/{y}",
    "từ ngày {d}/{m}/{y} đến ngày {d}/{m}/{y2}",
    "trước 16 giờ thứ Sáu hằng tuần",
    "Định kỳ 06 tháng (trước ngày 15 tháng 6) và hằng năm (trước ngày 15 tháng 12)",
    "định kỳ hằng năm hoặc đột xuất khi có yêu cầu",
    "Trong thời hạn {d} ngày làm việc kể từ ngày nhận đủ hồ sơ",
]


@BOUNDED
@given(
    st.sampled_from(TEMPLATES),
    st.integers(1, 28),
    st.integers(1, 12),
    st.integers(2019, 2030),
    st.sampled_from(["I", "II", "III", "IV", "1", "4"]),
    st.integers(0, 500),
    issue_dates,
)
def test_diacritics_and_surrounding_space_do_not_change_the_reading(
    template: str, d: int, m: int, y: int, q: str, pad: int, issued: date | None
) -> None:
    phrase = template.format(d=d, m=m, y=y, y2=y + 1, q=q)
    expected = summary(parse_deadline(phrase, issued=issued))
    assert summary(parse_deadline(strip_diacritics(phrase), issued=issued)) == expected
    assert summary(parse_deadline(" " * pad + phrase + "\n" * (pad % 7), issued=issued)) == expected
    assert summary(parse_deadline(phrase.upper(), issued=issued)) == expected


# ---------------------------------------------------------------- 100 kB adversarial inputs


def test_100_kb_of_leading_whitespace_still_reads_the_phrase() -> None:
    parsed = parse_deadline(" " * 100_000 + "trước ngày 05/12/2023", issued=date(2023, 11, 2))
    assert (parsed.kind, parsed.due) == (DeadlineKind.ONCE, date(2023, 12, 4))
    parsed = parse_deadline("\t \n" * 33_000 + "trước ngày 15 hằng tháng" + " " * 1000)
    assert parsed.rule == "FREQ=MONTHLY;BYMONTHDAY=14"


def test_100_kb_of_repeated_digits_or_words_is_not_understood() -> None:
    for text in ("1" * 100_000, "ngày " * 20_000, "trước ngày " * 9_000, "12/12/2024 " * 9_000, "20234" * 20_000):
        parsed = parse_deadline(text, issued=date(2024, 1, 1))
        assert not parsed.understood
        assert parsed.kind is DeadlineKind.UNKNOWN
        assert parsed.due is None
        assert "too_long" in parsed.flags


def test_just_under_the_limit_the_parser_really_reads() -> None:
    parsed = parse_deadline("ngày " * 390 + "chậm nhất ngày 20/8/2025", issued=date(2025, 1, 1))
    assert parsed.due == date(2025, 8, 20)
    assert not parse_deadline("1" * 1_990).understood
