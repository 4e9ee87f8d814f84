"""``dondoc stack up|down``: the coordinator's Prefect stack on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from dondoc.cli.common import console, handles_errors


def print_stack_urls(url: str) -> None:
    console.print(f"Giao diện Prefect (UI): [bold]{url}[/]", highlight=False)
    console.print(f"  Theo dõi văn bản:    {url}/runs?tag=tracking", highlight=False)
    console.print(f"  Ghi nhận hoàn thành: {url}/deployments  → record-completion → Run → Custom run", highlight=False)
    console.print("Dừng: dondoc stack down", highlight=False)


@handles_errors
def up(
    port: Annotated[int | None, typer.Option(help="Cổng của Prefect server (mặc định 4200, hoặc một cổng trống)")] = None,
    seeds: Annotated[bool, typer.Option(help="Nhập các văn bản mẫu trước")] = True,
) -> None:
    """Khởi động (hoặc dùng lại) Prefect server cục bộ trên SQLite, triển khai prefect.yaml, chạy worker, nhập văn bản mẫu."""
    from dondoc.clock import today_vn
    from dondoc.configuration.settings import get_settings
    from dondoc.db.migrate import upgrade
    from dondoc.directives import service as services
    from dondoc.orchestration import stack as prefect_stack

    upgrade()
    if seeds:
        summary = services.import_paths([get_settings().seed_dir], as_of=today_vn(), actor="stack")
        console.print(f"Đã nạp {len(summary.directives)} văn bản mẫu.", highlight=False)
    stack, reused = prefect_stack.up(port=port)
    console.print(
        ("Dùng lại" if reused else "Đã khởi động")
        + f" Prefect server (PREFECT_HOME={stack.home}), work pool «{prefect_stack.WORK_POOL}», worker pid {stack.worker_pid}.",
        highlight=False,
    )
    print_stack_urls(stack.url)


@handles_errors
def down() -> None:
    """Dừng worker và Prefect server do `dondoc stack up` hoặc `dondoc demo` khởi động."""
    from dondoc.orchestration import stack as prefect_stack

    stopped = prefect_stack.down()
    console.print("Đã dừng: " + ", ".join(stopped) if stopped else "Không có gì đang chạy.", highlight=False)


GROUPS = {
    "stack": ("Bộ công cụ của người điều phối: Prefect server + giao diện, các deployment, worker.", {"up": up, "down": down}),
}
