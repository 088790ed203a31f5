"""Helpers the pages share: context, drill-down navigation, tables with exports."""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import export, url_state
from dashboard import markdown_text as md
from dashboard.filtering import Filters
from dashboard.labels import (COLUMN_KINDS, COLUMNS, DOC_KINDS, FAMILIES, SEVERITIES, kinds_label, rule_title,
                              source_label)
from dashboard.queries import FileQueries, connect
from etl.check.evidence import readable

PAGE_FILES = {
    "overview": "views/overview.py",
    "scorecard": "views/scorecard.py",
    "scores": "views/scores.py",
    "execution": "views/execution.py",
    "reasons": "views/reasons.py",
    "explore": "views/explore.py",
    "compare": "views/compare.py",
    "quality": "views/quality.py",
    "detail": "views/detail.py",
    "review": "views/review.py",
    "upload": "views/upload.py",
}


def db() -> Path:
    return st.session_state["_db"]


def queries() -> FileQueries:
    """The queries of this session's database, for what it holds (a file, a file with marts, a lake)."""
    return connect(db())


def current_filters() -> Filters:
    return st.session_state.get("_filters", Filters())


def scope_words(f: Filters | None = None) -> str:
    """The sidebar's filters in a few words, for file names (攸县_2022年_项目支出绩效自评表)."""
    f = f or current_filters()
    parts = [f.county or f.city or f.province or "", f.department or ""]
    parts.append("、".join(f"{y}" for y in f.years) + "年" if f.years else "")
    parts.append("、".join(DOC_KINDS.get(k, k) for k in f.kinds))
    return "_".join(p for p in parts if p)


# ----------------------------------------------------------------- drill-down

def goto(page: str, *, filters_: dict | None = None, state: dict | None = None, params: dict | None = None):
    """Switch page, carrying filter changes, page widget values and URL parameters along.

    st.switch_page clears the URL, so what the next page needs travels in the
    session and app.py puts it back before the page runs.
    """
    if filters_:
        url_state.set_pending(**filters_)
    st.session_state["_goto"] = {"state": state or {}, "params": params or {}}
    st.switch_page(PAGE_FILES[page])


def apply_goto_state() -> None:
    pending = st.session_state.get("_goto")
    if pending:
        for key, value in pending["state"].items():
            st.session_state[key] = value


def apply_goto_params() -> None:
    pending = st.session_state.pop("_goto", None)
    if pending:
        for param, value in pending["params"].items():
            url_state.set_param(param, value)


def open_filing(filing_id: str) -> None:
    goto("detail", params={"filing": filing_id})


def selected_points(event) -> list[dict]:
    try:
        return list(event.selection.points) if event else []
    except AttributeError:
        return []


# ----------------------------------------------------------------- tables

def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Codes to Chinese labels; column names stay codes (config gives the headers)."""
    out = df.copy()
    if "rule" in out:
        out["rule"] = out["rule"].map(lambda v: rule_title(v) or v)
    if "doc_kind" in out:
        out["doc_kind"] = out["doc_kind"].map(lambda v: DOC_KINDS.get(v, v))
    if "kinds" in out:  # a subject's documents, e.g. dept_self_eval、self_eval_report
        out["kinds"] = out["kinds"].map(kinds_label)
    if "source_kind" in out:
        out["source_kind"] = out["source_kind"].map(source_label)
    if "family" in out:
        out["family"] = out["family"].map(lambda v: FAMILIES.get(v, v))
    if "severity" in out:
        out["severity"] = out["severity"].map(lambda v: SEVERITIES.get(v, v))
    if "evidence" in out:  # key=value pairs as words, rates in %, amounts in 万元
        out["evidence"] = out["evidence"].map(lambda v: v if missing(v) else readable(v))
    return out


def column_config(df: pd.DataFrame, extra: dict | None = None) -> dict:
    """Chinese headers; the rule id stays reachable as the rule column's tooltip."""
    cfg = {}
    for col in df.columns:
        label = COLUMNS.get(col, col)
        if col == "rule":
            cfg[col] = st.column_config.Column(label, help="规则名称；规则编号见导出文件的“规则编号”列")
        else:
            cfg[col] = st.column_config.Column(label)
    cfg.update(extra or {})
    return cfg


