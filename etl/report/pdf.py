"""The report as an A4 PDF (ReportLab): Chinese text in an embedded CJK font, charts drawn server-side.

Font: a TrueType CJK font from Debian (fonts-wqy-microhei / fonts-wqy-zenhei, which
ReportLab can embed; Noto CJK ships CFF outlines it cannot). Without one, ReportLab's
built-in STSong-Light CID font is used: the text is still real text (searchable,
extractable), but the reader supplies the glyphs.
Text from filings goes into Paragraphs escaped, never as markup.
"""
from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle)

from etl.report.data import EXEC_THRESHOLD, PROBLEM_LIMIT, ReportData

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
]
FAMILIES = {"vague": "指标模糊", "scoring": "评分问题", "reason": "偏差原因", "category": "分类/单位错误",
            "numbers": "数字不符", "copying": "指标雷同", "template": "模板/占位", "parse": "解析问题"}
SEVERITIES = {"error": "错误", "warning": "警告", "info": "提示"}
BLUE, RED, GREY = colors.HexColor("#1f77b4"), colors.HexColor("#d62728"), colors.HexColor("#DDE7F0")

_font: str | None = None


def font() -> str:
    """Register the CJK font once; returns its name."""
    global _font
    if _font:
        return _font
    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=index))
                _font = "CJK"
                return _font
            except Exception:  # a font ReportLab cannot read: try the next
                continue
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    _font = "STSong-Light"
    return _font


