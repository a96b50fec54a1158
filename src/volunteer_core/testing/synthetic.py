"""The seeded generator of a realistic year now lives in :mod:`volunteer_core.synthetic` (shipped code
such as the demo and the benchmarks must not import the test kit); this module re-exports it."""

from volunteer_core.synthetic import LoadSummary, SyntheticYear, generate_year, record_request

__all__ = ["LoadSummary", "SyntheticYear", "generate_year", "record_request"]
