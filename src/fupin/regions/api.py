from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError

from fupin.core import scope
from fupin.regions import selectors, services
from fupin.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "version"]
        read_only_fields = ["code", "level", "parent", "version"]


class RegionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """行政区划：仅返回当前用户管辖范围内的区划。"""

    serializer_class = RegionSerializer
    lookup_field = "pk"
    filterset_fields = ["level", "parent"]

    def get_queryset(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return selectors.region_list(
                actor=self.request.user, search=self.request.query_params.get("q", "")
            )
        return scope.editable(self.request.user, Region.objects.all())

    def perform_update(self, serializer):
        try:
            services.region_rename(
                actor=self.request.user,
                region=serializer.instance,
                name=serializer.validated_data.get("name", serializer.instance.name),
            )
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from error
        serializer.instance.refresh_from_db()
