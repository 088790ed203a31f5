"""The review workspace: a filing's source beside its reading as editable tables, and its corrections.

Used by the 复核队列 page (the whole workspace) and the 填报详情 page (the list of corrections).
Text from filings is shown through st.dataframe, st.data_editor, st.text and images only: never as
Markdown or HTML. Saving goes through etl/review/ledger.py (one transaction, the marts included).
"""
from __future__ import annotations

import json
import math

import pandas as pd
import streamlit as st

from dashboard import queries as q
from dashboard import markdown_text as md
from dashboard import reviewer, ui, warmup
from dashboard.db import db_version
from dashboard.labels import DOC_KINDS
from dashboard.queries import review_queue as rq
from etl.load.store import DatabaseBusy
from etl.read import read_bytes
from etl.review import blobs, source_view
from etl.review.edits import (ADD_ROW, CONFIRM, DELETE_ROW, FILING_FIELDS, MARK, MARKS, ROW_FIELDS, SET, STATES,
                              Correction, CorrectionError, current_keys, new_row_key)
from etl.review.ledger import save_to

KIND_WORDS = {SET: "修改", ADD_ROW: "新增行", DELETE_ROW: "删除行", CONFIRM: "确认无误", MARK: "标记"}
FIELD_WORDS = {k: v[0] for k, v in {**FILING_FIELDS, **ROW_FIELDS}.items()} | {"status": "文件性质"}
ROW_COLORS = {source_view.USED: "#eaf6ec", source_view.UNUSED: "#fff1d6"}
CELL_USED = "#b9e4c2"
END = "__end__"


# ------------------------------------------------------------------ values as people read them

def said(value) -> str:
    """A stored value (JSON-decoded) as text: numbers without trailing zeros, rows as field=value pairs."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "（空）"
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        if "values" in value:
            value = value["values"]
        if "doc_kind" in value and "indicators" in value:
            return f"{DOC_KINDS.get(value['doc_kind'], value['doc_kind'])}，{value['indicators']} 行指标"
        return "；".join(f"{FIELD_WORDS.get(k, k)}={said(v)}" for k, v in value.items() if v is not None)
    if value in MARKS:
        return MARKS[value]
    return str(value)


def corrections_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A filing's corrections as a table a person reads: when, who, what, from, to, why, state."""
    if df.empty:
        return pd.DataFrame()
    out = pd.DataFrame({
        "时间（UTC）": df["corrected_at"].map(lambda t: f"{t:%Y-%m-%d %H:%M}" if pd.notna(t) else ""),
        "复核人": df["reviewer"],
        "操作": df["kind"].map(lambda k: KIND_WORDS.get(k, k)),
        "位置": [("填报" if not isinstance(rk, str) else f"行“{rn}”" if isinstance(rn, str) and rn else "新增的行")
               + (f" · {FIELD_WORDS.get(fd, fd)}" if isinstance(fd, str) and fd and fd != "status" else "")
               for rk, rn, fd in zip(df["row_key"], df["row_name"], df["field"])],
        "原值": [f"解析置信度 {said(o)}" if k == CONFIRM else said(o) for k, o in zip(df["kind"], df["old_value"])],
        "新值": ["确认无误" if k == CONFIRM else said(n) for k, n in zip(df["kind"], df["new_value"])],
        "说明": df["reason"].map(lambda v: v if isinstance(v, str) else ""),
        "状态": [STATES.get(s, s) for s in df["state"]],
    })
    notes = [n if isinstance(n, str) else "" for n in df["note"]]
    if any(notes):
        out["过期原因"] = notes
    return out


