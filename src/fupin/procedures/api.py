from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from fupin.core.api_base import conflict_response
from fupin.procedures import selectors, services
from fupin.procedures.models import Action, Kind, Objection, Procedure, Step
from fupin.registry.errors import StaleVersion
from fupin.registry.selectors import household_list


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = [
            "id",
            "position",
            "key",
            "label",
            "level",
            "type",
            "status",
            "opened_on",
            "due",
            "flag",
            "notice_starts",
            "notice_ends",
        ]


class ActionSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()
    step = serializers.SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = Action
        fields = ["id", "step", "verb", "actor", "comment", "votes", "at"]


class ProcedureSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    household_number = serializers.CharField(source="household.number", read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "id",
            "kind",
            "household",
            "household_number",
            "region",
            "status",
            "target_kind",
            "origin",
            "reason",
            "lead_received_on",
            "due",
            "override_reason",
            "started_at",
            "finished_at",
            "version",
            "steps",
            "actions",
        ]
        read_only_fields = fields


class StartSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    target_kind = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    lead_received_on = serializers.DateField(required=False, allow_null=True, default=None)


class ActSerializer(serializers.Serializer):
    step = serializers.IntegerField(help_text="办理中的环节 id")
    verb = serializers.ChoiceField(
        choices=["submit", "approve", "return", "reject", "close_notice"]
    )
    version = serializers.IntegerField(help_text="读取时程序的 version；过期返回 409")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    votes = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False)
    target_kind = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ProcedureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """程序（识别、退出、纳入监测、风险消除）：环节与办理记录，按本人管辖范围。
    发起（POST）和办理某一环节（POST …/act/）与页面同一规则；需上传材料的环节请在页面办理。"""

    serializer_class = ProcedureSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=Kind.values),
            OpenApiParameter("status", str, enum=Procedure.Status.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.procedures(
            actor=self.request.user, kind=params.get("kind", ""), status=params.get("status", "")
        ).prefetch_related("steps", "actions__actor", "actions__step")

    @extend_schema(request=StartSerializer, responses=ProcedureSerializer)
    def create(self, request):
        serializer = StartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        household = get_object_or_404(household_list(actor=request.user), pk=data.pop("household"))
        procedure = _call(services.procedure_start, actor=request.user, household=household, **data)
        return Response(ProcedureSerializer(procedure).data, status=201)

    @extend_schema(request=ActSerializer, responses=ProcedureSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        procedure = self.get_object()
        serializer = ActSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        step = get_object_or_404(procedure.steps.all(), pk=data.pop("step"))
        try:
            procedure = _call(services.step_act, actor=request.user, step=step, **data)
        except StaleVersion:
            return conflict_response(ProcedureSerializer(self.get_object()).data)
        return Response(ProcedureSerializer(procedure).data)


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except PermissionDenied as error:
        raise ApiPermissionDenied(str(error)) from error
    except ValidationError as error:
        raise ApiValidationError(error.message_dict) from error


class ObjectionSerializer(serializers.ModelSerializer):
    procedure = serializers.IntegerField(source="step.procedure_id", read_only=True)
    step = serializers.CharField(source="step.key", read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "procedure",
            "step",
            "channel",
            "name",
            "phone_masked",
            "text",
            "received_at",
            "answer",
            "upheld",
            "answered_at",
        ]
        read_only_fields = fields


class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """公示期间收到的异议及答复，只读，按本人管辖范围。"""

    serializer_class = ObjectionSerializer

    def get_queryset(self):
        return selectors.objections(actor=self.request.user)
