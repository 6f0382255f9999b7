"""The exception tree of akhbar. Every error says what to do about it.

``AkhbarError`` is the root; catch it to handle any failure raised by the library.
"""

from __future__ import annotations

__all__ = [
    "AkhbarError",
    "AlignmentError",
    "ConfigError",
    "IngestError",
    "ModelError",
    "ValidationFailed",
    "WarehouseBusy",
    "WarehouseError",
]


class AkhbarError(Exception):
    """Root of every error akhbar raises on purpose."""


class ConfigError(AkhbarError):
    """A setting or command-line value is invalid; fix the value named in the message."""


class IngestError(AkhbarError):
    """Input could not be read at all (a missing path, an unreadable folder).

    A single bad document never raises this: it goes to ``rejected_documents`` instead.
    """


class AlignmentError(AkhbarError):
    """A span could not be mapped between normalised and raw text (a bug: please report the input)."""


class ModelError(AkhbarError):
    """A shipped model file is missing or unreadable; rebuild it with ``akhbar train ner``."""


class WarehouseError(AkhbarError):
    """The warehouse (DuckDB file or Parquet folder) could not be written or read."""


class WarehouseBusy(WarehouseError):
    """Another run holds the warehouse lock; wait for it to finish, or pass another ``--warehouse``."""


class ValidationFailed(AkhbarError):
    """A Great Expectations suite failed; the run loaded none of its rows.

    Attributes:
        failures: list of ``(table_name, expectation, detail)`` tuples for the failed expectations.
    """

    def __init__(self, message: str, failures: list[tuple[str, str, str]] | None = None) -> None:
        super().__init__(message)
        self.failures = failures or []
