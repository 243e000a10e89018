from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from fupin.core.api_base import conflict_response
from fupin.registry.errors import StaleVersion
from fupin.standards import selectors
from fupin.standards.evaluations import COUNTS
from fupin.standards.parameters import FIRST_YEAR, NATIONAL, PARAMETERS
from fupin.standards.services import policy_set


class PolicyRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="参数代码，如 poverty_line")
    label = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    source = serializers.CharField(help_text="数值来自哪一级、哪一年的设定")
    set_here = serializers.BooleanField(help_text="本省本年度是否有自己的设定")
    version = serializers.IntegerField(allow_null=True)


class PolicySetSerializer(serializers.Serializer):
    province = serializers.RegexField(r"^\d{2}$", help_text="两位省份代码；00 为全国")
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=2100)
    key = serializers.ChoiceField(choices=list(PARAMETERS))
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, allow_null=True, help_text="修改已有设定时带上读取时的 version"
    )


class PolicyViewSet(viewsets.ViewSet):
    """政策参数：某省某年度现行的各项参数（GET），设定一项参数（POST）。

    省级管理员只能设定本省的参数，系统管理员可设定全国（00）参数。修改已有设定时
    应带上读取时的 version，过期返回 409 和当前数值。"""

    @extend_schema(
        parameters=[
            OpenApiParameter("province", str, description="两位省份代码，默认 00（全国）"),
            OpenApiParameter("year", int, description="年度"),
        ],
        responses=PolicyRowSerializer(many=True),
    )
    def list(self, request):
        province = request.query_params.get("province", NATIONAL)
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError as error:
            raise ApiValidationError({"year": [_("请提供年度 year。")]}) from error
        return Response(PolicyRowSerializer(selectors.policy_rows(province, year), many=True).data)

    @extend_schema(request=PolicySetSerializer, responses=PolicyRowSerializer)
    def create(self, request):
        serializer = PolicySetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            policy_set(actor=request.user, **data)
        except PermissionDenied as error:
            raise ApiPermissionDenied(str(error)) from error
        except StaleVersion:
            row = _row(data["province"], data["year"], data["key"])
            return conflict_response(PolicyRowSerializer(row).data)
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from error
        return Response(PolicyRowSerializer(_row(data["province"], data["year"], data["key"])).data)


def _row(province: str, year: int, key: str) -> dict:
    return next(r for r in selectors.policy_rows(province, year) if r["key"] == key)


class EvaluationRunSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", allow_null=True, read_only=True)
    started_by = serializers.StringRelatedField()

    class Meta:
        from fupin.standards.models import EvaluationRun

        model = EvaluationRun
        fields = [
            "id",
            "year",
            "region",
            "engine",
            "status",
            "note",
            "started_by",
            "started_at",
            "finished_at",
            "seconds",
            "parameters",
            "counts",
            "message",
        ]


class RunStartSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=2100)
    region = serializers.RegexField(r"^\d{12}$", required=False, help_text="默认本人管辖区域")
    engine = serializers.ChoiceField(choices=["duckdb", "spark"], default="duckdb")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EvaluationRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """批量核验：列出本人管辖范围内的核验（GET），发起一次核验（POST，后台运行）。"""

    serializer_class = EvaluationRunSerializer

    def get_queryset(self):
        return selectors.runs(actor=self.request.user)

    @extend_schema(request=RunStartSerializer, responses={202: EvaluationRunSerializer})
    def create(self, request):
        from fupin.standards.runs import run_start

        serializer = RunStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            run = run_start(
                actor=request.user,
                year=data["year"],
                region_code=data.get("region", ""),
                engine_name=data["engine"],
                note=data["note"],
            )
        except PermissionDenied as error:
            raise ApiPermissionDenied(str(error)) from error
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from error
        return Response(EvaluationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class VerdictSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    failed_criteria = serializers.ListField(source="failed_list", child=serializers.CharField())
    monitoring_reasons = serializers.ListField(source="reasons_list", child=serializers.CharField())

    class Meta:
        from fupin.standards.models import Verdict

        model = Verdict
        fields = [
            "id",
            "run",
            "household",
            "household_number",
            "region",
            "members_counted",
            "net_income",
            "per_capita_net_income",
            "criteria",
            "exit_eligible",
            "failed_criteria",
            "monitoring_candidate",
            "monitoring_kind",
            "monitoring_reasons",
            "risk_eliminable",
        ]


class VerdictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """核验结果：每户一条，只读，按本人管辖范围。可按核验编号 run、结果 outcome
    （exit_eligible、not_exit_eligible、monitoring_candidate、risk_eliminable、
    not_risk_eliminable）、未达标项 failed 筛选。"""

    serializer_class = VerdictSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("run", int),
            OpenApiParameter("outcome", str, enum=list(selectors.OUTCOMES)),
            OpenApiParameter("failed", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        run = params.get("run", "")
        return selectors.verdicts(
            actor=self.request.user,
            run_id=int(run) if run.isdigit() else None,
            outcome=params.get("outcome", ""),
            failed=params.get("failed", ""),
        )


class ExitEvaluationSerializer(serializers.ModelSerializer):
    region = serializers.RegexField(r"^\d{12}$", source="region_id", help_text="县的区划代码")
    entered_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        from fupin.standards.models import CountyExitEvaluation

        model = CountyExitEvaluation
        fields = [
            "id",
            "region",
            "year",
            *COUNTS,
            "note",
            "version",
            "entered_by",
            "entered_at",
        ]
        read_only_fields = ["id", "entered_by", "entered_at"]
        extra_kwargs = {"version": {"required": False}}
        validators = []  # one record a county and year: the service updates it


class ExitEvaluationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """贫困县退出评估的抽查数据：列出（GET），录入或修改一个县一个年度的数据（POST，
    修改时带上读取时的 version，过期返回 409）。"""

    serializer_class = ExitEvaluationSerializer

    def get_queryset(self):
        from fupin.core import scope
        from fupin.standards.models import CountyExitEvaluation

        return scope.visible(
            self.request.user, CountyExitEvaluation.objects.select_related("entered_by")
        ).order_by("-year", "region_id")

    def create(self, request):
        from fupin.standards.evaluations import evaluation_record

        serializer = ExitEvaluationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            record = evaluation_record(
                actor=request.user,
                county_code=data["region_id"],
                year=data["year"],
                counts={name: data[name] for name in COUNTS},
                note=data.get("note", ""),
                version=data.get("version"),
            )
        except PermissionDenied as error:
            raise ApiPermissionDenied(str(error)) from error
        except StaleVersion as stale:
            return conflict_response(ExitEvaluationSerializer(stale.current).data)
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from error
        return Response(ExitEvaluationSerializer(record).data)


class IndicatorsView(viewsets.ViewSet):
    """区域指标：某区域及其下一级各区域在某年度的在册人口、贫困户和贫困人口、贫困发生率、
    当年脱贫、监测户及占比，与阈值的比较；县级另有贫困县退出四项指标（已录入评估数据时）。"""

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, required=True, description="12 位区划代码"),
            OpenApiParameter("year", int, required=True),
        ]
    )
    def list(self, request):
        from fupin.core import scope
        from fupin.standards.indicators_json import indicators_json

        region = request.query_params.get("region", "")
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError as error:
            raise ApiValidationError({"year": [_("请提供年度 year。")]}) from error
        if not scope.region_in_scope(request.user, region):
            raise ApiPermissionDenied(_("该数据不在您的管辖范围内。"))
        return Response(indicators_json(region, year))
