from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from fupin.assistance import selectors
from fupin.assistance.models import Pairing


class PairingSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    region = serializers.CharField(source="household.region_id", read_only=True)
    cadre_name = serializers.CharField(source="cadre.display_name", read_only=True)

    class Meta:
        model = Pairing
        fields = [
            "id",
            "household",
            "household_number",
            "region",
            "cadre",
            "cadre_name",
            "start",
            "end",
            "reason",
        ]
        read_only_fields = fields


class PairingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """结对帮扶：农户的帮扶责任人及其变化，只读，按本人管辖范围。"""

    serializer_class = PairingSerializer

    def get_queryset(self):
        return selectors.pairings(actor=self.request.user).order_by("id")
