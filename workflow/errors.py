"""The project's own error types. Every failure a user can cause is one of these."""

from __future__ import annotations

from pathlib import Path


class WorkflowError(Exception):
    """An error with the file and line it concerns and a hint on what to do."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint

    def location(self) -> str:
        """`path:line` (or just `path`, or "") for messages."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class SourceError(WorkflowError):
    """A source article cannot be read (unknown format, bad encoding, bad markup)."""


class CatalogError(WorkflowError):
    """A PO/POT catalog cannot be read or written."""


class SettingsError(WorkflowError):
    """The workspace or its `[workflow]` settings are wrong."""


class MissingLanguagePair(WorkflowError):
    """No installed machine-translation model for a language pair."""


class PublishError(WorkflowError):
    """A localized document cannot be published."""


class LockError(WorkflowError):
    """Another workflow command holds the workspace lock."""


class UsageError(WorkflowError):
    """A command was given options or arguments that do not go together (exit code 2, as click's own)."""
