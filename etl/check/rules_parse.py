"""parse: what the reader and parser could not make of the filing."""
from __future__ import annotations

from .registry import rule

_TABLE_KINDS = ("project_target", "dept_target", "project_self_eval", "dept_self_eval")


@rule("PARSE_PARTIAL", "parse", "info", "只读出了部分内容", example="ex_parse_partial")
def partial(f, ctx):
    if f.parse_status in ("partial", "failed"):
        notes = "；".join(f.parse_notes) if f.parse_notes else "未说明"
        word = "部分内容未能读出" if f.parse_status == "partial" else "未能读出表格内容"
        yield None, f"{word}（{notes}）；依赖合计的检查已跳过，请对照原件。", f"parse_status={f.parse_status}"


@rule("PARSE_NO_INDICATORS", "parse", "warning", "表格中没有读出任何指标", example="ex_parse_partial")
def no_indicators(f, ctx):
    if f.doc_kind in _TABLE_KINDS and not f.indicators:
        yield None, "这是一张绩效表，却没有读出任何指标行；可能是格式无法识别或原件缺页。", f"doc_kind={f.doc_kind}"


@rule("PARSE_LOW_CONFIDENCE", "parse", "info", "这一行读得把握不大，请对照原件核对", example="ex_low_confidence", rows=True)
def low_confidence(f, ctx):
    """Rows whose reading is probably wrong in part (parse_confidence: the estimated share of the row's fields
    read right, from the evidence, etl/trust), so a user knows which to check."""
    limit = ctx.settings.low_confidence
    for ind in f.indicators:
        c = getattr(ind, "parse_confidence", None)
        if c is not None and c < limit:
            yield ind.seq, (
                f"第{ind.seq}个指标「{ind.name or ''}」的读法把握不大（置信度 {c:.2f}，低于 {limit:.2f}）：原件的单元格"
                f"可能缺失、粘连或错位；请对照原件核对指标名称、指标值、实际完成值、分值和得分。"
            ), f"parse_confidence={c:.3f}"
