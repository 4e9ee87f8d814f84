"""Generic top-level names (models, tasks) must be this project's, never a shadowing library."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import models
import tasks

ROOT = Path(__file__).resolve().parent.parent


def test_models_and_tasks_resolve_inside_the_repo() -> None:
    assert Path(models.__file__).resolve().is_relative_to(ROOT)
    assert Path(tasks.__file__).resolve().is_relative_to(ROOT)


def test_no_flow_module_shadows_a_package() -> None:
    """Prefect puts a flow file's folder first on sys.path: flows/models.py would shadow models."""
    own = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    for module in (ROOT / "flows").glob("*.py"):
        name = module.stem
        if name == "__init__":
            continue
        assert name not in own, f"flows/{module.name} shadows the project package {name}"
        assert name not in sys.stdlib_module_names, f"flows/{module.name} shadows the standard library"
        spec = importlib.util.find_spec(name)
        assert spec is None or spec.origin is None or Path(spec.origin).resolve() == module.resolve(), (
            f"flows/{module.name} shadows the installed module {name} ({spec.origin})"
        )
