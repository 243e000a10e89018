from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.accounts.models import User
from fupin.core import audit, scope
from fupin.regions import codes
from fupin.regions.models import Level, Region

AUDITED_FIELDS = ["username", "full_name", "role", "region", "department", "phone", "is_active"]


def _validate_scope(*, role: str, region_code: str | None, department: str) -> None:
    if role not in roles.Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}})
    if region_code is None:
        if role != roles.Role.SYSADMIN:
            raise ValidationError({"region": _("除系统管理员外，每个账号都必须有管辖区域。")})
    else:
        if not Region.objects.filter(code=region_code).exists():
            raise ValidationError(
                {"region": _("区划代码 %(code)s 不存在。") % {"code": region_code}}
            )
        levels = roles.SCOPE_LEVEL[role]
        if levels is not None and codes.level_of(region_code) not in levels:
            raise ValidationError(
                {
                    "region": _("该角色的管辖区域应为：%(levels)s。")
                    % {"levels": "、".join(str(Level(level).label) for level in levels)}
                }
            )
    if role == roles.Role.DEPARTMENT and department not in roles.Department.values:
        raise ValidationError({"department": _("行业部门账号必须选择部门。")})
    if role != roles.Role.DEPARTMENT and department:
        raise ValidationError({"department": _("只有行业部门账号可以设置部门。")})


def _require_manager(actor: User | None, region_code: str | None) -> None:
    """Creating or changing accounts: the CLI (actor None) or a user manager in scope."""
    if actor is None:
        return
    if not roles.may(actor, roles.Capability.MANAGE_USERS):
        raise PermissionDenied(_("您的角色不能管理账号。"))
    if region_code is None and scope.user_prefix(actor) != "":
        raise PermissionDenied(_("只有全国范围的系统管理员可以管理全国账号。"))
    if region_code is not None:
        scope.require_write(actor, region_code)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    region_code: str | None,
    full_name: str = "",
    department: str = "",
    phone: str = "",
    check_password: bool = True,
) -> User:
    """Create an account with its role and scope; ``actor`` None means the command line."""
    region_code = codes.expand(region_code) if region_code else None
    _require_manager(actor, region_code)
    _validate_scope(role=role, region_code=region_code, department=department)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("账号 %(name)s 已存在。") % {"name": username}})
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        region_id=region_code,
        department=department,
        phone=phone,
        is_staff=role == roles.Role.SYSADMIN and region_code is None,
    )
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=actor,
        action="user.create",
        target=user,
        region_code=region_code,
        after=audit.snapshot(user, AUDITED_FIELDS),
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
) -> User:
    """Change an account's name, phone or whether it may sign in."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manager(actor, user.region_id)
    if is_active is False and user.pk == actor.pk:
        raise ValidationError({"is_active": _("不能停用自己的账号。")})
    before = audit.snapshot(user, AUDITED_FIELDS)
    if full_name is not None:
        user.full_name = full_name.strip()
    if phone is not None:
        user.phone = phone.strip()
    if is_active is not None:
        user.is_active = is_active
    user.version += 1
    user.save(update_fields=["full_name", "phone", "is_active", "version"])
    old, new = audit.changes(before, audit.snapshot(user, AUDITED_FIELDS))
    audit.record(
        actor=actor,
        action="user.update",
        target=user,
        region_code=user.region_id,
        before=old,
        after=new,
    )
    return user


@transaction.atomic
def user_token(*, username: str) -> str:
    """The account's API token, created on first use. Handing out a token is audited."""
    from rest_framework.authtoken.models import Token

    try:
        user = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise ValidationError(
            {"username": _("账号 %(name)s 不存在或已停用。") % {"name": username}}
        ) from None
    token, created = Token.objects.get_or_create(user=user)
    audit.record(
        actor=None,
        action="user.token.create" if created else "user.token.show",
        target=user,
        region_code=user.region_id,
    )
    return token.key


@transaction.atomic
def user_reset_credentials(
    *, username: str, password: str | None = None, reset_second_factor: bool = False
) -> User:
    """For the operator: set a new password, forget the TOTP devices (a lost phone) and
    lift a lockout. Run from the command line only; audited."""
    from axes.utils import reset as axes_reset
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        user = User.objects.select_for_update().get(username=username)
    except User.DoesNotExist:
        raise ValidationError(
            {"username": _("账号 %(name)s 不存在。") % {"name": username}}
        ) from None
    done = []
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        done.append("password")
    if reset_second_factor:
        TOTPDevice.objects.filter(user=user).delete()
        done.append("second_factor")
    axes_reset(username=username)
    done.append("lockout")
    audit.record(
        actor=None,
        action="user.reset_credentials",
        target=user,
        region_code=user.region_id,
        after={"reset": done},
    )
    return user
