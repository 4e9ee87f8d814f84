"""Reminder engine: selection, recipients, digests, ledger and the sweep (DOMAIN.md §5).

The ladder itself is pure domain (``dondoc.domain.reminders``); delivery goes through the
one Apprise adapter (``dondoc.reminders.notify``).
"""
