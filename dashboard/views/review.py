import streamlit as st

from dashboard import review_panel, ui, url_state
from dashboard.labels import DOC_KINDS
from dashboard.queries import review_queue as rq

qs, f = ui.queries(), ui.current_filters()
st.title("复核队列")

filing_id = st.query_params.get("filing")
if filing_id:
    if st.button("返回复核队列", key="rv_back", icon=":material/arrow_back:", type="tertiary"):
        url_state.set_param("filing", None)
        st.rerun()
    if qs.attached_lake() is not None:
        st.warning("当前数据库挂接的是数据湖：可以查看源文件和读取结果，但更正请在导出的 DuckDB 文件中进行"
                   "（jixiao export 之前的数据库文件），或保存后用 jixiao export 重新生成数据湖。", icon=":material/info:")
    review_panel.workspace(qs, ui.db(), filing_id)
    st.stop()

threshold = rq.threshold()
st.write(f"按“(1 − 解析置信度) × 涉及资金”从高到低列出需要人工核对的填报：最可能读错、金额最大的排在前面。"
         f"解析置信度低于 {threshold:g} 的行上发现的问题显示为“待核实”（可能是读取错误），复核确认后才计为填报问题。")

bands = rq.bands()
labels = [b[0] for b in bands]
url_state.bind("rv_band", "band", None, valid=lambda v: v in labels, label="置信度区间")
url_state.bind("rv_state", "state", "todo", valid=lambda v: v in rq.REVIEW_STATES, label="复核状态")
c1, c2 = st.columns([2, 3])
band = c1.selectbox("解析置信度", [None] + labels, key="rv_band", format_func=lambda b: "全部" if b is None else b,
                    placeholder="全部")
state = c2.radio("复核状态", list(rq.REVIEW_STATES), key="rv_state", format_func=rq.REVIEW_STATES.get, horizontal=True)
url_state.set_param("band", band)
url_state.set_param("state", state if state != "todo" else None)
qf = rq.QueueFilter(band=band, state=state)

n = rq.counts(qs, f, qf)
cols = st.columns(4)
cols[0].metric("待复核", ui.count(n["remaining"]), help=f"未复核且解析置信度低于 {threshold:g} 的填报")
cols[1].metric("待复核涉及资金（万元）", ui.num(n["remaining_money"], 0))
cols[2].metric("已复核", ui.count(n["reviewed"]))
cols[3].metric("筛选范围内填报", ui.count(n["filings"]))

df = rq.queue(qs, f, qf, limit=200)
if df.empty:
    st.info("没有符合条件的填报。")
else:
    shown = df.assign(doc_kind=df["doc_kind"].map(lambda k: DOC_KINDS.get(k, k)),
                      reviewed=df["reviewed"].map(lambda r: "已复核" if r else "未复核"))
    st.caption(f"共 {len(df):,} 份（最多显示 200 份）。勾选一行打开：左边是源文件，右边是读取结果，可直接修改。")
    # rounded as the formats below draw them (confidence as a fraction, not as %)
    data, _ = ui.formatted(shown, kinds={"confidence": "ratio", "priority": "score"})
    event = st.dataframe(
        data, key="rv_queue", hide_index=True, width="stretch", on_select="rerun",
        selection_mode="single-row",
        column_config=ui.column_config(shown, {
            "confidence": st.column_config.NumberColumn("解析置信度", format="%.2f"),
            "money": st.column_config.NumberColumn("涉及资金（万元）", format="%.2f"),
            "priority": st.column_config.NumberColumn("复核优先度", format="%.1f",
                                                      help="(1 − 解析置信度) × 涉及资金（不足 "
                                                           f"{rq.money_floor():g} 万元按 {rq.money_floor():g} 计）"),
            "reviewed": st.column_config.TextColumn("复核状态"),
            "corrections": st.column_config.NumberColumn("更正数"),
            "reviewer": st.column_config.TextColumn("复核人"),
        }))
    rows = event.selection.rows if event else []
    if rows:
        url_state.set_param("filing", str(df["filing_id"].iloc[rows[0]]))
        st.rerun()

stale = rq.stale_corrections(qs)
if not stale.empty:
    st.subheader("已过期的更正")
    st.write("这些更正所针对的源文件已更新（同名文件的新内容已导入），或重新读取后找不到对应的行：它们没有应用到新的读取结果，请重新核对。")
    st.dataframe(review_panel.corrections_frame(stale).assign(填报编号=stale["filing_id"].values),
                 hide_index=True, width="stretch", key="rv_stale")

marked = rq.marked(qs)
if not marked.empty:
    st.subheader("已标记的文件")
    st.write("以下填报被标记为非绩效文件或无法识别，不再计入统计。")
    ui.table(marked.assign(mark=marked["mark"].map(review_panel.said)).rename(
        columns={"mark": "标记", "reviewer": "复核人", "corrected_at": "时间（UTC）", "reason": "说明"}),
        key="rv_marked", name="已标记的文件", openable=False)
