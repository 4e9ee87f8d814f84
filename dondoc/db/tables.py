"""Light Core views of the tables a read command lists from, without the SQLModel classes.

Building the 20 SQLModel table classes (pydantic schemas and ORM mappers) costs ~0.08 s, a quarter
of ``import sqlmodel`` itself; ``dondoc tasks`` needs neither, only these columns. Each is declared
with the very type of the model's column, and ``tests/test_cli.py`` checks every name and type
against ``SQLModel.metadata``: a column renamed or retyped in a model fails that test. Not a second
schema: the migrations and the models stay the only definition; these are read-only selections.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Date, Integer, String, column, table
from sqlmodel.sql.sqltypes import AutoString

from dondoc.db.types import AwareDateTime

task_instance = table(
    "task_instance",
    column("id", Integer()),
    column("assignment_id", Integer()),
    column("directive_id", Integer()),
    column("agency_id", Integer()),
    column("period", AutoString(length=32)),
    column("kind", String(length=16)),
    column("opens_on", Date()),
    column("due_date", Date()),
    column("original_due_date", Date()),
    column("state", String(length=16)),
    column("completed_on", Date()),
    column("completion_evidence", AutoString()),
    column("extended_at", AwareDateTime()),
    column("due_on_day_off", Boolean()),
)

directive = table(
    "directive",
    column("id", Integer()),
    column("code", AutoString(length=80)),
    column("number", AutoString(length=80)),
    column("province", AutoString(length=64)),
)

assignment = table(
    "assignment",
    column("id", Integer()),
    column("position", Integer()),
    column("clause", AutoString(length=40)),
    column("summary", AutoString()),
    column("deadline_text", AutoString()),
    column("report_to_codes", JSON()),
    column("co_agencies", JSON()),
    column("report_via", AutoString(length=64)),
    column("ad_hoc", AutoString()),
)

agency = table(
    "agency",
    column("id", Integer()),
    column("code", AutoString(length=64)),
    column("name", AutoString()),
    column("short_name", AutoString()),
    column("aliases", JSON()),
)

agency_group = table(
    "agency_group",
    column("id", Integer()),
    column("code", AutoString(length=64)),
)

group_member = table(
    "group_member",
    column("group_id", Integer()),
    column("agency_id", Integer()),
)

TABLES = (task_instance, directive, assignment, agency, agency_group, group_member)
