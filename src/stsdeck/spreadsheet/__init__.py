"""Spreadsheets both ways, untrusted both ways: export the studies (one row per study, CSV cells
neutralised), import such a sheet back into YAML files (limits, hidden parts refused, changes shown)."""

from __future__ import annotations

from .export import export_table
from .plan import ABSENT_RULES, ImportPlan, apply_import, describe, import_table, plan_import
from .yamltext import to_yaml

__all__ = ["ABSENT_RULES", "ImportPlan", "apply_import", "describe", "export_table", "import_table", "plan_import",
           "to_yaml"]
