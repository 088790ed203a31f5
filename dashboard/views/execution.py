import streamlit as st

from dashboard import charts, ui, url_state
from dashboard.charts import SCATTER_POINTS

qs, f = ui.queries(), ui.current_filters()
st.title("预算执行")

url_state.bind("ex_threshold", "threshold", 90, url_state.ascii_int, valid=lambda v: 50 <= v <= 100, label="执行率阈值")
threshold_pct = st.slider("执行率阈值（低于此值视为执行不足）", 50, 100, key="ex_threshold", step=1, format="%d%%")
url_state.set_param("threshold", threshold_pct if threshold_pct != 90 else None)
threshold = threshold_pct / 100

hist = qs.exec_histogram(f)
if hist.empty:
    st.info("当前筛选条件下没有可计算执行率的填报。")
    st.stop()

below, total_below = qs.exec_below(f, threshold, limit=300)
cols = st.columns(3)
cols[0].metric("有执行率的填报", f"{int(hist['n'].sum()):,}")
cols[1].metric(f"执行率低于 {threshold_pct}% 的填报", f"{total_below:,}")
cols[2].metric("占比", ui.pct(total_below / hist["n"].sum()))

left, right = st.columns(2)
with left:
    st.plotly_chart(charts.band_bar(hist, 0.05, "执行率分布（150% 以上并入最后一段）", "执行率", percent=True,
                                    threshold=threshold), key="ex_hist")
with right:
    sample = qs.budget_vs_exec(f, limit=SCATTER_POINTS)
    event = st.plotly_chart(charts.budget_scatter(sample, threshold), key="ex_scatter", on_select="rerun",
                            selection_mode="points")
    st.caption("点击点可打开该填报。")
    for p in ui.selected_points(event):
        if p.get("customdata"):
            ui.open_filing(p["customdata"][0])

grid = qs.exec_by_place_year(f)
if not grid.empty:
    st.plotly_chart(charts.heatmap(grid, "exec_rate", "执行率中位数（县区 × 年度）", percent=True), key="ex_heat")

st.subheader(f"执行率低于 {threshold_pct}% 的填报")
ui.table(below, key="ex_below", name=f"执行率低于{threshold_pct}%", total=total_below,
         full=qs.exec_below_sql(f, threshold))