def _plain_zero(x: float, digits: int) -> float:
    """A value that rounds to zero shows as 0, never as -0.0."""
    r = round(float(x), digits)
    return 0.0 if r == 0 else r


def _fmt(kind: str):
    if kind == "percent":
        return lambda v: "—" if missing(v) else f"{_plain_zero(v * 100, 1):.1f}%"
    if kind == "money":
        return lambda v: "—" if missing(v) else f"{_plain_zero(v, 2):,.2f}"
    if kind == "score":
        return lambda v: "—" if missing(v) else f"{_plain_zero(v, 1):.1f}"
    if kind == "ratio":
        return lambda v: "—" if missing(v) else f"{_plain_zero(v, 2):.2f}"
    if kind == "int":
        return lambda v: "—" if missing(v) else f"{int(v)}"
    if kind == "count":
        return lambda v: "—" if missing(v) else f"{int(v):,}"
    if kind == "seconds":
        return lambda v: "—" if missing(v) else f"{_plain_zero(v, 2):,.2f}"
    if kind == "datetime":  # to the second: the microseconds a timestamp carries say nothing to a reader
        return lambda v: "—" if missing(v) else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
    return lambda v: "—" if missing(v) else v


# How the browser draws each kind of full numeric column (st.column_config.NumberColumn's format and step):
# the same text as _fmt, drawn by the data grid instead of a pandas Styler formatting every cell in Python
# (0.2-0.5 s for a table of 1,000 rows, on every run of the page).
NUMBER_FORMATS = {
    "percent": ("percent", 0.001),  # 0.123 -> 12.3% (the step sets one decimal)
    "money": ("localized", 0.01),  # 1,234.50 (navigator.languages: zh-CN and en alike group by thousands)
    "score": ("%.1f", None),
    "ratio": ("%.2f", None),
    "int": ("%d", None),  # sprintf's %d truncates, as int() does
    "count": ("%d", None),
    "seconds": ("localized", 0.01),
}
ROUNDING = {"percent": (100, 1), "money": (1, 2), "ratio": (1, 2), "seconds": (1, 2), "score": (1, 1)}  # scale, digits


def _as_python_rounds(col: pd.Series, kind: str) -> pd.Series:
    """The column as the grid must get it to show _fmt's text.

    A format with a step (percent, localized) makes the grid cut the value to the step's decimals before
    formatting (12.349% would show as 12.3% but 0.12351 too, where _fmt shows 12.4%): those columns are
    given rounded as _fmt rounds (the grid copies a cell as that cut value anyway). A printf format
    (toFixed) rounds the exact binary value half away from zero and shows a small negative as -0.0, where
    _fmt rounds half to even and shows 0.0: only the values where the two differ (at a tie, or a negative
    that rounds to zero) are replaced by the value _fmt shows; the others stay as they are.
    """
    if kind not in NUMBER_FORMATS or pd.api.types.is_integer_dtype(col):
        return col
    v = col.to_numpy(dtype="float64")
    if kind not in ROUNDING:  # %d: int() of -0.4 is 0, sprintf's %d says -0
        tiny = np.signbit(v) & (v > -1)
        return pd.Series(np.where(tiny, 0.0, v), index=col.index, name=col.name) if tiny.any() else col
    scale, digits = ROUNDING[kind]
    if NUMBER_FORMATS[kind][1] is not None:
        out = [_plain_zero(x * scale, digits) / scale + 0.0 for x in v.tolist()]
        return pd.Series(out, index=col.index, name=col.name, dtype="float64")
    x = v * (scale * 10 ** digits)
    suspect = (np.abs(np.abs(x - np.trunc(x)) - 0.5) < 1e-6 + np.abs(x) * 1e-13) | (np.signbit(x) & (x > -1))
    if not suspect.any():
        return col
    out = v.copy()
    unit = Decimal(1).scaleb(-digits)
    for i in np.flatnonzero(suspect):
        want = _plain_zero(v[i] * scale, digits)
        shown = (Decimal(float(v[i])) * scale).quantize(unit, ROUND_HALF_UP)  # toFixed: the exact binary value
        if shown != Decimal(repr(want)).quantize(unit) or (want == 0 and v[i] < 0):
            out[i] = want / scale + 0.0
    return pd.Series(out, index=col.index, name=col.name)


