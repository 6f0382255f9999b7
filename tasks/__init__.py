"""Prefect tasks: one thin module per pipeline stage, each wrapping one function of :mod:`akhbar.pipeline`.

Tasks carry policy (names, retries on I/O, no caching of frames), never text logic.
"""
