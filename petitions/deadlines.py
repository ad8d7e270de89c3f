"""The legal clock's contract (DESIGN.md, "Counting days"): R2 and R3 due dates for any date.

The arithmetic lives in ``regulations.deadlines`` (below sessions and petitions, so that every layer
reads the same clock); this module is the fixed entry point the rest of the product and its
tests use."""

from regulations.deadlines import (
    FORWARDED,
    NOTICE,
    REPLY,
    SUPPLEMENTARY,
    DueDateExplanation,
    WorkCalendar,
    due_date,
    explain_due_date,
    forwarded_due_date,
    is_rest_day,
    notice_due_date,
    reply_due_date,
    supplementary_due_date,
)

__all__ = [
    "FORWARDED",
    "NOTICE",
    "REPLY",
    "SUPPLEMENTARY",
    "DueDateExplanation",
    "WorkCalendar",
    "due_date",
    "explain_due_date",
    "forwarded_due_date",
    "is_rest_day",
    "notice_due_date",
    "reply_due_date",
    "supplementary_due_date",
]
