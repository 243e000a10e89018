from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from fupin.monitoring import selectors
from fupin.monitoring.models import Lead, LeadSource


class LeadSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeadSource
        fields = ["channel", "department", "received_at", "risk_types", "difficulty", "amount"]


class LeadSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    sources = LeadSourceSerializer(many=True, read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "receipt",
            "household",
            "region",
            "risk_types",
            "status",
            "received_on",
            "check_due",
            "decision_due",
            "flag",
            "checked_on",
            "outcome_reason",
            "procedure",
            "decided_on",
            "version",
            "sources",
        ]
        read_only_fields = fields


class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """监测线索：来源、期限和核实结果，只读，按本人管辖范围。"""

    serializer_class = LeadSerializer

    def get_queryset(self):
        return selectors.leads(actor=self.request.user).prefetch_related("sources")


class WarningUploadSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        from fupin.monitoring.models import WarningUpload

        model = WarningUpload
        fields = [
            "id",
            "department",
            "region",
            "filename",
            "uploaded_at",
            "read",
            "rejected",
            "unmatched",
            "matched",
            "leads",
        ]
        read_only_fields = fields


class WarningUploadViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """部门预警导入：每个文件的读取、拒绝、未匹配、匹配和线索数；部门用户只见本部门的。"""

    serializer_class = WarningUploadSerializer

    def get_queryset(self):
        return selectors.warning_uploads(actor=self.request.user)


class WarningRuleSetSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        from fupin.monitoring.models import WarningRuleSet

        model = WarningRuleSet
        fields = ["id", "region", "department", "values", "basis", "updated_at", "version"]
        read_only_fields = fields


class WarningRuleSetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """各县自定的部门预警规则（只含改过默认值的项）。"""

    serializer_class = WarningRuleSetSerializer

    def get_queryset(self):
        return selectors.warning_rule_sets(actor=self.request.user)
