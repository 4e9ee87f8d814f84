"""Tasks that read a directive document into a draft and publish it for review (no database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.artifacts import create_markdown_artifact

from dondoc.domain.text import slug
from tasks.directives import _logged
from tasks.policy import side_effect_task


@side_effect_task("draft-document", retries=0)
def draft_document_task(path: str, province: str | None) -> dict[str, Any]:
    """`dondoc draft` on a file on the server: the draft's YAML, its review list and its Markdown page."""
    from dondoc.intake.review import draft_markdown
    from dondoc.intake.service import draft_document, load_registries

    draft = _logged(lambda: draft_document(Path(path), province=province, registry=load_registries()))
    return {
        "source_file": draft.source_file,
        "yaml": draft.to_yaml(),
        "markdown": draft_markdown(draft),
        "assignments": len(draft.assignments),
        "review": [f"dòng {f.line}: {f.field}: {f.message}" for f in draft.review],
    }


@side_effect_task("publish-draft")
def publish_draft(draft: dict[str, Any]) -> str:
    """The draft as a Markdown artifact: the Office reviews it in the Prefect UI, flagged fields marked."""
    key = f"dondoc-draft-{slug(Path(draft['source_file']).stem)}"[:100]
    create_markdown_artifact(
        key=key,
        markdown=draft["markdown"],
        description=f"Bản nháp {draft['source_file']}: {draft['assignments']} nhiệm vụ, {len(draft['review'])} mục cần xem lại",
    )
    return key
