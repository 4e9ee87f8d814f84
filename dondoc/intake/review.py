"""The draft as the Office reviews it in the Prefect UI: a Markdown page with the flagged fields marked.

Pure: a :class:`~dondoc.intake.draft.Draft` in, Markdown out. The YAML to correct and import is at
the end, verbatim, so the reviewer copies it into the import-directive form (``content``).
"""

from __future__ import annotations

from dondoc.intake.draft import Draft, DraftAssignment

FLAG = "⚠️"


def _cell(text: str | None) -> str:
    """A table cell: pipes and line breaks would break the Markdown table."""
    return (text or "—").replace("|", "\\|").replace("\n", " ").strip() or "—"


def _field(a: DraftAssignment, name: str, value: str | None) -> str:
    flagged = [f.message for f in a.flags if f.field == name]
    return f"{FLAG} {_cell(value)}<br>*{_cell('; '.join(flagged))}*" if flagged else _cell(value)


def _leads(a: DraftAssignment) -> str:
    codes = f" → `{', '.join(a.lead)}`" if a.lead else ""
    return f"{a.lead_text}{codes}"


def draft_markdown(draft: Draft) -> str:
    h = draft.header
    review = draft.review
    lines = [
        f"# Bản nháp cần duyệt: {draft.source_file}",
        "",
        f"**{len(draft.assignments)} nhiệm vụ**, **{len(review)} mục cần xem lại** (đánh dấu {FLAG}). "
        "Sửa bản YAML ở cuối trang rồi chạy lại *import-directive* với nội dung đã sửa.",
        "",
        "| Trường | Giá trị |",
        "|---|---|",
    ]
    header_flags = {f.field: f for f in draft.flags}
    for name, value in (
        ("number", h.number),
        ("kind", h.kind),
        ("issued", h.issued),
        ("province", draft.province),
        ("issuer", draft.issuer or h.issuer_text),
        ("coordinator", draft.coordinator),
        ("title", h.title),
        ("signer", h.signer),
    ):
        flag = header_flags.get(name)
        shown = f"{FLAG} {_cell(value)}<br>*dòng {flag.line}: {_cell(flag.message)}*" if flag else _cell(value)
        lines.append(f"| {name} | {shown} |")
    lines += [
        "",
        "## Nhiệm vụ",
        "",
        "| Mục | Dòng | Nhiệm vụ | Chủ trì | Phối hợp | Thời hạn | Báo cáo |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in draft.assignments:
        report = ", ".join(a.report_to) or a.report_to_text
        if a.report_via or a.report_via_text:
            report = f"{report or '—'} (qua {a.report_via or a.report_via_text})"
        mark = f"{FLAG} " if a.flags else ""
        lines.append(
            f"| {mark}{_cell(a.clause)} | {a.lines[0]}–{a.lines[1]} | {_cell(a.summary)} | {_field(a, 'lead', _leads(a))} "
            f"| {_field(a, 'co_agencies', a.co_agencies_text)} | {_field(a, 'deadline', a.deadline_text)}<br>{_cell(a.reading.get('reading'))} "
            f"| {_field(a, 'report_to', report)} |"
        )
    if review:
        lines += ["", f"## Cần xem lại ({len(review)})", ""]
        lines += [f"- dòng {f.line} · **{f.field}**: {f.message}" for f in review]
    lines += ["", "## YAML để duyệt và nhập", "", "```yaml", draft.to_yaml().rstrip(), "```", ""]
    return "\n".join(lines)