def corrections_block(qs, filing_id: str, row: dict) -> None:
    """The 填报详情 page's part: that values were corrected, by whom and from what."""
    df = rq.corrections_of(qs, filing_id)
    older = rq.earlier_versions(qs, row["source_file"], row["source_sha256"])
    if df.empty and older.empty:
        return
    st.subheader("人工更正")
    if not df.empty:
        edits = df[df["kind"] != CONFIRM]
        who = "、".join(dict.fromkeys(df["reviewer"]))
        reviewed = bool(((df["kind"] == CONFIRM) & df["row_key"].isna()).any())
        st.write(f"这份填报有 {len(edits)} 处人工更正" + ("，已完成复核" if reviewed else "") + "。表中的数值、问题和汇总均已按更正后的内容计算。")
        st.text(f"复核人：{who}")
        st.dataframe(corrections_frame(df), hide_index=True, width="stretch", key="dt_corrections")
    if not older.empty:
        st.warning("同名文件的另一版本（内容不同）有人工更正。源文件已变化，这些更正没有应用到当前版本，请对照原件重新核对。",
                   icon=":material/history:")
        st.dataframe(corrections_frame(older), hide_index=True, width="stretch",
                     key="dt_corrections_older")


# ------------------------------------------------------------------ the source

@st.cache_data(show_spinner=False, max_entries=16)
def _document(db: str, sha256: str, name: str):
    """The file read again from its kept copy (the ingest's own reader), or None with why."""
    copy = rq.source_copy(q.connect(db), sha256)
    if copy is None:
        return None, None, "数据库没有保存这个文件的副本（文件超过 [review] source_copy_mb，或由旧版本导入）"
    data = blobs.unpack(copy[0], copy[1], sha256)
    if data is None:
        return None, None, "保存的副本与导入时的文件不一致，未显示"
    try:
        return read_bytes(data, name), data, None
    except Exception as exc:  # noqa: BLE001 - it was read once at ingest; say so rather than fail the page
        return None, None, f"重新读取源文件失败：{type(exc).__name__}"


@st.cache_data(show_spinner=False, max_entries=32)
def _page_png(db: str, sha256: str, name: str, page: int, version: tuple, filing_id: str) -> bytes | None:
    view = _view(db, sha256, name, filing_id, version)
    doc, data, _ = _document(db, sha256, name)
    return None if data is None or view is None else source_view.pdf_page_image(data, page, view.rows)


@st.cache_data(show_spinner=False, max_entries=32)
def _view(db: str, sha256: str, name: str, filing_id: str, version: tuple):
    doc, _, why = _document(db, sha256, name)
    if doc is None:
        return None
    qs = q.connect(db)
    filing = qs.filing(filing_id)
    siblings = rq.file_filings(qs, sha256).to_dict("records")
    rows = rq.review_rows(qs, filing_id).to_dict("records")
    return source_view.build_view(doc, filing, rows, siblings)


def source_panel(db, row: dict) -> None:
    sha, name, fid = row["source_sha256"], row["source_file"], row["filing_id"]
    doc, _, why = _document(str(db), sha, name)
    st.markdown("**源文件**")
    st.text(f"{name}（{row.get('src_where') or '位置未记录'}）")
    if doc is None:
        st.info(why)
        return
    view = _view(str(db), sha, name, fid, db_version(db))
    st.caption("深绿：读取所用的单元格；浅绿：读取所用的行；橙色：含数字但没有读取的行（常是漏读的地方）。")
    cols = st.columns(3)
    cols[0].metric("读取所用的行", view.used)
    cols[1].metric("含数字未读取", view.unused)
    cols[2].metric("本填报所在行数", len(view.rows) + view.cut)
    if view.fmt == "pdf" and view.pages:
        page = st.selectbox("页码", view.pages, key=f"rv_page_{fid}", format_func=lambda p: f"第 {p} 页",
                            placeholder="选择页")
        png = _page_png(str(db), sha, name, int(page), db_version(db), fid)
        if png:
            st.image(png, caption=f"第 {page} 页（绿框：读取所用；橙框：含数字未读取）", width="stretch")
    width = max((len(r.cells) for r in view.rows), default=0)
    grid = pd.DataFrame([[r.where, r.what] + r.cells + [""] * (width - len(r.cells)) for r in view.rows],
                        columns=["位置", "读取"] + [f"第{j + 1}格" for j in range(width)])

    def paint(frame):
        colors = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for k, r in enumerate(view.rows):
            colors.iloc[k, :] = f"background-color: {ROW_COLORS[r.state]}" if r.state in ROW_COLORS else ""
            for j in r.used_cells:
                colors.iloc[k, 2 + j] = f"background-color: {CELL_USED}"
        return colors

    st.dataframe(grid.style.apply(paint, axis=None), hide_index=True, width="stretch", height=520,
                 key=f"rv_grid_{fid}")
    if view.cut:
        st.caption(f"本填报所在部分较长，只显示前 {len(view.rows)} 行（另有 {view.cut} 行未显示）。")


