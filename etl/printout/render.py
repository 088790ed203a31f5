"""The report as an A4 PDF (ReportLab): conclusions first, the scorecard row, charts, grouped problems.

At most a few pages for a county: what to read first are the three to five conclusions written from
the figures; then the county against its peers on every measure (the scorecard row, each value
coloured by its quartile band); two charts (无数据 where there is nothing to draw); the problems
grouped by department and by rule, each with its counts and three most serious examples; and the
full list as an XLSX attachment embedded in the PDF (attach.py writes it beside the PDF as well).

Font: a TrueType CJK font from Debian (fonts-wqy-microhei / fonts-wqy-zenhei, which ReportLab can
embed; Noto CJK ships CFF outlines it cannot). Without one, ReportLab's built-in STSong-Light CID
font is used: the text is still real text (searchable, extractable). Text is set by typeset.Text
(Chinese line breaking, plain text: what comes from filings is never markup).
"""
from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import CondPageBreak, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from etl.check.registry import FAMILY_TITLES, SEVERITY_TITLES
from etl.measures import BAND_COLORS, BAND_NAMES, SELF_SCORE_HIGH, position_words
from etl.printout.data import EXEC_THRESHOLD, MAX_GROUPS, CardRow, Group, ReportData
from etl.printout.typeset import Text

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
]
BLUE, RED, GREY = colors.HexColor("#1f77b4"), colors.HexColor("#d62728"), colors.HexColor("#DDE7F0")
HEAD_BLUE = colors.HexColor("#1f3b5a")
PAGE_W = A4[0] - 36 * mm  # the frame's width (18 mm margins)

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


# ------------------------------------------------------------------ numbers as printed

def _zero(v: float, digits: int) -> float:
    r = round(float(v), digits)
    return 0.0 if r == 0 else r  # never "-0.0"


def pct(v) -> str:
    return "—" if v is None else f"{_zero(v * 100, 1):.1f}%"


def num(v, digits: int = 1) -> str:
    return "—" if v is None else f"{_zero(v, digits):,.{digits}f}"


def count(v) -> str:
    return "0" if v is None else f"{int(v):,}"


def card_value(kind: str, v) -> str:
    if kind == "share":
        return pct(v)
    if kind == "money":
        return num(v, 2)
    if kind == "count":
        return "—" if v is None else count(round(v))
    if kind == "ratio":
        return num(v, 2)
    return num(v)


# ------------------------------------------------------------------ text and tables

def h1(text) -> Text:
    return Text(text, font(), 18, 26, align="center", space_after=2)


def sub(text) -> Text:
    return Text(text, font(), 9.5, 14, color=colors.grey, align="center")


def h2(text) -> list:
    """A section heading, with room for it and a few lines below it (else it starts the next page):
    a heading never ends a page, and a long table after it still starts right under it."""
    return [CondPageBreak(38 * mm), Text(text, font(), 13, 19, color=HEAD_BLUE, space_before=8, space_after=4)]


def body(text, **kw) -> Text:
    return Text(text, font(), 10, 15, **kw)


def small(text) -> Text:
    return Text(text, font(), 8, 11, color=colors.grey, space_before=2)


def cell(text, size: float = 8.5, color=colors.black, align: str = "left") -> Text:
    return Text(text, font(), size, size * 1.3, color=color, align=align)


def fit(text: str, width: float, size: float = 8.5) -> str:
    """The text cut to one line of this width, with … where it was cut."""
    text = " ".join(str(text or "").split())
    if stringWidth(text, font(), size) <= width:
        return text
    while text and stringWidth(text + "…", font(), size) > width:
        text = text[:-1]
    return text + "…"


def table(rows, widths, style=None) -> Table:
    """A table whose header and cells are wrapped Text (nothing overflows its column); the header repeats."""
    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), GREY),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b0b7c0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *(style or []),
    ]))
    return t


def header(*names) -> list:
    return [cell(n, 8.5) for n in names]


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


# ------------------------------------------------------------------ charts

