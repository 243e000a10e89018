from __future__ import annotations

from fupin.procedures.signals import procedure_finished


def _decided(sender, procedure, day, **kwargs) -> None:
    """A lead's county decision is the end of the procedure it started."""
    from fupin.monitoring.models import Lead

    Lead.objects.filter(procedure=procedure, decided_on__isnull=True).update(
        decided_on=day, flag=""
    )


def connect() -> None:
    procedure_finished.connect(_decided, dispatch_uid="monitoring.lead_decided")
