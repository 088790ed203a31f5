import streamlit as st

from dashboard import charts, ui, url_state
from dashboard import markdown_text as md
from dashboard.labels import FAMILIES, SEVERITIES, rule_title, rule_titles

qs, f = ui.queries(), ui.current_filters()
st.title("指标质量")

left, right = st.columns(2)
with left:
    by_place = qs.vague_by_group(f, by="place")
    if by_place.empty:
        st.info("当前筛选条件下没有指标。")
    else:
        st.plotly_chart(charts.hbar(by_place["grp"], by_place["share"], "模糊指标占比（按县区）", "占比", percent=True),
                        key="ql_place")
with right:
    by_dept = qs.vague_by_group(f, by="department")
    if not by_dept.empty:
        event = st.plotly_chart(charts.hbar(by_dept["grp"], by_dept["share"], "模糊指标占比（按部门，指标最多的 30 个）",
                                            "占比", percent=True, customdata=by_dept[["grp"]].values.tolist()),
                                key="ql_dept", on_select="rerun", selection_mode="points")
        st.caption("点击柱形可把该部门设为筛选条件。")
        for p in ui.selected_points(event):
            if p.get("customdata") and p["customdata"][0] != "（部门未知）":
                ui.goto("quality", filters_={"department": p["customdata"][0]})

st.subheader("最常见的模糊表述")
phrases = qs.vague_phrases(f, limit=30)
if phrases.empty:
    st.info("当前筛选条件下没有模糊指标。")
else:
    c1, c2 = st.columns([3, 2])
    with c1:
        st.plotly_chart(charts.hbar(phrases["phrase"], phrases["n"], "模糊表述出现次数", "次数", count=True),
                        key="ql_phrases")
    with c2:
        ui.table(phrases, key="ql_phrases_table", name="模糊表述", openable=False)

st.subheader("全部问题")
rules = qs.finding_rules(f)
families = sorted(set(FAMILIES) | set(rules["family"]))
known_rules = set(rule_titles()) | set(rules["rule"])
url_state.bind("qf_family", "family", [], valid=lambda v: v in families, label="问题类别")
url_state.bind("qf_severity", "severity", [], valid=lambda v: v in SEVERITIES, label="严重程度")
url_state.bind("qf_rule", "rule", [], valid=lambda v: v in known_rules, label="规则")
url_state.bind("qf_text", "fq", "")
for key, options in (("qf_family", families), ("qf_severity", list(SEVERITIES)), ("qf_rule", list(rules["rule"]))):
    st.session_state[key] = [v for v in st.session_state[key] if v in options]
c1, c2, c3, c4 = st.columns(4)
fam = c1.multiselect("问题类别", families, key="qf_family", format_func=lambda v: FAMILIES.get(v, v), placeholder="全部")
sev = c2.multiselect("严重程度", list(SEVERITIES), key="qf_severity", format_func=lambda v: SEVERITIES[v],
                     placeholder="全部")
rule = c3.multiselect("规则", list(rules["rule"]), key="qf_rule", format_func=rule_title, placeholder="全部")
text = c4.text_input("说明或依据包含", key="qf_text")
url_state.set_param("family", fam)
url_state.set_param("severity", sev)
url_state.set_param("rule", rule)
url_state.set_param("fq", text.strip() or None)
only = st.query_params.get("filing")  # the 问题清单 link of one filing
if only:
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.info(f"只显示填报 {md.escape(only)} 的问题。", icon=":material/filter_alt:")
    if c2.button("显示全部填报的问题", key="qf_all"):
        url_state.set_param("filing", None)
        st.rerun()
found, total = qs.findings_list(f, tuple(fam), tuple(sev), tuple(rule), text.strip(), limit=1000, filing_id=only)
st.caption(f"符合条件的问题：{total:,} 条")
ui.table(found, key="ql_findings", name="问题清单", total=total,
         full=qs.findings_list_sql(f, tuple(fam), tuple(sev), tuple(rule), text.strip(), only))

st.subheader("雷同指标组")
clusters = qs.copy_clusters(f)
if clusters.empty:
    st.info("当前筛选条件下没有发现指标雷同的填报组。")
else:
    st.caption("同一组内的填报使用了高度相似的指标设置（跨项目、部门或年度复制）。")
    ui.table(clusters, key="ql_clusters", name="雷同指标组", openable=False)
    pick = st.selectbox("查看雷同组成员", list(clusters["cluster_id"]), key="ql_cluster_pick",
                        format_func=lambda c: f"第 {c} 组")
    ui.table(qs.copy_cluster_members(int(pick)), key="ql_members", name=f"雷同组{pick}成员")
