import pandas as pd
import streamlit as st

from dashboard import charts, ui, url_state
from dashboard import markdown_text as md
from dashboard.labels import DIRECTIONS, FOCUS_UNITS, METRICS, PEER_SCOPES, RANK_NOTES, rank_higher_first, rank_text

qs, f = ui.queries(), ui.current_filters()
st.title("对比分析")
st.caption("选一个县区（或部门）作为对象，与同市、同省或全部同类逐年比较。地区筛选只用于选定对象，不会去掉比较对象；"
           "年度和文件类型筛选同时作用于双方。")

SMALL_N = 5

url_state.bind("cmp_metric", "metric", "self_score", valid=lambda v: v in METRICS, label="指标")
url_state.bind("cmp_unit", "unit", "place", valid=lambda v: v in FOCUS_UNITS, label="比较单位")
url_state.bind("cmp_scope", "scope", "province", valid=lambda v: v in PEER_SCOPES, label="比较范围")
c = st.columns([2, 1, 3, 2])
metric = c[0].selectbox("指标", list(METRICS), key="cmp_metric", format_func=lambda m: METRICS[m][0])
unit = c[1].radio("比较单位", list(FOCUS_UNITS), key="cmp_unit", format_func=FOCUS_UNITS.get, horizontal=True)
options = qs.focus_options(f, unit)
if not options:
    st.info("当前筛选条件下没有数据。")
    st.stop()
# The sidebar's county (or department) is the natural focus; else the first one.
wanted = None
if unit == "place" and f.county:
    wanted = next((o for o in options if o.split(" ")[-1] == f.county), None)
elif unit == "department" and f.department:
    wanted = f.department if f.department in options else None
chosen = f.county if unit == "place" else f.department
if chosen and wanted is None:  # the sidebar's choice has no filings under the years and kinds: say so
    st.info(f"左侧选择的{FOCUS_UNITS[unit]}“{md.escape(chosen)}”在当前年度和文件类型下没有填报，没有可比较的数据。")
    st.stop()
url_state.bind("cmp_focus", "focus", wanted or options[0], label="比较对象")
if st.session_state.cmp_focus not in options:
    url_state.notice(f"地址中的比较对象“{st.session_state.cmp_focus}”不在数据中，已改为“{wanted or options[0]}”。")
    st.session_state.cmp_focus = wanted or options[0]
focus = c[2].selectbox(f"对象（{FOCUS_UNITS[unit]}）", options, key="cmp_focus")
scope = c[3].radio("与谁比较", list(PEER_SCOPES), key="cmp_scope", format_func=PEER_SCOPES.get, horizontal=True)
for param, value, default in (("metric", metric, "self_score"), ("unit", unit, "place"), ("scope", scope, "province"),
                              ("focus", focus, None)):
    url_state.set_param(param, value if value != default else None)

label, is_share = METRICS[metric]
direction = DIRECTIONS.get(metric, "up")
bm = qs.benchmark(f, unit, focus, scope, metric, rank_higher_first(direction))
if bm.empty:
    st.info("这个对象在当前筛选条件下没有按年度的数据。")
    st.stop()

st.subheader(f"{md.escape(focus)}：{label}，与{PEER_SCOPES[scope]}{FOCUS_UNITS[unit]}比较")
last = bm.iloc[-1]
cols = st.columns(4)
fmt = ui.pct if is_share else ui.num
cols[0].metric(f"{int(last['year'])} 年数值", fmt(last["value"]))
cols[1].metric("同组中位数 P50", fmt(last["p50"]))
cols[2].metric("排名", rank_text(direction, last["rank"], last["peers"]), help=RANK_NOTES[direction])
unit_change = "百分点" if is_share else ("份" if metric == "filings" else "分" if metric != "findings_per_filing" else "个")
change = last["change"]
cols[3].metric("较上年", "—" if ui.missing(change) else
               f"{change * 100:+.1f} {unit_change}" if is_share else f"{change:+.1f} {unit_change}")