def no_data(title: str, width: float, height: float) -> Drawing:
    """An empty chart says so, instead of empty axes."""
    d = Drawing(width, height)
    d.add(String(0, height - 12, title, fontName=font(), fontSize=9))
    d.add(Rect(0, 0, width, height - 18, strokeColor=colors.HexColor("#b0b7c0"), fillColor=None, strokeWidth=0.5))
    d.add(String(width / 2, (height - 18) / 2 - 5, "无数据", fontName=font(), fontSize=12, fillColor=colors.grey,
                 textAnchor="middle"))
    return d


def _step(top: int) -> int:
    return max(1, -(-top // 5))  # whole filings, about five ticks, never a repeated tick


def exec_chart(bands: list[tuple[float, int]], width: float) -> Drawing:
    title = f"预算执行率分布（填报数；红色为低于 {EXEC_THRESHOLD:.0%}）"
    if not bands:
        return no_data(title, width, 62 * mm)
    d = Drawing(width, 62 * mm)
    c = VerticalBarChart()
    c.x, c.y, c.width, c.height = 10 * mm, 10 * mm, width - 12 * mm, 42 * mm
    c.data = [[n for _, n in bands]]
    c.categoryAxis.categoryNames = [("≥120%" if lo >= 1.2 else f"{lo * 100:.0f}–{lo * 100 + 10:.0f}%") for lo, _ in bands]
    c.categoryAxis.labels.fontName = c.valueAxis.labels.fontName = font()
    c.categoryAxis.labels.fontSize = c.valueAxis.labels.fontSize = 6.5
    c.valueAxis.valueMin = 0
    c.valueAxis.valueStep = _step(max(n for _, n in bands))
    c.valueAxis.labelTextFormat = lambda v: f"{int(v):,}"
    c.bars[0].fillColor = BLUE
    for i, (lo, _) in enumerate(bands):
        if lo + 0.1 <= EXEC_THRESHOLD + 1e-9:
            c.bars[(0, i)].fillColor = RED
    d.add(c)
    d.add(String(0, 57 * mm, title, fontName=font(), fontSize=9))
    return d


def family_chart(families: list[tuple[str, int]], width: float) -> Drawing:
    title = "发现的问题（按类别）"
    if not families:
        return no_data(title, width, 62 * mm)
    items = sorted(families, key=lambda kv: kv[1])
    d = Drawing(width, 62 * mm)
    c = HorizontalBarChart()
    c.x, c.y, c.width, c.height = 24 * mm, 6 * mm, width - 27 * mm, 46 * mm
    c.data = [[n for _, n in items]]
    c.categoryAxis.categoryNames = [FAMILY_TITLES.get(k, k) for k, _ in items]  # Chinese names, never the codes
    c.categoryAxis.labels.fontName = c.valueAxis.labels.fontName = font()
    c.categoryAxis.labels.fontSize = c.valueAxis.labels.fontSize = 7
    c.valueAxis.valueMin = 0
    c.valueAxis.valueStep = _step(max(n for _, n in items))
    c.valueAxis.labelTextFormat = lambda v: f"{int(v):,}"
    c.bars[0].fillColor = colors.HexColor("#ff9f1c")
    d.add(c)
    d.add(String(0, 57 * mm, title, fontName=font(), fontSize=9))
    return d


# ------------------------------------------------------------------ the conclusions

def _row(r: ReportData, key: str) -> CardRow | None:
    return next((c for c in r.card if c.key == key), None)


def conclusions(r: ReportData) -> list[str]:
    """Three to five sentences written from the figures: the scope, the self-scores, the execution,
    the problems, the indicators' quality, each said against the peers where the scorecard has it."""
    h, s = r.headline, r.scope
    who = f"{r.place['county']}{s.department or ''}"
    unit = "部门" if s.department else "县区"
    money = "未填写全年预算数" if h["budget"] is None else f"全年预算数合计 {num(h['budget'], 2)} 万元"
    out = [f"{s.year} 年，{who}共有 {count(h['filings'])} 份绩效文件（{count(h['departments'])} 个部门），{money}。"]
    score = _row(r, "self_score")
    if h["with_score"]:
        text = (f"自评得分中位数 {num(h['median_score'])} 分，{pct(h['score_high'] / h['with_score'])} 的自评为 "
                f"{SELF_SCORE_HIGH:g} 分及以上")
        if score and score.value is not None and score.peers > 1:
            text += (f"，在{r.peer_label}中第 {score.rank} 高，{position_words('watch', score.band)}，"
                     f"同组中位数 {num(score.p50)} 分")
        if h["median_recomputed"] is not None:
            text += f"；按指标完成情况复核，得分中位数 {num(h['median_recomputed'])} 分，平均虚高 {num(h['mean_inflation'])} 分"
        out.append(text + "。")
    rate = _row(r, "exec_rate")
    if h["with_rate"]:
        text = (f"预算执行率中位数 {pct(h['median_exec_rate'])}，{count(h['exec_below'])} 份"
                f"（{pct(h['exec_below'] / h['with_rate'])}）低于 {EXEC_THRESHOLD:.0%}")
        if rate and rate.value is not None and rate.peers > 1:
            text += f"，{position_words('up', rate.band)}，同组中位数 {pct(rate.p50)}"
        out.append(text + "。")
    total = len(r.problems)
    if total:
        errors = sum(x.severity == "error" for x in r.problems)
        fams = "、".join(f"{FAMILY_TITLES.get(k, k)}（{count(n)} 个）" for k, n in r.families[:2])
        # findings on rows read with little confidence are 待核实 (possibly reading errors, etl/review): said
        # apart, as the overview counts them
        unsure = (f"；待核实 {count(h['unverified'])} 个：所在行读取的把握不足（解析置信度低于 "
                  f"{h['review_threshold']:g}），可能是读取错误，经人工复核确认后才能认定") if h["unverified"] else ""
        text = f"共发现问题 {count(total)} 个（其中错误 {count(errors)} 个{unsure}），最多的是{fams}"
        if r.by_department and not s.department:
            top = max(r.by_department, key=lambda g: (g.findings, g.errors))
            text += f"；问题最多的部门是{top.name}（{count(top.findings)} 个）"
        per = _row(r, "findings_per_filing")
        if per and per.value is not None and per.peers > 1:
            text += f"；每份文件 {num(per.value, 2)} 个问题，{position_words('down', per.band)}"
        out.append(text + "。")
    else:
        out.append("未发现问题。")
    vague = _row(r, "vague_share")
    if h["vague_share"] is not None:
        text = f"模糊指标占比 {pct(h['vague_share'])}"
        if vague and vague.value is not None and vague.peers > 1:
            text += f"（{position_words('down', vague.band)}）"
        if h["no_reason_share"] is not None:
            text += f"，扣分而未写偏差原因的占 {pct(h['no_reason_share'])}"
        out.append(text + f"。各项与{r.peer_label}的比较见下表（同组为同年度的{unit}）。")
    return out[:5]


# ------------------------------------------------------------------ the report

def _card_table(r: ReportData):
    widths = [46 * mm, 24 * mm, 20 * mm, 20 * mm, 20 * mm, PAGE_W - 130 * mm]
    unit = "本部门" if r.scope.department else "本县区"
    rows = [header("指标", unit, "同组 P25", "同组 P50", "同组 P75", "在同组中的位置")]
    style = []
    for i, c in enumerate(r.card, start=1):
        where = "—" if c.band is None else BAND_NAMES[c.band]
        if c.rank is not None and c.peers > 1:
            where += f"，第 {c.rank} 高 / {c.peers}"  # by height, whatever the direction: the colour says good or bad
        rows.append([cell(c.label), cell(card_value(c.kind, c.value), align="right"),
                     cell(card_value(c.kind, c.p25), align="right"), cell(card_value(c.kind, c.p50), align="right"),
                     cell(card_value(c.kind, c.p75), align="right"), cell(where)])
        colour = BAND_COLORS[c.direction][c.band] if c.band is not None else None
        if colour:
            style.append(("BACKGROUND", (1, i), (1, i), colors.HexColor(colour)))
    return table(rows, widths, style)


def _group_table(groups: list[Group], by_rule: bool):
    ex_w = PAGE_W - (86 * mm if by_rule else 62 * mm)
    if by_rule:
        widths = [42 * mm, 22 * mm, 11 * mm, 11 * mm, ex_w]
        rows = [header("规则", "类别", "问题", "文件", "最严重的三个例子")]
    else:
        widths = [38 * mm, 12 * mm, 12 * mm, ex_w]
        rows = [header("部门", "问题", "错误", "最严重的三个例子")]
    text_w = ex_w - 7
    shown = groups[:MAX_GROUPS]
    for g in shown:
        lines = []
        for x in g.examples:
            where = x.department if by_rule else x.short_name()
            lines.append(fit(f"· {SEVERITY_TITLES.get(x.severity, x.severity)}｜{where}：{x.message}", text_w, 7.5))
        examples = cell("\n".join(lines), 7.5)
        if by_rule:
            rows.append([cell(g.examples[0].rule_title if g.examples else g.name),
                         cell(FAMILY_TITLES.get(g.family or "", g.family or "")), cell(count(g.findings), align="right"),
                         cell(count(g.filings), align="right"), examples])
        else:
            rows.append([cell(g.name), cell(count(g.findings), align="right"), cell(count(g.errors), align="right"),
                         examples])
    out = [table(rows, widths)]
    rest = groups[MAX_GROUPS:]
    if rest:
        what = "条规则" if by_rule else "个部门"
        out.append(small(f"另有 {len(rest)} {what}共 {count(sum(g.findings for g in rest))} 个问题，见附件问题清单。"))
    return out


def attachment_name(r: ReportData) -> str:
    s = r.scope
    return f"{r.place['county']}{s.year}年{s.department or ''}问题清单.xlsx"


def render_pdf(r: ReportData) -> bytes:
    s, place, h = r.scope, r.place, r.headline
    where = " ".join(x for x in (place["province"], place["city"], place["county"]) if x)
    who = where + (f" · {s.department}" if s.department else "")
    story = [
        h1(f"{place['county']}{s.year} 年预算绩效分析报告"),
        sub(who),
        sub(f"生成日期：{r.generated:%Y年%m月%d日}　数据来源：{r.db_name}"),
        Spacer(1, 3 * mm),
    ]
    if r.sample_filings:
        story.append(Text(f"注意：其中 {count(r.sample_filings)} 份是合成的样例填报（演示用，不是真实数据），"
                          "请勿据此得出结论。", font(), 10, 15, color=RED, border=RED, padding=4, space_after=4))
    story += h2("一、主要结论")
    for k, sentence in enumerate(conclusions(r), start=1):
        story.append(body(f"{k}. {sentence}", space_after=2))
    story.append(small("数字由程序从填报文件中抽取并复核，个别文件可能解析不全，引用前请按附件中的“来源位置”核对原件。"))

    story += h2(f"二、评分卡：与{r.peer_label}比较（{s.year} 年）")
    story.append(_card_table(r))
    story.append(small("每格按在同组中的位置着色（四分位）：执行率、置信度越高越好，问题、模糊、软目标越少越好（绿好红差）；"
                       "自评得分越高越需要核实（黄、红），不代表成绩好；填报数和资金只表示多少（蓝）。"))

    half = (PAGE_W - 6 * mm) / 2
    charts = Table([[exec_chart(r.exec_bands, half), family_chart(r.families, half)]], colWidths=[half + 3 * mm] * 2)
    charts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(KeepTogether(h2("三、图表") + [charts]))  # the charts do not split: their heading moves with them

    story += h2("四、问题汇总（按部门）")
    if r.by_department:
        story += _group_table(r.by_department, False)
    else:
        story.append(body("未发现问题。"))
    story += h2("五、问题汇总（按规则）")
    if r.by_rule:
        story += _group_table(r.by_rule, True)
    else:
        story.append(body("未发现问题。"))
    story += h2("六、完整问题清单")
    story.append(body(f"共 {count(len(r.problems))} 条问题（错误、警告和提示），逐条列出文件、指标和来源位置，"
                      f"见附件《{attachment_name(r)}》（已嵌入本 PDF，也与本报告一同生成）。"))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=f"{place['county']}{s.year}年预算绩效分析报告",
                            author="jixiao", subject=who)
    footer = f"{who} · {s.year} 年 · 生成于 {r.generated:%Y-%m-%d}"
    doc.build(story, canvasmaker=lambda *a, **k: NumberedCanvas(*a, footer=footer, **k))
    return buf.getvalue()


def embed(pdf: bytes, name: str, data: bytes) -> bytes:
    """The PDF with `data` embedded as an attached file (PDFium; readers list it under 附件 / attachments)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        doc.new_attachment(name).set_data(data)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
    finally:
        doc.close()
