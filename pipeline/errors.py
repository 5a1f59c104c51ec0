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


class LedgerCorrupt(PipelineError, RuntimeError):
    """The ledger file is damaged or not a ledger."""

    code = "ledger-corrupt"


class LedgerMissing(PipelineError, RuntimeError):
    """The ledger is missing or empty while the workspace has history (archive, outputs)."""

    code = "ledger-missing"


class LedgerEdited(PipelineError, RuntimeError):
    """The ledger differs from its seal: rows were changed outside the pipeline."""

    code = "ledger-edited"


class RestoreRefused(PipelineError, RuntimeError):
    """``restore`` has nothing to do, or no backup to do it with."""

    code = "restore-not-needed"


class StorageFailed(PipelineError, OSError):
    """The disk is full or failing, or an output folder cannot be written."""

    code = "disk-full"


class InboxInvalid(PipelineError, ValueError):
    """The inbox is not a folder."""

    code = "inbox-not-folder"


class UnitUnknown(PipelineError, ValueError):
    """A unit named on the command line is not in the roster."""

    code = "unit-not-found"


class MonthOrderError(PipelineError, ValueError):
    """New files for a month older than the ledger's latest month."""

    code = "month-order"


class AsOfOutside(PipelineError, ValueError):
    """The as-of date of a run does not fall in the campaign."""

    code = "as-of-outside"


class MonthInvalid(PipelineError, ValueError):
    """A month typed on the command line is not a month of the campaign."""

    code = "month-invalid"


class ReceivedRefused(PipelineError, ValueError):
    """A received time the clerk states cannot be recorded."""

    code = "received-not-found"


class FileRefused(PipelineError, ValueError):
    """A received file cannot be read as a problem list (encrypted, corrupt, ...)."""

    code = "file-unreadable"


class AuditError(PipelineError, RuntimeError):
    """The audit trail does not verify."""

    code = "audit-broken"


class DemoRefused(PipelineError, ValueError):
    """The demo would overwrite a folder that is not a demo workspace."""

    code = "demo-refused"


class DemoUnavailable(PipelineError, RuntimeError):
    """The sample campaign's package or its extra dependencies are not installed."""

    code = "demo-unavailable"


class SummaryNoData(PipelineError, ValueError):
    """No month has been run yet."""

    code = "summary-no-data"


class OutputPathError(PipelineError, ValueError):
    """An output file would be written outside its folder (a name or a link pointing elsewhere)."""

    code = "output-outside"