if int(last["peers"]) < SMALL_N:
    st.warning(f"同组只有 {int(last['peers'])} 个{FOCUS_UNITS[unit]}（少于 {SMALL_N} 个），百分位和排名仅供参考。",
               icon=":material/info:")

st.plotly_chart(charts.benchmark_chart(bm, f"{label}：{charts.safe(focus)} 与同组 P25 / P50 / P75", focus,
                                      percent=is_share),
                key="cmp_bench")
table = pd.DataFrame({
    "year": bm["year"],
    "value": bm["value"],
    "p25": bm["p25"], "p50": bm["p50"], "p75": bm["p75"],
    "排名": [rank_text(direction, r, n) for r, n in zip(bm["rank"], bm["peers"])],
    "peers": bm["peers"],
    "样本": ["样本少（n<5）" if n < SMALL_N else "" for n in bm["peers"]],
    "较上年": [("—" if ui.missing(v) else (f"{v * 100:+.1f} 百分点" if is_share else f"{v:+.1f}")) for v in bm["change"]],
})
if is_share:
    table = table.rename(columns={"value": "value_share", "p25": "p25_share", "p50": "p50_share", "p75": "p75_share"})
ui.table(table, key="cmp_bench_table", name=f"{label}_{focus}_对标", openable=False)

st.subheader(f"同组各{FOCUS_UNITS[unit]}逐年情况")
grid = qs.peer_matrix(f, unit, focus, scope, metric)
st.plotly_chart(charts.heatmap(grid, "value", f"{label}：{PEER_SCOPES[scope]}{FOCUS_UNITS[unit]} × 年度（★ 为对象）",
                               percent=is_share, metric=metric, mark=focus), key="cmp_heat")

st.subheader("同类部门跨地区比较")
st.caption("列出所有地区名称含该文字的部门（左侧的地区筛选不会去掉其他地区；★ 为对象所在地区）。")
url_state.bind("cmp_dept", "dept", "工商")
pattern = st.text_input("部门名称包含", key="cmp_dept", help="例如：工商（工商业联合会 / 工商联）、财政、教育")
url_state.set_param("dept", pattern.strip() if pattern.strip() != "工商" else None)
if pattern.strip():
    same = qs.department_across_places(f, pattern.strip(), metric)
    if same.empty:
        st.info("没有名称包含该文字的部门。")
    else:
        mine = focus if unit == "place" else None
        same = same.assign(place=[("★ " if p == mine else "") + str(p) for p in same["place"]])
        st.plotly_chart(charts.hbar(same["place"], same["value"], f"名称含“{charts.safe(pattern.strip())}”的部门：{label}",
                                    label, percent=is_share), key="cmp_dept_chart")
        shown = same.rename(columns={"value": "value_share"}) if is_share else same
        ui.table(shown, key="cmp_dept_table", name=f"同类部门_{label}", openable=False)

st.subheader("软目标指数")
grain = "county" if unit == "place" else "department"
peer_f = qs.scope_filters(f, unit, focus, scope)
where_said = " ".join(x for x in (peer_f.province, peer_f.city) if x) or "全部地区"
st.caption(f"{md.escape(where_said)}各{FOCUS_UNITS[unit]}（与上面同一比较范围，左侧的地区筛选不会去掉其他地区），汇总各年度："
           "软目标占比（被跨年度或同类比较规则判为目标偏软的指标占可判断指标的比例）、"
           "按资金加权的自评虚高分（自评得分减复核得分），以及与上年相比原样沿用的指标占比。")
soft = qs.soft_indices(peer_f, grain)
if soft.empty:
    st.info("当前筛选条件下没有可计算的软目标指数（需要同一部门或项目跨年度的填报）。")
else:
    if unit == "place":
        mine = focus.split(" ")[-1]  # the label's last part is the county (soft_indices name it alone)
        soft = soft.assign(place=[("★ " if p == mine else "") + str(p) for p in soft["place"]])
    else:
        soft = soft.assign(department=[("★ " if d == focus else "") + str(d) for d in soft["department"]])
    ui.table(soft, key="cmp_soft_table", name=f"软目标指数_{FOCUS_UNITS[unit]}", openable=False)
