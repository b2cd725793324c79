"""Quality checks: catalogs -> findings. Reads catalogs only; never writes a file.

`registry` says what a check is and keeps them by id, `checks` holds the checks
(`numbers` the number finder of the numbers check), `runner` runs them over
catalogs and makes the report. This package gives what the commands use.
"""

from __future__ import annotations

from .checks import verbatim_spans  # importing `checks` registers every check in CHECKS
from .registry import CHECKS, Check, CheckContext, check, select_checks
from .runner import (
    CheckReport,
    Finding,
    check_catalog,
    check_unit,
    check_units,
    ignored,
    load_terms,
    report_json,
    run_checks,
)

__all__ = [
    "CHECKS", "Check", "CheckContext", "CheckReport", "Finding", "check", "check_catalog", "check_unit",
    "check_units", "ignored", "load_terms", "report_json", "run_checks", "select_checks", "verbatim_spans",
]
