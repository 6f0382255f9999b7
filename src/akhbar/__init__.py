"""akhbar: raw Arabic news text to entities, dates and a DuckDB warehouse.

The library under ``akhbar`` is pure Python and never imports Prefect; the Prefect flows in ``flows/`` and
the tasks in ``tasks/`` are thin wrappers over :mod:`akhbar.pipeline`.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
