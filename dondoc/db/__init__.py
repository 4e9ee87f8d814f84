"""The database: the one engine and session factory, schema migrations, column types, the audit trail."""

from dondoc.db.engine import get_engine, read_scope, reset_engine, session_scope, upsert_insert

__all__ = ["get_engine", "read_scope", "reset_engine", "session_scope", "upsert_insert"]
