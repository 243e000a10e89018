"""The core resources of the API: the audit log (read-only), background jobs and the
current user."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.accounts import roles
from fupin.core import selectors
from fupin.core.models import AUDIT_FIELDS, AuditEntry, Job


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["id", *AUDIT_FIELDS]


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """审计日志（只读）：督查和系统管理员可查阅其管辖范围内的记录。"""

    serializer_class = AuditEntrySerializer
    filterset_fields = ["action", "target_type", "target_id", "actor_username", "request_id"]

    def get_queryset(self):
        if not roles.may(self.request.user, roles.Capability.AUDIT_SEARCH):
            raise exceptions.PermissionDenied(_("只有督查和系统管理员可以查阅审计日志。"))
        return selectors.audit_search(actor=self.request.user)


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "done",
            "total",
            "percent",
            "message",
            "created_at",
            "started_at",
            "finished_at",
        ]


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """后台任务：当前用户发起的任务及其进度。"""

    serializer_class = JobSerializer

    def get_queryset(self):
        return selectors.job_list(actor=self.request.user)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    region = serializers.CharField(source="region_id", allow_null=True)
    department = serializers.CharField()


class MeView(APIView):
    """当前用户：账号、角色和管辖区域。"""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