def formatted(df: pd.DataFrame, kinds: dict[str, str] | None = None,
              labels: dict[str, str] | None = None) -> tuple[pd.DataFrame, dict]:
    """Display values: % for rates, one decimal for scores, — for anything missing; and the columns' config.

    Streamlit draws a missing cell as "None", so missing values are replaced:
    text columns get "—"; a numeric column with gaps becomes its formatted text
    (sorting it then sorts text). Full numeric columns stay numbers (sorting
    stays numeric), drawn by the browser with the format of their kind
    (NUMBER_FORMATS), returned as st.column_config entries with their headers
    (`labels`, else the shared COLUMNS). `kinds` names columns' kinds where the
    shared COLUMN_KINDS does not (the scorecard's measures).
    """
    out = df.copy()
    config = {}
    for c in out.columns:
        kind = (kinds or {}).get(c) or COLUMN_KINDS.get(c, "text")
        col = out[c]
        if pd.api.types.is_datetime64_any_dtype(col):
            out[c] = col.map(_fmt("datetime")).astype(object)
        elif pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            if col.isna().any():
                out[c] = col.map(_fmt(kind)).astype(object)
            elif kind in NUMBER_FORMATS:
                out[c] = _as_python_rounds(col, kind)
                fmt, step = NUMBER_FORMATS[kind]
                config[c] = st.column_config.NumberColumn((labels or {}).get(c) or COLUMNS.get(c, c), format=fmt,
                                                          step=step)
            # a number of no known kind (a similarity, a count of corrections) stays as it is: the grid's own
            # default shows up to four decimals
        elif col.dtype == object or pd.api.types.is_string_dtype(col):  # whole columns at once, not cell by cell
            out[c] = col.astype(object).where(~(col.isna() | (col == "")), "—")
    return out, config


