from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.procedures import flows
from fupin.procedures.models import Kind, Step
from fupin.procedures.services import TARGETS, File
from fupin.registry import choices as c


def _kind_choices(kind: str) -> list[tuple[str, str]]:
    return [("", "—")] + [(t, c.HouseholdType(t).label) for t in TARGETS[kind]]


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=_("程序"), choices=Kind.choices)
    target_kind = forms.ChoiceField(
        label=_("拟认定类型"),
        required=False,
        choices=[("", "—")]
        + [(t, c.HouseholdType(t).label) for t in (*c.POOR_TYPES, *c.MONITORED_TYPES)],
        help_text=_("识别和纳入监测时选择；县级审定时可以改定。"),
    )
    lead_received_on = forms.DateField(
        label=_("发现线索日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("纳入监测：自此日起计算县级确定的期限；不填为今天。"),
    )
    reason = forms.CharField(
        label=_("发起理由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, Kind(k).label) for k in kinds]


class ActForm(forms.Form):
    """The action on one open step; the fields it shows depend on the step's rules."""

    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, step: Step, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        rules = step.rules
        if rules.get("vote"):
            for key, label in (
                ("for", _("赞成票")),
                ("against", _("反对票")),
                ("abstain", _("弃权票")),
            ):
                self.fields[f"votes_{key}"] = forms.IntegerField(
                    label=label, min_value=0, required=False
                )
        for kind_ in rules.get("attachments", []):
            self.fields[f"file_{kind_}"] = forms.FileField(
                label=flows.attachment_label(kind_), required=False
            )
        self.fields["file_other"] = forms.FileField(label=_("其他材料"), required=False)
        if rules.get("choose_kind"):
            self.fields["target_kind"] = forms.ChoiceField(
                label=_("认定类型"), choices=_kind_choices(kind), required=False
            )
        if rules.get("gate"):
            self.fields["override_reason"] = forms.CharField(
                label=_("不符合核验结果时的理由"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("按核验结果暂不符合风险消除条件、仍要消除时必填。"),
            )

    def votes(self) -> dict | None:
        if not self.step.rules.get("vote"):
            return None
        return {k: self.cleaned_data.get(f"votes_{k}") for k in ("for", "against", "abstain")}

    def attachments(self) -> list[File]:
        out = []
        for name, value in self.cleaned_data.items():
            if name.startswith("file_") and value:
                out.append(File(kind=name.removeprefix("file_"), upload=value))
        return out


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    name = forms.CharField(label=_("姓名（可不填）"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话（可不填）"), max_length=20, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}))
    upheld = forms.TypedChoiceField(
        label=_("结论"),
        choices=[("no", _("异议不成立")), ("yes", _("异议成立"))],
        coerce=lambda v: v == "yes",
    )
