"""Typed exceptions for expected failures.

Every exception carries a stable message code from ``pipeline.messages``; the CLI turns
it into the Chinese text of the catalogue and an exit code. Anything that is not a
``PipelineError`` is a bug and shows its traceback.
"""

from __future__ import annotations

from typing import Any


class PipelineError(Exception):
    """Base of every expected failure; ``code`` is a key of the message catalogue."""

    code = "internal"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(self.text)

    @property
    def text(self) -> str:
        from pipeline.messages import render_text

        return render_text(self.code, self.params)


class ConfigError(PipelineError, ValueError):
    """``campaign.toml`` is missing, unreadable or inconsistent."""

    code = "config-invalid"


class WorkspaceLocked(PipelineError, RuntimeError):
    """Another run holds the workspace lock."""

    code = "workspace-locked"


class LedgerTooNew(PipelineError, RuntimeError):
    """The ledger was written by a newer version of the pipeline."""

    code = "ledger-too-new"


class UnitUnknown(PipelineError, ValueError):
    """A unit named on the command line is not in the roster."""

    code = "unit-not-found"


class MonthOrderError(PipelineError, ValueError):
    """New files for a month older than the ledger's latest month."""

    code = "month-order"


class FileRefused(PipelineError, ValueError):
    """A received file cannot be read as a problem list (encrypted, corrupt, ...)."""

    code = "file-unreadable"


class AuditError(PipelineError, RuntimeError):
    """The audit trail does not verify."""

    code = "audit-broken"


class DemoRefused(PipelineError, ValueError):
    """The demo would overwrite a folder that is not a demo workspace."""

    code = "demo-refused"


class SummaryNoData(PipelineError, ValueError):
    """No month has been run yet."""

    code = "summary-no-data"


class OutputPathError(PipelineError, ValueError):
    """An output file would be written outside its folder (a name or a link pointing elsewhere)."""

    code = "output-outside"