def export_frame(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table with Chinese headers and labels, and each header's column kind."""
    shown = display_frame(df)
    if "rule" in df:
        shown.insert(list(shown.columns).index("rule") + 1, "rule_id", df["rule"].values)
    names = {c: COLUMNS.get(c, c) for c in shown.columns}
    names["rule_id"] = "规则编号"
    kinds = {names[c]: COLUMN_KINDS.get(c, "text") for c in shown.columns}
    return shown.rename(columns=names), kinds


XLSX_EAGER_ROWS = 200  # bigger tables build their workbook only when asked (openpyxl: ~0.4 s per 1,000 rows)


@st.cache_data(show_spinner=False, max_entries=50)
def _xlsx(out: pd.DataFrame, kinds: dict) -> bytes:
    return export.to_xlsx_bytes(out, kinds=kinds)


def file_name(*parts: str) -> str:
    """An export's file name: what it holds (a table's name and its conditions' short form) and today's
    date, e.g. 筛选结果_自评得分≥95_执行率<80%_2024-05-01; characters a file system refuses become _."""
    text = "_".join(p for p in parts if p).translate(str.maketrans({"<": "＜", ">": "＞", ":": "：", "?": "？", "*": "＊"}))
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_.") or "导出"
    return f"{safe[:120]}_{date.today():%Y-%m-%d}"


def csv_bytes(df: pd.DataFrame, kinds: dict[str, str]) -> bytes:
    return export.to_csv_bytes(df, kinds)


def export_buttons(df: pd.DataFrame, name: str, key: str) -> None:
    safe = file_name(name, scope_words())
    out, kinds = export_frame(df)
    row = st.container(horizontal=True)  # stays one line inside narrow columns too
    c1 = c2 = row
    c1.download_button("导出 CSV", export.to_csv_bytes(out, kinds), file_name=f"{safe}.csv",
                       mime="text/csv", key=f"{key}_csv", icon=":material/download:")
    ready = f"_{key}_xlsx_ready"
    if len(out) <= XLSX_EAGER_ROWS or st.session_state.get(ready):
        # built on request: downloads with the click that asked for it (chinese.js clicks an *_autodl button once)
        auto = "_autodl" if st.session_state.get(ready) else ""
        c2.download_button("导出 Excel", _xlsx(out, kinds), file_name=f"{safe}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}_xlsx{auto}", icon=":material/download:")
    else:
        c2.button("导出 Excel", key=f"{key}_xlsx_prep", icon=":material/download:",
                  on_click=lambda: st.session_state.__setitem__(ready, True),
                  help=f"共 {len(out):,} 行，点击后生成并下载")


def built_download(label: str, build, file_name: str, mime: str, key: str, token) -> None:
    """A download whose file is built only when asked (a workbook of a whole table takes a while): one click
    builds it, and the download starts by itself (chinese.js clicks the *_autodl button once). `token` names
    what would be built; when it changes (other filters), the old file is not offered."""
    state = f"_{key}_built"
    done = st.session_state.get(state)
    if done and done["token"] == token:
        st.download_button(label, done["data"], file_name=file_name, mime=mime,
                           key=f"{key}_{done['nonce']}_autodl", icon=":material/download:")
    elif st.button(label, key=key, icon=":material/download:"):
        with st.spinner("正在生成…"):
            data = build()
        nonce = st.session_state.get("_export_nonce", 0) + 1
        st.session_state["_export_nonce"] = nonce
        st.session_state[state] = {"token": token, "data": data, "nonce": nonce}
        st.rerun()


FULL_FORMATS = {"csv": ("CSV", "text/csv"),
                "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def full_export(query: tuple[str, list], name: str, key: str, total: int | None = None) -> None:
    """导出全部: every row of the query (not only those shown), streamed from DuckDB when asked.

    CSV and Excel are built separately: Excel takes far longer for a big result.
    """
    import io

    from dashboard import full_export as fx

    safe = file_name(name, scope_words())
    row = st.container(horizontal=True)
    for fmt, (label, mime) in FULL_FORMATS.items():
        state = f"_{key}_full_{fmt}"
        done = st.session_state.get(state)
        if done and done["query"] == query:
            # built on request: chinese.js clicks this button once, so the one click on 导出全部 downloads
            row.download_button(f"下载 {label}（{done['n']:,} 条）", done["data"], file_name=f"{safe}.{fmt}",
                                mime=mime, key=f"{key}_full_{fmt}_{done['nonce']}_autodl", icon=":material/download:")
        elif row.button(f"导出全部{'' if total is None else f' {total:,} 条'}（{label}）", key=f"{key}_full_{fmt}",
                        icon=":material/download:"):
            with st.spinner("正在导出…"):
                buf = io.BytesIO()
                n = fx.write(db(), *query, fmt, buf, sheet=name.split("_")[0][:31])
            nonce = st.session_state.get("_export_nonce", 0) + 1
            st.session_state["_export_nonce"] = nonce
            st.session_state[state] = {"query": query, "n": n, "data": buf.getvalue(), "nonce": nonce}
            st.rerun()


def table(df: pd.DataFrame, key: str, name: str, *, height: int | None = None, export_name: str | None = None,
          openable: bool = True, total: int | None = None, export: bool = True,
          full: tuple[str, list] | None = None, first: list[str] | tuple = ()) -> None:
    """A list with exports; selecting a row (or picking it below) opens that filing.

    With `full` (the list's query without its LIMIT) the exports hold every row, not only those shown.
    """
    if df.empty:
        st.info("没有符合条件的记录。")
        return
    if total is not None and total > len(df):
        st.caption(f"共 {total:,} 条，显示前 {len(df):,} 条；导出包含全部 {total:,} 条。" if full else
                   f"共 {total:,} 条，显示前 {len(df):,} 条。全部记录可在“筛选查询”页导出。")
    shown = display_frame(df)
    can_open = openable and "filing_id" in df.columns
    data, numbers = formatted(shown)
    kwargs = dict(hide_index=True, column_config=column_config(shown, numbers), key=key, width="stretch")
    if first:  # the columns a query is about come first, visible without scrolling (the data keeps its order)
        lead = [c for c in first if c in shown.columns]
        kwargs["column_order"] = lead + [c for c in shown.columns if c not in lead]
    if height:
        kwargs["height"] = height
    if can_open:
        event = st.dataframe(data, on_select="rerun", selection_mode="single-row", **kwargs)
        rows = event.selection.rows if event else []
        if rows:
            open_filing(str(df["filing_id"].iloc[rows[0]]))
    else:
        st.dataframe(data, **kwargs)
    if full is not None:
        full_export(full, export_name or name, key, total)
    elif export:
        export_buttons(df, export_name or name, key)
    if can_open:
        ids = list(dict.fromkeys(df["filing_id"].astype(str)))
        labels = _filing_labels(df)
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        pick = c1.selectbox("打开填报详情（也可在表中勾选一行）", ids, key=f"{key}_pick",
                            format_func=lambda i: labels.get(i, i))
        if c2.button("打开", key=f"{key}_open", icon=":material/open_in_new:"):
            open_filing(pick)


def _filing_labels(df: pd.DataFrame) -> dict:
    d = df.drop_duplicates("filing_id")
    values = [d[c].tolist() for c in ("place", "department", "project", "year") if c in d.columns]
    labels = {}
    for i, fid in enumerate(d["filing_id"].tolist()):  # column lists: a list of 1,000 rows without a row object each
        parts = [str(v[i]) for v in values if v[i] is not None and pd.notna(v[i])]
        labels[str(fid)] = " · ".join(parts) + f"（{fid}）"
    return labels


def missing(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v))


def count(v) -> str:
    """A count for a metric: sums over no rows come back as NULL (NaN), which is 0 here."""
    return "0" if missing(v) else f"{int(v):,}"


def pct(v) -> str:
    return "—" if v is None or pd.isna(v) else f"{_plain_zero(v * 100, 1):.1f}%"


def num(v, digits: int = 1) -> str:
    return "—" if v is None or pd.isna(v) else f"{_plain_zero(v, digits):,.{digits}f}"


# ----------------------------------------------------------------- printable report

def report_button(county: str, city: str | None, years: list[int], department: str | None, key: str) -> None:
    """下载报告: the county's PDF report for one year and its full problem list (XLSX), built when asked."""
    if not years:
        return
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    year = c1.selectbox("报告年度", sorted(years, reverse=True), key=f"{key}_year")
    scope = (county, city, int(year), department)
    ready = st.session_state.get(f"_{key}_pdf")
    name = file_name(f"{county}{year}年预算绩效报告{'_' + department if department else ''}")
    if ready and ready[0] == scope:
        row = c2.container(horizontal=True)
        row.download_button("下载报告（PDF）", ready[1], file_name=f"{name}.pdf", mime="application/pdf",
                            key=f"{key}_dl", icon=":material/picture_as_pdf:", type="primary")
        list_name, list_data = ready[2]
        row.download_button("下载问题清单（Excel）", list_data, file_name=list_name,
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key=f"{key}_dl_xlsx", icon=":material/table_view:")
    elif c2.button(f"生成 {md.escape(county)} {year} 年报告（PDF）", key=f"{key}_make",
                   icon=":material/picture_as_pdf:"):
        # imported on the click, not when the button is drawn: reportlab and the report's modules took 0.5 s,
        # paid by the first page run with a county chosen (总览 after the filter change) in each server process
        from etl.printout import ScopeError, build_report_files

        try:
            with st.spinner("正在生成报告…"):
                pdf, attached = build_report_files(db(), county=county, year=int(year), department=department,
                                                   city=city)
        except ScopeError as exc:
            st.warning(md.escape(exc))
            return
        st.session_state[f"_{key}_pdf"] = (scope, pdf, attached)
        st.rerun()


SOURCE_COLORS = {"structured": "blue", "document": "gray"}


def source_badges(counts: dict[str, int]) -> None:
    """One badge per source kind with its count of filings: 系统导出 N, 公开文件 M."""
    if not counts:
        return
    cols = st.columns(len(counts) + 4)
    for col, (kind, n) in zip(cols, counts.items()):
        with col:
            st.badge(f"{source_label(kind)} {n:,}", color=SOURCE_COLORS.get(kind, "gray"),
                     icon=":material/database:" if kind == "structured" else ":material/article:")
