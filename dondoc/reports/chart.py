"""The chart of statuses per agency (PNG), for the DOCX and the flow's artifact."""

from __future__ import annotations

import io

from dondoc.domain.status import COLOUR_HEX, STATUS_VI, Colour, Status
from dondoc.reports.model import ReportData

SERIES = (
    ("on_time", Status.DONE_ON_TIME, Colour.XANH),
    ("late", Status.DONE_LATE, Colour.CAM),
    ("in_progress", Status.IN_PROGRESS, Colour.XANH_DUONG),
    ("overdue", Status.OVERDUE, Colour.DO),
)
FONT = "DejaVu Sans"  # carries every Vietnamese glyph; checked in tests


def status_chart(report: ReportData, *, dpi: int = 150) -> bytes:
    """Horizontal stacked bars, one per agency with counted tasks, worst on-time share at the top."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    groups = [g for g in report.agencies if g.counts.total]
    groups.sort(key=lambda g: (g.counts.on_time / g.counts.total, -g.counts.overdue, g.name), reverse=True)
    height = max(2.5, 0.32 * len(groups) + 1.6)
    with plt.rc_context({"font.family": FONT, "font.size": 9}):
        fig, ax = plt.subplots(figsize=(8.0, height), dpi=dpi)
        try:
            names = [g.name for g in groups]
            left = [0] * len(groups)
            for field, status, colour in SERIES:
                values = [getattr(g.counts, field) for g in groups]
                ax.barh(names, values, left=left, color=COLOUR_HEX[colour], label=STATUS_VI[status], height=0.7)
                left = [a + b for a, b in zip(left, values, strict=True)]
            ax.set_xlabel("Số nhiệm vụ")
            fig.suptitle(f"Tình trạng thực hiện nhiệm vụ theo cơ quan, đơn vị — {report.period_short}", fontsize=10)
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
            ax.spines[["top", "right"]].set_visible(False)
            ax.margins(y=0.01)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            if not groups:
                ax.text(0.5, 0.5, "Không có nhiệm vụ trong kỳ", ha="center", va="center", transform=ax.transAxes)
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.15)
        finally:
            plt.close(fig)
    return buffer.getvalue()
