"""Writing the audit log. Services call :func:`record` inside their own transaction, so an
action and its audit row are committed together or not at all."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from fupin.core import context
from fupin.core.models import AuditEntry

# Never written into before/after, whatever a service passes.
_SECRET_FIELDS = frozenset({"password", "key", "token", "secret", "otp_secret"})


class AuditOutsideTransaction(RuntimeError):
    pass


# What each action means, for the audit pages; apps add theirs with register_actions.
_ACTION_LABELS: dict[str, str] = {
    "auth.login": _("登录"),
    "auth.logout": _("退出"),
    "auth.login_failed": _("登录失败"),
    "otp.enrol": _("启用双因素认证"),
    "otp.failed": _("动态验证码错误"),
    "user.create": _("创建账号"),
    "user.update": _("修改账号"),
    "user.reset_credentials": _("重设密码或解锁"),
    "user.token.create": _("发放API令牌"),
    "user.token.show": _("查看API令牌"),
    "region.create": _("新增区划"),
    "region.rename": _("修改区划名称"),
    "job.download": _("下载后台任务结果"),
    "job.start.audit_export": _("导出审计日志"),
    "demo.load": _("载入演示数据"),
}


def register_actions(labels: dict[str, str]) -> None:
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(_ACTION_LABELS.get(action, action))


def _clean(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    kept = {k: v for k, v in value.items() if k not in _SECRET_FIELDS}
    # Round-trip through the encoder so dates, decimals and UUIDs are stored as JSON.
    return json.loads(json.dumps(kept, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The fields of ``instance`` as the audit log keeps them."""
    data = model_to_dict(instance, fields=fields)
    return _clean(data) or {}


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, so a row says what changed rather than everything."""
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    region_code: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    target_repr: str | None = None,
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(
            f"audit.record({action!r}) must run inside the service's transaction"
        )
    origin = context.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:200],
        region_code=region_code or "",
        before=_clean(before),
        after=_clean(after),
        request_id=origin.request_id,
        ip_address=origin.ip,
        channel=origin.channel,
    )
