"""Sent when a procedure ends, done or rejected (after its designation is recorded), so that
what started it (a monitoring lead) can record the decision without this app knowing it."""

from django.dispatch import Signal

procedure_finished = Signal()  # sender=Procedure, procedure=…, day=date
