"""Light Core views of the tables a read command lists from, without the SQLModel classes.

Building the 20 SQLModel table classes (pydantic schemas and ORM mappers) costs ~0.08 s, a quarter
of ``import sqlmodel`` itself; ``dondoc tasks``, ``status``, ``agencies`` and ``calendar-token list``
need neither, only these columns. Each is declared with the very type of the model's column, but
for SQLModel's ``AutoString``, declared as the ``String`` of the same length it is everywhere but in
MySQL DDL (no bind or result processing: the same values are read), so that this module imports no
SQLModel at all. ``tests/test_cli.py`` checks
every name and type against ``SQLModel.metadata``: a column renamed or retyped in a model fails
that test. Not a second schema: the migrations and the models stay the only definition; these are
read-only selections.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Date, Integer, String, column, table

from dondoc.db.types import AwareDateTime

task_instance = table(
    "task_instance",
    column("id", Integer()),
    column("assignment_id", Integer()),
    column("directive_id", Integer()),
    column("agency_id", Integer()),
    column("period", String(length=32)),
    column("kind", String(length=16)),
    column("opens_on", Date()),
    column("due_date", Date()),
    column("original_due_date", Date()),
    column("state", String(length=16)),
    column("completed_on", Date()),
    column("completion_evidence", String()),
    column("extended_at", AwareDateTime()),
    column("due_on_day_off", Boolean()),
)

directive = table(
    "directive",
    column("id", Integer()),
    column("code", String(length=80)),
    column("number", String(length=80)),
    column("province", String(length=64)),
    column("kind", String(length=32)),
    column("issued_year", Integer()),
    column("issued_month", Integer()),
    column("issued_day", Integer()),
    column("title", String()),
    column("coordinator_code", String(length=64)),
    column("source_file", String()),
)

assignment = table(
    "assignment",
    column("id", Integer()),
    column("directive_id", Integer()),
    column("active", Boolean()),
    column("position", Integer()),
    column("clause", String(length=40)),
    column("summary", String()),
    column("lead_code", String(length=64)),
    column("lead_codes", JSON()),
    column("deadline_text", String()),
    column("deadline_reading", String()),
    column("report_to_codes", JSON()),
    column("co_agencies", JSON()),
    column("report_via", String(length=64)),
    column("ad_hoc", String()),
    column("depends_on", JSON()),
)

province = table(
    "province",
    column("code", String(length=64)),
    column("name", String()),
    column("registry_as_of", Date()),
    column("registry_file", String()),
    column("note", String()),
)

agency = table(
    "agency",
    column("id", Integer()),
    column("code", String(length=64)),
    column("province", String(length=64)),
    column("name", String()),
    column("short_name", String()),
    column("aliases", JSON()),
    column("kind", String(length=32)),
    column("parent_code", String(length=64)),
    column("contacts", JSON()),
    column("valid_from", Date()),
    column("valid_to", Date()),
    column("successor_code", String(length=64)),
    column("commune_type", String(length=16)),
    column("formed_from", String()),
    column("resolution", String()),
    column("note", String()),
)

agency_group = table(
    "agency_group",
    column("id", Integer()),
    column("code", String(length=64)),
    column("province", String(length=64)),
    column("name", String()),
    column("aliases", JSON()),
    column("includes", JSON()),
    column("complete", Boolean()),
    column("valid_from", Date()),
    column("valid_to", Date()),
    column("successor_code", String(length=64)),
    column("note", String()),
)

group_member = table(
    "group_member",
    column("group_id", Integer()),
    column("agency_id", Integer()),
    column("direct", Boolean()),
)

agency_succession = table(
    "agency_succession",
    column("from_code", String(length=64)),
    column("province", String(length=64)),
    column("kind", String(length=24)),
    column("effective", Date()),
    column("to_codes", JSON()),
    column("work", String(length=8)),
    column("lead_code", String(length=64)),
    column("unconfirmed", Boolean()),
    column("source", String()),
    column("note", String()),
    column("registry_file", String()),
)

province_merger = table(
    "province_merger",
    column("from_province", String(length=64)),
    column("into_province", String(length=64)),
    column("effective", Date()),
    column("source", String()),
    column("note", String()),
)

calendar_token = table(
    "calendar_token",
    column("id", Integer()),
    column("scope", String(length=16)),
    column("key", String(length=80)),
    column("label", String(length=200)),
    column("created_at", AwareDateTime()),
    column("revoked_at", AwareDateTime()),
)

TABLES = (
    task_instance, directive, assignment, province, agency, agency_group, group_member, agency_succession, province_merger,
    calendar_token,
)  # fmt: skip
