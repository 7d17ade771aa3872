"""Checks before import: what would go wrong with each transfer, found before a file is written."""

from engine.checks.findings import CheckReport, Finding, Severity
from engine.checks.rules import refuse_on_errors, run_checks

__all__ = ["CheckReport", "Finding", "Severity", "refuse_on_errors", "run_checks"]