def _styles():
    f = font()
    return {
        "title": ParagraphStyle("title", fontName=f, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=6),
        "sub": ParagraphStyle("sub", fontName=f, fontSize=10, leading=15, alignment=TA_CENTER, textColor=colors.grey),
        "h2": ParagraphStyle("h2", fontName=f, fontSize=14, leading=20, spaceBefore=10, spaceAfter=4,
                             textColor=colors.HexColor("#1f3b5a")),
        "body": ParagraphStyle("body", fontName=f, fontSize=10, leading=15),
        "warn": ParagraphStyle("warn", fontName=f, fontSize=10, leading=15, textColor=RED, borderColor=RED,
                               borderWidth=0.8, borderPadding=5, spaceBefore=6, spaceAfter=8),
        "cell": ParagraphStyle("cell", fontName=f, fontSize=8, leading=10.5),
        "small": ParagraphStyle("small", fontName=f, fontSize=8, leading=11, textColor=colors.grey),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def pct(v) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def num(v, digits: int = 1) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


class NumberedCanvas(rl_canvas.Canvas):
    """Footer 第 k 页 / 共 n 页: pages are kept until the end, when n is known."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._pages, self._footer = [], footer

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(font(), 8)
            self.setFillColor(colors.grey)
            self.drawString(18 * mm, 10 * mm, self._footer)
            self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {self._pageNumber} 页 / 共 {total} 页")
            super().showPage()
        super().save()


def _table(rows, widths, header_rows: int = 1, style=None) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=header_rows)
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font(), 9),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), GREY),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b0b7c0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        *(style or []),
    ]))
    return t


def _exec_chart(bands: list[tuple[float, int]]) -> Drawing:
    d = Drawing(170 * mm, 62 * mm)
    c = VerticalBarChart()
    c.x, c.y, c.width, c.height = 14 * mm, 10 * mm, 150 * mm, 44 * mm
    c.data = [[n for _, n in bands] or [0]]
    c.categoryAxis.categoryNames = [("≥120%" if lo >= 1.2 else f"{lo * 100:.0f}–{lo * 100 + 10:.0f}%") for lo, _ in bands] or [""]
    c.categoryAxis.labels.fontName = c.valueAxis.labels.fontName = font()
    c.categoryAxis.labels.fontSize = c.valueAxis.labels.fontSize = 7
    c.valueAxis.valueMin = 0
    c.valueAxis.valueStep = max(1, -(-max([n for _, n in bands] or [1]) // 5))  # whole filings
    c.bars[0].fillColor = BLUE
    for i, (lo, _) in enumerate(bands):
        if lo + 0.1 <= EXEC_THRESHOLD + 1e-9:
            c.bars[(0, i)].fillColor = RED
    d.add(c)
    d.add(String(14 * mm, 57 * mm, f"预算执行率分布（填报数；红色为低于 {EXEC_THRESHOLD:.0%}）", fontName=font(), fontSize=9))
    return d


def _family_chart(families: list[tuple[str, str, int]]) -> Drawing:
    totals: dict[str, int] = {}
    for fam, _, n in families:
        totals[fam] = totals.get(fam, 0) + n
    items = sorted(totals.items(), key=lambda kv: kv[1])
    h = max(30, 8 * len(items) + 16)
    d = Drawing(170 * mm, h * mm)
    c = HorizontalBarChart()
    c.x, c.y, c.width, c.height = 32 * mm, 6 * mm, 130 * mm, (h - 14) * mm
    c.data = [[n for _, n in items] or [0]]
    c.categoryAxis.categoryNames = [FAMILIES.get(k, k) for k, _ in items] or [""]
    c.categoryAxis.labels.fontName = c.valueAxis.labels.fontName = font()
    c.categoryAxis.labels.fontSize = c.valueAxis.labels.fontSize = 8
    c.valueAxis.valueMin = 0
    c.valueAxis.valueStep = max(1, -(-max([n for _, n in items] or [1]) // 5))
    c.bars[0].fillColor = colors.HexColor("#ff9f1c")
    d.add(c)
    d.add(String(0, (h - 5) * mm, "发现的问题（按类别）", fontName=font(), fontSize=9))
    return d


def render(r: ReportData) -> bytes:
    st = _styles()
    s, place, h = r.scope, r.place, r.headline
    where = " ".join(x for x in (place["province"], place["city"], place["county"]) if x)
    who = where + (f" · {s.department}" if s.department else "")
    story = [
        _p(f"{place['county']}{s.year} 年预算绩效分析报告", st["title"]),
        _p(who, st["sub"]),
        _p(f"生成日期：{r.generated:%Y年%m月%d日}　数据来源：{r.db_name}", st["sub"]),
        Spacer(1, 4 * mm),
        _p(f"数据范围：{who}，{s.year} 年度，共 {h['filings']:,} 份填报、{h['departments']:,} 个部门"
           f"（含目标表、自评表和自评报告）。数字由程序从填报文件中抽取并复核，个别文件可能解析不全，"
           f"引用前请按“来源位置”核对原件。", st["body"]),
    ]
    if r.sample_filings:
        story.append(_p(f"注意：其中 {r.sample_filings:,} 份是合成的样例填报（演示用，不是真实数据），"
                        "请勿据此得出结论。", st["warn"]))

    story.append(_p("一、主要数字", st["h2"]))
    below = f"{h['exec_below']:,} 份（共 {h['with_rate']:,} 份有执行率）"
    heads = [
        ("填报数", f"{h['filings']:,}"), ("部门数", f"{h['departments']:,}"),
        ("全年预算数合计", f"{num(h['budget'], 2)} 万元"),
        ("自评得分中位数", num(h["median_score"])), ("复核得分中位数", num(h["median_recomputed"])),
        ("平均自评虚高", f"{num(h['mean_inflation'])} 分"),
        ("预算执行率中位数", pct(h["median_exec_rate"])), (f"执行率低于 {EXEC_THRESHOLD:.0%}", below),
        ("模糊指标占比", pct(h["vague_share"])), ("扣分无原因占比", pct(h["no_reason_share"])),
        ("发现的问题", f"{int(h['findings'] or 0) - h['unverified']:,} 个（其中错误 "
                  f"{int(h['errors'] or 0) - h['unverified_errors']:,} 个），不含待核实"),
        ("待核实的问题", f"{h['unverified']:,} 个：所在行读取的把握不足（解析置信度低于 {h['review_threshold']:g}），"
                   "可能是读取错误，人工复核确认后才计入上一行"),
    ]
    rows = [[_p(k, st["cell"]), _p(v, st["cell"])] for k, v in heads]
    story.append(_table([["指标", "数值"]] + rows, [60 * mm, 110 * mm]))
    story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether([_exec_chart(r.exec_bands)]))
    if r.families:
        story.append(KeepTogether([_family_chart(r.families)]))

    story.append(_p(f"二、与{place['province'] or '同省'}其他县区比较（{s.year} 年，全县口径）", st["h2"]))
    rows = [["指标", "本县区", "同省 P25", "同省 P50", "同省 P75", "排名"]]
    small = False
    for p in r.peers:
        f = pct if p["is_share"] else num
        rank = "—" if p["rank"] is None else f"第 {p['rank']} / {p['n']} 名"
        small = small or (p["n"] or 0) < 5
        rows.append([_p(p["label"], st["cell"]), f(p["value"]), f(p["p25"]), f(p["p50"]), f(p["p75"]), rank])
    story.append(_table(rows, [48 * mm, 22 * mm, 22 * mm, 22 * mm, 22 * mm, 34 * mm]))
    story.append(_p("排名第 1 为最好（得分、执行率越高越好；模糊、虚高、无原因、问题越少越好）。"
                    + ("同组县区少于 5 个，百分位和排名仅供参考。" if small else ""), st["small"]))

    story.append(_p("三、问题最多的填报", st["h2"]))
    rows = [["部门", "项目", "自评", "复核", "执行率", "错误", "问题"]]
    for w in r.worst:
        rows.append([_p(w["department"], st["cell"]), _p(w["project"], st["cell"]), num(w["total_score"]),
                     num(w["score_recomputed"]), pct(w["exec_rate"]), str(w["errors"]), str(w["findings"])])
    story.append(_table(rows, [38 * mm, 56 * mm, 14 * mm, 14 * mm, 18 * mm, 12 * mm, 12 * mm]))

    story.append(_p("四、问题清单（错误和警告，附来源位置）", st["h2"]))
    if r.problem_total > len(r.problems):
        story.append(_p(f"共 {r.problem_total:,} 条，此处列出前 {PROBLEM_LIMIT} 条（错误在前）；"
                        "完整清单请在看板“筛选查询”或“指标质量”页导出。", st["small"]))
    rows = [["严重程度", "部门 / 项目", "指标 / 来源位置", "问题", "依据"]]
    for x in r.problems:
        title = r.rule_titles.get(x["rule"], x["rule"])
        seq = f"第 {x['indicator_seq']} 项 {x['indicator'] or ''}" if x["indicator_seq"] is not None else "整份填报"
        rows.append([
            _p(SEVERITIES.get(x["severity"], x["severity"]) + ("（待核实）" if x.get("unverified") else ""), st["cell"]),
            _p(f"{x['department'] or ''} / {x['project'] or ''}", st["cell"]),
            _p(f"{seq}；{x['src_where'] or '位置未记录'}；{x['source_file']}", st["cell"]),
            _p(f"{title}：{x['message']}", st["cell"]),
            _p(x["evidence"], st["cell"]),
        ])
    if len(rows) == 1:
        rows.append(["—", "没有错误或警告", "", "", ""])
    story.append(_table(rows, [14 * mm, 36 * mm, 46 * mm, 52 * mm, 26 * mm]))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=f"{place['county']}{s.year}年预算绩效分析报告",
                            author="jixiao", subject=who)
    footer = f"{who} · {s.year} 年 · 生成于 {r.generated:%Y-%m-%d}"
    doc.build(story, canvasmaker=lambda *a, **k: NumberedCanvas(*a, footer=footer, **k))
    return buf.getvalue()
