"""Prefect flows: orchestration only (one flow per module)."""
