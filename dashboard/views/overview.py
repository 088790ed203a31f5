import streamlit as st

from dashboard import charts, ui
from dashboard.queries import review_queue

qs, f = ui.queries(), ui.current_filters()
st.title("总览")

c = qs.overview_counts(f)
if not c["filings"]:
    st.info("当前筛选条件下没有填报。请调整左侧筛选条件。")
    st.stop()

ui.source_badges(qs.source_counts(f))  # 系统导出 / 公开文件: exact exports and parsed publications
cols = st.columns(4)
cols[0].metric("填报数", ui.count(c['filings']))
cols[1].metric("部门数", ui.count(c['departments']))
cols[2].metric("县区数", ui.count(c['counties']))
cols[3].metric("年度数", ui.count(c['years']))
cols = st.columns(4)
cols[0].metric("自评得分中位数", ui.num(c["median_score"]))
cols[1].metric("预算执行率中位数", ui.pct(c["median_exec_rate"]))
cols[2].metric("模糊指标占比", ui.pct(c["vague_share"]))
cols[3].metric("指标数", ui.count(c['indicators']))

if f.county:
    st.subheader("打印报告")
    years = [y for y in (f.years or qs.year_options())]
    ui.report_button(f.county, f.city, list(years), f.department, key="ov_report")
else:
    st.caption("在左侧选择一个县区后，可在此下载该县区的打印版报告（PDF）。")

st.subheader("发现的问题")
u = review_queue.unverified_counts(qs, f)  # findings on rows read with little confidence are counted apart
cols = st.columns(4)
cols[0].metric("问题数（不含待核实）", ui.count(u["findings"] - u["unverified"]))
cols[1].metric("待核实", ui.count(u["unverified"]),
               help="在解析置信度低于复核阈值的行上发现的问题：可能是读取错误，不一定是填报的问题；"
                    "在“复核队列”中对照原件确认或更正后计入问题数。")
df = qs.findings_by_family_severity(f)
if df.empty:
    st.info("当前筛选条件下没有发现问题。")
else:
    event = st.plotly_chart(charts.findings_bar(df), key="ov_findings", on_select="rerun",
                            selection_mode="points")
    st.caption("点击柱形可查看该类问题的清单。"
               + (f"图中含待核实的 {u['unverified']:,} 个问题（清单中标为“待核实”）。" if u["unverified"] else ""))
    for p in ui.selected_points(event):
        family, severity = p["customdata"][0], p["customdata"][1]
        ui.goto("quality", state={"qf_family": [family], "qf_severity": [severity]},
                params={"family": family, "severity": severity})

st.subheader("问题最多的填报")
ui.table(qs.worst_filings(f, limit=20), key="ov_worst", name="问题最多的填报")
