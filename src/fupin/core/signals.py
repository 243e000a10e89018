"""Sign-ins, sign-outs and failed sign-ins go to the audit log like any other action."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from fupin.core import audit


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    with transaction.atomic():
        audit.record(actor=user, action="auth.login", target=user, region_code=user.region_id)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    with transaction.atomic():
        audit.record(actor=user, action="auth.logout", target=user, region_code=user.region_id)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    username = str(credentials.get("username", ""))[:150]
    # Filed under the account's region, so the county's inspectors see attempts on its users.
    region = (
        get_user_model().objects.filter(username=username).values_list("region_id", flat=True)
    ).first()
    with transaction.atomic():
        audit.record(
            actor=None,
            action="auth.login_failed",
            target_repr=username,
            region_code=region,
            after={"username": username},
        )
