from django import template

from fupin.core.audit import action_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """The audit action in words ("登录"), falling back to its code."""
    return action_label(action)
