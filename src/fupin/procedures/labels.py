"""The labels of the national flows (flows/00.toml), listed so that the translation tools
find them: the pages show them through gettext, and a province's own labels fall back to
the text of its file."""

from django.utils.translation import gettext_noop as _

LABELS = [
    _("贫困户识别（两公示一公告）"),
    _("贫困户退出"),
    _("纳入监测"),
    _("风险消除"),
    _("农户申请"),
    _("村民代表大会民主评议"),
    _("村级第一次公示"),
    _("乡镇审核"),
    _("乡镇第二次公示"),
    _("县级审定"),
    _("县级公告"),
    _("村两委和驻村工作队核实"),
    _("贫困户签字确认"),
    _("村内公示"),
    _("公告退出"),
    _("入户核实（签署承诺授权书）"),
    _("村级评议"),
    _("县级确定"),
    _("入户核实"),
    _("乡镇验收"),
]
