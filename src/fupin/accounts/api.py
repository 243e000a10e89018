from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError

from fupin.accounts import selectors, services
from fupin.accounts.models import User
from fupin.core import scope


class UserSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "role",
            "role_label",
            "region",
            "department",
            "phone",
            "is_active",
            "last_login",
            "version",
        ]
        read_only_fields = [
            "id",
            "username",
            "role",
            "region",
            "department",
            "last_login",
            "version",
        ]


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """账号：县级管理员和系统管理员可查看、修改其管辖范围内的账号。"""

    serializer_class = UserSerializer
    filterset_fields = ["role", "department", "is_active"]

    def get_queryset(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return selectors.user_list(actor=self.request.user)
        return scope.editable(self.request.user, User.objects.all())

    def perform_update(self, serializer):
        data = serializer.validated_data
        try:
            services.user_update(
                actor=self.request.user,
                user=serializer.instance,
                full_name=data.get("full_name"),
                phone=data.get("phone"),
                is_active=data.get("is_active"),
            )
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from error
        serializer.instance.refresh_from_db()
