from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from fupin.accounts import roles
from fupin.core.api_base import conflict_response
from fupin.registry import choices as c
from fupin.registry import selectors, services
from fupin.registry.errors import StaleVersion
from fupin.registry.models import HEALTH_FIELDS, MASK, Household, HouseholdIncome, Person
from fupin.registry.services.common import registry_editable


class IncomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = HouseholdIncome
        fields = [
            "year",
            *services.INCOME_PARTS,
            "net_income",
            "members_counted",
            "per_capita_net_income",
            "version",
        ]
        read_only_fields = ["net_income", "members_counted", "per_capita_net_income"]
        extra_kwargs = {"version": {"required": False}}


class PersonSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="id_masked", read_only=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not roles.may(request.user, roles.Capability.REVEAL_PERSONAL_DATA):
            for name in HEALTH_FIELDS:
                data[name] = MASK if data.get(name) not in (None, "") else data.get(name)
        return data

    class Meta:
        model = Person
        fields = [
            "id",
            "household",
            "id_number",
            "sex",
            "birth_date",
            *services.MEMBER_FIELDS,
            "version",
        ]
        read_only_fields = ["id", "household", "id_number", "sex", "birth_date"]


class HouseholdSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    phone = serializers.CharField(source="phone_masked", read_only=True)
    bank_account = serializers.CharField(source="bank_account_masked", read_only=True)
    other_causes = serializers.ListField(
        child=serializers.ChoiceField(choices=c.Cause.choices), max_length=2, required=False
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "region",
            "number",
            "household_type",
            "identification_year",
            "exit_year",
            "head_name",
            "member_count",
            *services.HOUSEHOLD_FIELDS,
            "phone",
            "bank_account",
            "version",
            "updated_at",
        ]
        read_only_fields = ["id", "head_name", "member_count", "updated_at"]
        extra_kwargs = {"version": {"required": False}}


class HouseholdWriteSerializer(HouseholdSerializer):
    new_phone = serializers.CharField(required=False, allow_blank=True, write_only=True)
    new_bank_account = serializers.CharField(required=False, allow_blank=True, write_only=True)
    reason = serializers.CharField(required=False, allow_blank=True, write_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "new_phone", "new_bank_account", "reason"]


def _conflict(serializer_class, current) -> Response:
    return conflict_response(serializer_class(current).data)


def _fields(data: dict, allowed: list[str]) -> dict:
    fields = {k: v for k, v in data.items() if k in allowed}
    for api_name, field in (("new_phone", "phone"), ("new_bank_account", "bank_account")):
        if api_name in data:
            fields[field] = data[api_name]
    return fields


class HouseholdViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """农户：列表、详情、建档和修改。

    修改必须带上读取时的 version，过期的 version 返回 409 和当前记录。
    证件号码、电话和银行账号只返回打码形式。"""

    filterset_fields = ["household_type", "identification_year", "exit_year", "main_cause"]

    def get_serializer_class(self):
        return (
            HouseholdSerializer
            if self.request.method in ("GET", "HEAD")
            else HouseholdWriteSerializer
        )

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="姓名、户编号或完整证件号码")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            filters = selectors.HouseholdFilters(search=self.request.query_params.get("q", ""))
            return selectors.household_list(actor=self.request.user, filters=filters)
        return registry_editable(self.request.user, Household.objects.all())

    def create(self, request, *args, **kwargs):
        serializer = HouseholdWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            household = services.household_create(
                actor=request.user,
                region_code=data["region_id"],
                number=data["number"],
                household_type=data.get("household_type", c.HouseholdType.GENERAL),
                identification_year=data.get("identification_year"),
                exit_year=data.get("exit_year"),
                fields=_fields(data, services.HOUSEHOLD_FIELDS),
                reason=data.get("reason", ""),
            )
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from error
        return Response(HouseholdSerializer(household).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        household = self.get_object()
        serializer = HouseholdWriteSerializer(household, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "version" not in data:
            raise ApiValidationError({"version": [_("修改时必须提供读取时的版本号 version。")]})
        try:
            household = services.household_update(
                actor=request.user,
                household=household,
                version=data["version"],
                fields=_fields(data, services.HOUSEHOLD_FIELDS),
                reason=data.get("reason", ""),
            )
        except StaleVersion as stale:
            return _conflict(HouseholdSerializer, stale.current)
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from error
        return Response(HouseholdSerializer(household).data)

    @extend_schema(responses=PersonSerializer(many=True))
    @action(detail=True, methods=["get"])
    def members(self, request, pk=None):
        """该户的现有成员。"""
        household = self.get_object()
        return Response(
            PersonSerializer(
                household.members.order_by("id"), many=True, context={"request": request}
            ).data
        )

    @extend_schema(request=IncomeSerializer, responses=IncomeSerializer(many=True))
    @action(detail=True, methods=["get", "put"])
    def income(self, request, pk=None):
        """该户各年度收入（GET），或登记一个年度的收入（PUT）。

        修改已有年度时应带上读取时的 version，过期返回 409；不带 version 则直接覆盖。"""
        if request.method == "GET":
            household = self.get_object()
            return Response(IncomeSerializer(household.incomes.all(), many=True).data)
        household = self.get_object()
        serializer = IncomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        parts = {k: data[k] for k in services.INCOME_PARTS if k in data}
        try:
            income = services.income_set(
                actor=request.user,
                household=household,
                year=data["year"],
                parts=parts,
                version=data.get("version"),
            )
        except StaleVersion as stale:
            return _conflict(IncomeSerializer, stale.current)
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from error
        return Response(IncomeSerializer(income).data)


class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """家庭成员：查找（姓名或完整证件号码）、详情和修改（须带 version）。"""

    serializer_class = PersonSerializer

    @extend_schema(parameters=[OpenApiParameter("q", str, description="姓名或完整证件号码")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return selectors.person_list(
                actor=self.request.user, search=self.request.query_params.get("q", "")
            )
        return registry_editable(self.request.user, Person.objects.all())

    def update(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = PersonSerializer(person, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "version" not in data:
            raise ApiValidationError({"version": [_("修改时必须提供读取时的版本号 version。")]})
        try:
            person = services.member_update(
                actor=request.user,
                person=person,
                version=data["version"],
                fields={k: v for k, v in data.items() if k in services.MEMBER_FIELDS},
                reason=request.data.get("reason", ""),
            )
        except StaleVersion as stale:
            return _conflict(
                PersonSerializer, stale.current
            )  # current record: masked without request
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from error
        return Response(PersonSerializer(person, context={"request": request}).data)
