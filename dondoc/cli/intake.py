"""`dondoc draft FILE [--province CODE] [--out draft.yaml] [--format yaml|json]`: a document → the draft to review.

The draft is the file `dondoc import` takes once the reviewer has filled what it flags.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dondoc.cli.common import handles_errors
from dondoc.errors import InputError


class DraftFormat(StrEnum):
    yaml = "yaml"
    json = "json"


@handles_errors
def draft(
    file: Annotated[Path, typer.Argument(help="Văn bản chỉ đạo: DOCX, PDF có lớp chữ, TXT hoặc Markdown")],
    province: Annotated[
        str | None, typer.Option("--province", help="Mã tỉnh trong danh mục cơ quan (mặc định: nhận từ cơ quan ban hành)")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Ghi bản nháp vào tệp này (mặc định: in ra màn hình)")] = None,
    fmt: Annotated[DraftFormat, typer.Option("--format", help="yaml: để duyệt rồi import; json: cho script")] = DraftFormat.yaml,
) -> None:
    """Đọc một văn bản chỉ đạo và viết bản nháp nhiệm vụ để duyệt trước khi import."""
    from dondoc.intake.service import draft_document, load_registries

    result = draft_document(file, province=province, registry=load_registries())
    text = result.to_yaml() if fmt is DraftFormat.yaml else result.to_json() + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out}: là một thư mục; hãy cho một tên tệp, ví dụ {out / 'draft.yaml'}")
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)  # all or nothing: a reader never sees half a draft
    review = result.review
    sys.stderr.write(
        f"Đã ghi {out}: {len(result.assignments)} nhiệm vụ, {len(review)} mục cần xem lại"
        + (f" (đầu tiên: dòng {review[0].line})" if review else "")
        + "\n"
    )


COMMANDS = {"draft": draft}
