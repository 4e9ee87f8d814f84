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
