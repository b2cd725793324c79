"""Quality checks: catalogs -> findings. Reads catalogs only; never writes a file.

`registry` says what a check is and keeps the checks by id, `checks` holds them
(`numbers` finds the numbers the numbers check compares), `runner` runs them over
catalogs and makes the report. This package gives what the commands use.
"""

from __future__ import annotations

from .checks import verbatim_spans  # importing `checks` registers every check in CHECKS
from .registry import CHECKS, CheckContext, select_checks
from .runner import (
    CheckReport,
    Finding,
    check_unit,
    check_units,
    ignored,
    load_terms,
    report_json,
    run_checks,
)

__all__ = [
    "CHECKS", "CheckContext", "CheckReport", "Finding", "check_unit", "check_units", "ignored", "load_terms",
    "report_json", "run_checks", "select_checks", "verbatim_spans",
]