# ------------------------------------------------------------------ the reading, editable

def _text(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _same(a, b) -> bool:
    def norm(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return float(v)
    return norm(a) == norm(b)


KIND_CODES = {label: code for code, label in DOC_KINDS.items()}


def shown_field(name: str, value) -> str:
    """A filing field as the editor shows it (the kind by its Chinese name)."""
    return DOC_KINDS.get(value, _text(value)) if name == "doc_kind" else _text(value)


def typed_field(name: str, text) -> str:
    """What was typed for a filing field, as stored (a kind's Chinese name back to its code)."""
    text = _text(text).strip()
    return KIND_CODES.get(text, text) if name == "doc_kind" else text


def filing_edits(before: pd.DataFrame, after: pd.DataFrame) -> list[Correction]:
    out = []
    for (fieldname, old), new in zip(before[["field", "value"]].itertuples(index=False), after["value"]):
        if _text(old) != _text(new):
            out.append(Correction(kind=SET, field=fieldname, new_value=typed_field(fieldname, new)))
    return out


def row_edits(before: pd.DataFrame, after: pd.DataFrame, anchor: str | None) -> list[Correction]:
    """The corrections that turn the table `before` into `after` (the editor's result): field changes, deleted
    rows, and new rows (put after `anchor`, a row key, None for the top, END for the bottom)."""
    out = []
    old = before.set_index("key")
    kept = [k for k in after["key"] if isinstance(k, str) and k]
    for key in old.index:
        if key not in kept:
            out.append(Correction(kind=DELETE_ROW, row_key=key))
    last = [k for k in old.index if k in kept]
    after_key = (last[-1] if last else None) if anchor == END else anchor
    for r in after.to_dict("records"):
        key = r.get("key")
        if isinstance(key, str) and key in old.index:
            for fieldname in ROW_FIELDS:
                if not _same(old.loc[key, fieldname], r.get(fieldname)):
                    out.append(Correction(kind=SET, row_key=key, field=fieldname, new_value=r.get(fieldname)))
        elif any(not _same(r.get(k), None) for k in ROW_FIELDS):
            new_key = new_row_key()
            values = {k: (None if _same(r.get(k), None) else r.get(k)) for k in ROW_FIELDS}
            out.append(Correction(kind=ADD_ROW, row_key=new_key, new_value={"after": after_key, "values": values}))
            after_key = new_key
    return out


def _save(db, filing_id: str, edits: list[Correction], who: str, reason: str, also: list[str] = ()) -> None:
    """Save the edits of one filing (and the same edits of the filings `also`: a whole file marked)."""
    q.close_session()  # this run's read connection goes before this process writes
    try:
        with st.spinner("正在保存更正并更新汇总…"), warmup.held():  # and no warm-up holds one meanwhile
            result = save_to(db, filing_id, edits, who, reason)
            for other in also:
                save_to(db, other, [Correction(kind=e.kind, field=e.field, new_value=e.new_value) for e in edits],
                        who, reason)
    except CorrectionError as exc:  # the message may quote what was typed: shown as typed, never as Markdown
        st.error("未保存：" + md.escape(exc))
        return
    except DatabaseBusy as exc:
        st.warning(md.escape(exc))
        return
    if not result.saved:
        st.info("没有改动需要保存。")
        return
    st.session_state["_rv_saved"] = (filing_id, len(result.saved), result.mark, round(result.seconds, 2))
    st.rerun()


def workspace(qs, db, filing_id: str) -> None:
    """The whole review of one filing: source, reading (editable), corrections, actions."""
    row = qs.filing(filing_id)
    if row is None:
        st.error("找不到这份填报：它可能已被标记为非绩效文件或无法识别，或链接有误。")
        st.text(f"填报编号：{filing_id}")
        return
    done = st.session_state.pop("_rv_saved", None)
    if done and done[0] == filing_id:
        st.success(f"已保存 {done[1]} 处更正（{done[3]} 秒），本填报的问题和各页汇总已更新；"
                   "与其他填报的比对（指标雷同、跨年度）在下次导入或运行 jixiao check 时更新。")
    st.text(" · ".join(str(x) for x in (row.get("province"), row.get("city"), row.get("county"), row.get("department"),
                                         row.get("project") or row.get("title"), row.get("year"))
                       if x is not None and not (isinstance(x, float) and pd.isna(x))))
    cols = st.columns(4)
    cols[0].metric("文件类型", DOC_KINDS.get(row["doc_kind"], row["doc_kind"]))
    cols[1].metric("解析置信度", ui.pct(row.get("parse_confidence")))
    money = row.get("budget_adjusted") if pd.notna(row.get("budget_adjusted")) else row.get("budget_executed")
    cols[2].metric("涉及资金（万元）", ui.num(money, 2))
    cols[3].metric("问题数", f"{int(row.get('finding_count') or 0)}")
    corrections_block(qs, filing_id, row)
    lake = qs.attached_lake() is not None  # views over Parquet: nothing to write into here
    who = None if lake else reviewer.ask()
    left, right = st.columns(2, gap="medium")
    with left:
        source_panel(db, row)
    with right:
        if lake:
            reading(qs, row)
        else:
            editors(qs, db, row, who)


def reading(qs, row: dict) -> None:
    """The reading, not editable (a lake attached to the file)."""
    st.markdown("**读取结果**")
    rows = rq.review_rows(qs, row["filing_id"])[["seq"] + list(ROW_FIELDS) + ["parse_confidence"]]
    ui.table(rows, key=f"rv_read_{row['filing_id']}", name="读取结果", openable=False)


def editors(qs, db, row: dict, who: str | None) -> None:
    fid = row["filing_id"]
    version = "_".join(str(x) for x in db_version(db))  # the editors start afresh after every save
    st.markdown("**读取结果（可直接修改）**")
    ff = pd.DataFrame([(k, label, shown_field(k, row.get(k))) for k, (label, _) in FILING_FIELDS.items()],
                      columns=["field", "label", "value"])
    ff_after = st.data_editor(ff, key=f"rv_ff_{fid}_{version}", hide_index=True, width="stretch", disabled=["label"],
                              column_config={"field": None, "label": st.column_config.TextColumn("项目", width="medium"),
                                             "value": st.column_config.TextColumn("读取值", width="large")})
    rows = rq.review_rows(qs, fid)
    keys = _row_keys(qs, row, len(rows))
    table = rows[["seq"] + list(ROW_FIELDS) + ["parse_confidence"]].assign(key=keys)
    for name, (_, kind) in ROW_FIELDS.items():  # an empty cell shows empty, not "None" (None and "" are the same here)
        if kind == "text":
            table[name] = table[name].map(_text)
    st.caption("指标行：可修改任一格；在表格底部添加新行，选中行后按删除键删除。置信度低于复核阈值的行，其问题显示为“待核实”。")
    cfg = {"key": None, "seq": st.column_config.NumberColumn("序号", disabled=True, width=50),
           "parse_confidence": st.column_config.NumberColumn("置信度", disabled=True, format="%.2f", width=70),
           "weight": st.column_config.NumberColumn("分值"), "score": st.column_config.NumberColumn("得分")}
    cfg |= {k: st.column_config.TextColumn(label) for k, (label, kind) in ROW_FIELDS.items() if kind == "text"}
    rows_after = st.data_editor(table, key=f"rv_rows_{fid}_{version}", hide_index=True, width="stretch",
                                num_rows="dynamic", column_config=cfg)
    anchor_options = [END, None] + keys
    anchor = st.selectbox("新增的行插入到", anchor_options, key=f"rv_anchor_{fid}_{version}",
                          format_func=lambda k: "表格末尾" if k == END else "第一行之前" if k is None
                          else f"第 {keys.index(k) + 1} 项之后", placeholder="表格末尾")
    confirm = st.multiselect("确认这些行读取无误（其问题不再显示为“待核实”）", keys, key=f"rv_confirm_{fid}_{version}",
                             format_func=lambda k: f"第 {keys.index(k) + 1} 项", placeholder="选择行")
    reason = st.text_input("更正说明（可选，例如“对照原件第2页”）", key=f"rv_reason_{fid}_{version}", max_chars=200)
    if who is None:
        st.info("填写复核人姓名后才能保存更正。")
        return
    st.text(f"复核人：{who}")
    try:
        edits = filing_edits(ff, ff_after) + row_edits(table, rows_after, anchor)
    except (TypeError, ValueError) as exc:
        st.error("表格内容无法识别：" + md.escape(exc))
        return
    edits += [Correction(kind=CONFIRM, row_key=k) for k in confirm]
    c1, c2 = st.columns(2)
    if c1.button(f"保存更正（{len(edits)} 处）", key=f"rv_save_{fid}", type="primary", icon=":material/save:",
                 disabled=not edits):
        _save(db, fid, edits, who, reason)
    if c2.button("保存并完成复核", key=f"rv_done_{fid}", icon=":material/task_alt:",
                 help="确认这份填报（含以上修改）现在读取无误：它离开待复核队列，其问题不再是“待核实”，并可导出为标注"):
        _save(db, fid, edits + [Correction(kind=CONFIRM)], who, reason)
    one_field(db, row, rows, keys, who, reason, version)
    with st.expander("这不是一份绩效填报，或无法识别"):
        st.write("标记后，这份填报不再计入任何统计；标记记录保留在更正表中，可在复核队列页查看。")
        pick = st.radio("标记为", list(MARKS), format_func=MARKS.get, key=f"rv_mark_{fid}", horizontal=True)
        others = [i for i in rq.file_filings(qs, row["source_sha256"])["filing_id"] if i != fid]
        whole = bool(others) and st.checkbox(f"标记整个文件（同一文件中还有 {len(others)} 份填报）", key=f"rv_mark_file_{fid}")
        sure = st.checkbox("确认标记", key=f"rv_mark_sure_{fid}")
        if st.button("标记", key=f"rv_mark_btn_{fid}", disabled=not sure, icon=":material/block:"):
            _save(db, fid, [Correction(kind=MARK, new_value=pick)], who, reason, also=others if whole else [])


def one_field(db, row: dict, rows: pd.DataFrame, keys: list[str], who: str, reason: str, version: str) -> None:
    """逐项修改: one value at a time, without the grid (also for keyboards and screen readers)."""
    fid = row["filing_id"]
    st.markdown("**逐项修改**")
    names = dict(zip(keys, rows["name"]))
    c1, c2, c3 = st.columns([3, 2, 3], vertical_alignment="bottom")
    where = c1.selectbox("位置", [None] + keys, key=f"rv_one_row_{fid}",
                         format_func=lambda k: "填报信息" if k is None else f"第 {keys.index(k) + 1} 项 · {_text(names[k])}",
                         placeholder="填报信息")
    fields = FILING_FIELDS if where is None else ROW_FIELDS
    name = c2.selectbox("字段", list(fields), key=f"rv_one_field_{fid}_{where is None}", format_func=lambda k: fields[k][0],
                        placeholder="选择字段")
    now = row.get(name) if where is None else rows.set_index(pd.Index(keys)).loc[where, name]
    now = shown_field(name, now) if where is None else _text(now)
    value = c3.text_input("改为", key=f"rv_one_value_{fid}_{version}", placeholder=f"当前：{now or '（空）'}")
    st.text(f"当前读取：{now or '（空）'}")
    if st.button("保存此项", key=f"rv_one_save_{fid}", icon=":material/edit:", disabled=not value.strip()):
        new = typed_field(name, value) if where is None else value.strip()
        _save(db, fid, [Correction(kind=SET, row_key=where, field=name, new_value=new)], who, reason)


def _row_keys(qs, row: dict, n: int) -> list[str]:
    df = rq.corrections_of(qs, row["filing_id"])
    past = [Correction(kind=k, row_key=None if pd.isna(rk) else rk, new_value=json.loads(nv) if isinstance(nv, str) else None,
                       seq=int(s), state=st_) for k, rk, nv, s, st_ in
            zip(df["kind"], df["row_key"], df["new_value"], df["seq"], df["state"])] if not df.empty else []
    return current_keys(n, past)
