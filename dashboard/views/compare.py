import streamlit as st

from dashboard import charts, filters, ui
from dashboard import queries as q
from dashboard.labels import METRICS

db, f = ui.db(), ui.current_filters()
st.title("对比分析")

filters.bind("cmp_metric", "metric", "self_score", valid=lambda v: v in METRICS, label="指标")
metric = st.selectbox("指标", list(METRICS), key="cmp_metric", format_func=lambda m: METRICS[m][0])
filters.set_param("metric", metric if metric != "self_score" else None)
label, is_share = METRICS[metric]
scale = "RdYlGn_r" if metric in ("vague_share", "inflation", "no_reason_share", "findings_per_filing") else "RdYlGn"

grid = q.metric_matrix(db, f, metric)
if grid.empty:
    st.info("当前筛选条件下没有数据。")
    st.stop()

st.plotly_chart(charts.heatmap(grid, "value", f"{label}：县区 × 年度", percent=is_share, colorscale=scale),
                key="cmp_heat")

st.subheader("同比变化")
if grid["change"].notna().any():
    st.plotly_chart(charts.yoy_bar(grid, f"{label}：较上年变化", percent=is_share), key="cmp_yoy")
else:
    st.info("需要同一地区至少两个年度的数据才能计算同比变化。")
yoy = grid.rename(columns={"change": "较上年变化"})
ui.table(yoy, key="cmp_yoy_table", name=f"{label}_县区年度", openable=False)

st.subheader("与同省其他县区比较（P25 / P50 / P75）")
peers = q.metric_vs_peers(db, f, metric)
st.plotly_chart(charts.peers_chart(peers, f"{label}：各地区与同省同类地区", percent=is_share), key="cmp_peers")
st.caption("灰色竖条为同省各地区的 P25–P75 区间，横线为中位数；红点高于 P75，绿点低于 P25。")
ui.table(peers.rename(columns={"peers": "同省地区数"}), key="cmp_peers_table", name=f"{label}_同省比较", openable=False)

st.subheader("同类部门跨地区比较")
filters.bind("cmp_dept", "dept", "工商")
pattern = st.text_input("部门名称包含", key="cmp_dept", help="例如：工商（工商业联合会 / 工商联）、财政、教育")
filters.set_param("dept", pattern.strip() if pattern.strip() != "工商" else None)
if pattern.strip():
    same = q.department_across_places(db, f, pattern.strip(), metric)
    if same.empty:
        st.info("没有名称包含该文字的部门。")
    else:
        st.plotly_chart(charts.hbar(same["place"], same["value"], f"名称含“{charts.safe(pattern.strip())}”的部门：{label}",
                                    label, percent=is_share), key="cmp_dept_chart")
        ui.table(same, key="cmp_dept_table", name=f"同类部门_{label}", openable=False)
