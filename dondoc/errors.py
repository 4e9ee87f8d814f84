"""Errors a user can fix: the CLI prints them and exits with code 2, having written nothing."""

from __future__ import annotations


class DondocError(Exception):
    """Base for errors caused by input or state the user controls."""


class InputError(DondocError):
    """Bad input: the message names the file, line or field and what to do."""

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        self.problems = problems or [message]
        super().__init__(message if problems is None else "\n".join(problems))


class NotFoundError(DondocError):
    """A referenced directive, agency or instance does not exist."""


class BusyError(DondocError):
    """Someone else is doing the same work right now (a sweep, an import) or the database stayed busy.

    A state, not bad input: running again later succeeds, so the Prefect task policy retries it.
    """


class ConflictError(DondocError):
    """The record changed since it was read (another user completed the task first)."""
