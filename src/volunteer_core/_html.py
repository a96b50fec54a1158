"""The HTML of notebooks now lives in :mod:`volunteer_core.notebook.html`; this module re-exports it
for the modules that still import it from here."""

from volunteer_core.notebook.html import (
    RECORD_COLUMNS,
    import_result_html,
    member_year_html,
    records_frame,
    table,
    violation_html,
    violations_html,
    year_report_html,
)

__all__ = [
    "RECORD_COLUMNS",
    "import_result_html",
    "member_year_html",
    "records_frame",
    "table",
    "violation_html",
    "violations_html",
    "year_report_html",
]
