import streamlit as st

from dashboard import charts, ui, url_state
from dashboard.charts import SCATTER_POINTS

qs, f = ui.queries(), ui.current_filters()
st.title("自评得分")

hist = qs.score_histogram(f, width=5.0)
if hist.empty:
    st.info("当前筛选条件下没有带自评得分的填报（自评表或自评报告）。")
    st.stop()

s = qs.inflation_summary(f)
cols = st.columns(3)
cols[0].metric("有自评得分的填报", f"{int(hist['n'].sum()):,}")
cols[1].metric("平均虚高（自评 − 复核）", ui.num(s["mean_inflation"]))
cols[2].metric("虚高 10 分以上", ui.count(s['inflated_10']))

left, right = st.columns(2)
with left:
    event = st.plotly_chart(charts.band_bar(hist, 5.0, "自评得分分布", "自评得分"), key="sc_hist",
                            on_select="rerun", selection_mode="points")
    st.caption("点击柱形可列出该分数段的填报。")
    picked = [f"{p['customdata'][0]:g}-{p['customdata'][1]:g}" for p in ui.selected_points(event)]
    if picked != st.session_state.get("_sc_hist_seen", []):  # act on a new click only
        st.session_state["_sc_hist_seen"] = picked
        if picked:
            st.session_state["sc_band"] = picked[0]
with right:
    by = st.radio("箱线图分组", ["县区", "年度"], key="sc_by", horizontal=True)
    box = qs.score_box(f, by="year" if by == "年度" else "place")
    st.plotly_chart(charts.box_precomputed(box, f"自评得分（按{by or '县区'}）", by or "县区"), key="sc_box")

left, right = st.columns(2)
with left:
    st.plotly_chart(charts.grade_bar(qs.grade_bands(f)), key="sc_grades")
with right:
    sample = qs.score_vs_recomputed(f, limit=SCATTER_POINTS)
    if sample.empty:
        st.info("还没有复核得分（运行检查后生成）。")
    else:
        event = st.plotly_chart(charts.self_vs_recomputed(sample), key="sc_scatter", on_select="rerun",
                                selection_mode="points")
        st.caption(f"图中为 {len(sample):,} 份填报" + ("（抽样）" if len(sample) >= SCATTER_POINTS else "") + "；点击点可打开该填报。")
        for p in ui.selected_points(event):
            if p.get("customdata"):
                ui.open_filing(p["customdata"][0])

band = url_state.bind("sc_band", "band", "")
if band:
    try:
        lo, hi = (url_state.ascii_int(x) for x in band.split("-"))
        if not 0 <= lo < hi <= 100:
            raise ValueError(band)
    except ValueError:
        url_state.notice(f"地址中的分数段“{band}”无效，已忽略。")
        lo = hi = None
    if lo is not None:
        st.subheader(f"自评得分 {lo:g}–{hi:g} 分的填报")
        url_state.set_param("band", band)
        if st.button("收起此清单", key="sc_band_clear"):
            del st.session_state["sc_band"]
            url_state.set_param("band", None)
            st.rerun()
        upper = hi + 0.001 if hi >= 100 else hi
        ui.table(qs.filings_by_score(f, lo, upper), key="sc_band_list", name=f"自评得分{lo:g}-{hi:g}")

st.subheader("自评虚高最多的填报")
ui.table(qs.most_inflated(f, limit=50), key="sc_inflated", name="自评虚高最多的填报")
