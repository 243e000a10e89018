"""The printable notice: one A4 page per notice for the village board, with the Chinese
font embedded (subset), the notice period and how to object printed on it. It shows what
the public page shows and nothing more: never ID numbers, phones, bank accounts or health."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

# Where Debian's fonts-noto-cjk puts Noto Sans CJK; index 2 of the collection is the
# Simplified Chinese face.
DEFAULT_FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
]


class FontMissing(Exception):
    pass


def font() -> tuple[str, int]:
    configured = getattr(settings, "FUPIN_PDF_FONT", "")
    if configured:
        path, _sep, index = configured.partition("#")
        if not Path(path).exists():
            raise FontMissing(path)
        return path, int(index or 0)
    for path, index in DEFAULT_FONTS:
        if Path(path).exists():
            return path, index
    raise FontMissing(DEFAULT_FONTS[0][0])


def notice_pdf(notice: dict, objection_url: str) -> bytes:
    """``notice`` is the public page's dict for one notice (public.views.notice_view)."""
    path, index = font()
    pdf = FPDF(format="A4")
    pdf.set_title(notice["title"])
    pdf.set_creator("fupin")
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.multi_cell(0, 12, notice["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, notice["intro"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (50, 120)
    for label, value in notice["rows"]:
        pdf.set_font("cjk", size=12)
        pdf.cell(widths[0], 10, label, border=1)
        pdf.multi_cell(widths[1], 10, str(value), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(
        0,
        8,
        _("公示期：%(a)s 至 %(b)s（共 %(n)s 天）。")
        % {"a": notice["starts"], "b": notice["ends"], "n": notice["days"]},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(
        0,
        8,
        _("公示期间如有异议，请向村委会、乡镇人民政府反映，或在网上提出：%(url)s（可不留姓名）。")
        % {"url": objection_url},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(10)
    pdf.multi_cell(0, 8, notice["issuer"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 8, str(notice["starts"]), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
