from __future__ import annotations

from fupin.procedures.signals import procedure_finished


def _decided(sender, procedure, day, **kwargs) -> None:
    """A lead's county decision is the end of the procedure it started."""
    from fupin.monitoring.models import Lead
    from fupin.monitoring.services import notify_departments

    for lead in Lead.objects.filter(procedure=procedure, decided_on__isnull=True):
        lead.decided_on, lead.flag = day, ""
        lead.save(update_fields=["decided_on", "flag"])
        notify_departments(lead)


def connect() -> None:
    procedure_finished.connect(_decided, dispatch_uid="monitoring.lead_decided")
