import streamlit as st

from dashboard import filters, ui
from dashboard import markdown_text as md
from dashboard.filtering import Filters
from dashboard.labels import DOC_KINDS, FAMILIES, SEVERITIES, rule_title, rule_titles
from dashboard.queries import explorer as ex

qs, f = ui.queries(), ui.current_filters()
st.title("筛选查询")
st.caption("各条件同时满足（并且）。左侧边栏的筛选条件也同时生效。")
ui.source_badges(qs.source_counts(f))  # 系统导出 / 公开文件 under the sidebar's filters (来源 filters them)

PAGE_SIZE = 50
PRESETS = {
    "inflated": ("自评≥95 且 执行率<80%", {"ex_smin": 95.0, "ex_emax": 80.0, "ex_sort": "exec_rate", "ex_desc": False}),
    "no_reason": ("无偏差原因的扣分", {"ex_reason": "no_reason", "ex_sort": "finding_count", "ex_desc": True}),
    "vague_dept": ("模糊指标占比最高的部门", {"ex_sort": "vague_share", "ex_desc": True}),
}
# range widgets and the values their address parameter may take (execution rate and confidence in %)
RANGES = {"ex_smin": (0, 100), "ex_smax": (0, 100), "ex_rmin": (0, 100), "ex_rmax": (0, 100),
          "ex_imin": (-100, 100), "ex_imax": (-100, 100), "ex_emin": (0, 1000), "ex_emax": (0, 1000),
          "ex_cmin": (0, 100), "ex_cmax": (0, 100)}
RANGE_KEYS = list(RANGES)
LIST_KEYS = ["ex_kinds", "ex_counties", "ex_years", "ex_rules", "ex_fams", "ex_sevs"]
SORT_LABELS = {"inflation": "虚高分", "total_score": "自评得分", "score_recomputed": "复核得分", "exec_rate": "执行率",
               "budget_adjusted": "全年预算数", "finding_count": "问题数", "vague_share": "模糊指标占比",
               "confidence": "解析置信度", "year": "年度", "place": "地区", "department": "部门"}


def reset(values: dict | None = None) -> None:
    ss = st.session_state
    for k in RANGE_KEYS:
        ss[k] = None
    for k in LIST_KEYS:
        ss[k] = []
    ss["ex_dept"], ss["ex_reason"], ss["ex_sort"], ss["ex_desc"], ss["ex_page"] = "", "", "inflation", True, 1
    ss.update(values or {})
    ss["ex_preset"] = next((k for k, (_, v) in PRESETS.items() if v == values), "")


def in_range(lo, hi):
    return lambda v: lo <= v <= hi


# --- state from the address (validated; a bad value falls back with a notice)
for key, bounds in RANGES.items():
    filters.bind(key, key[3:], None, filters.ascii_float, valid=in_range(*bounds), label="范围条件")
place_labels = qs.place_labels()
years = qs.year_options()
rule_ids = sorted(set(rule_titles()) | set(qs.finding_rules(Filters())["rule"]))
options = {"ex_kinds": list(DOC_KINDS), "ex_counties": place_labels, "ex_years": years, "ex_rules": rule_ids,
           "ex_fams": list(FAMILIES), "ex_sevs": list(SEVERITIES)}
for key, opts in options.items():
    parse = filters.ascii_int if key == "ex_years" else str
    filters.bind(key, key[3:], [], parse, valid=lambda v, o=opts: v in o, label="列表条件")
filters.bind("ex_dept", "dept", "")
filters.bind("ex_reason", "reason", "", valid=lambda v: v in ex.REASON_STATES, label="偏差原因条件")
filters.bind("ex_sort", "sort", "inflation", valid=lambda v: v in ex.SORTS, label="排序")
filters.bind("ex_desc", "desc", True, lambda v: {"1": True, "0": False}[v], label="排序方向")
filters.bind("ex_page", "p", 1, filters.ascii_int, valid=lambda v: v >= 1, label="页码")
st.session_state.setdefault("ex_preset", "")

# --- presets
row = st.container(horizontal=True)
row.caption("常用查询：")
for pkey, (label, values) in PRESETS.items():
    row.button(label, key=f"ex_preset_{pkey}", on_click=reset, args=(values,),
               type="primary" if st.session_state.get("ex_preset") == pkey else "secondary")
row.button("清除条件", key="ex_reset", on_click=reset, icon=":material/filter_alt_off:")

# --- conditions
with st.container(border=True):
    c = st.columns(5)
    c[0].number_input("自评得分 ≥", 0.0, 100.0, key="ex_smin", step=1.0, placeholder="不限")
    c[0].number_input("自评得分 ≤", 0.0, 100.0, key="ex_smax", step=1.0, placeholder="不限")
    c[1].number_input("复核得分 ≥", 0.0, 100.0, key="ex_rmin", step=1.0, placeholder="不限")
    c[1].number_input("复核得分 ≤", 0.0, 100.0, key="ex_rmax", step=1.0, placeholder="不限")
    c[2].number_input("虚高分 ≥", -100.0, 100.0, key="ex_imin", step=1.0, placeholder="不限",
                      help="自评得分 − 复核得分")
    c[2].number_input("虚高分 ≤", -100.0, 100.0, key="ex_imax", step=1.0, placeholder="不限")
    c[3].number_input("执行率 ≥（%）", 0.0, 1000.0, key="ex_emin", step=5.0, placeholder="不限")
    c[3].number_input("执行率 <（%）", 0.0, 1000.0, key="ex_emax", step=5.0, placeholder="不限")
    conf_ok = qs.has_confidence
    c[4].number_input("解析置信度 ≥（%）", 0.0, 100.0, key="ex_cmin", step=5.0, placeholder="不限",
                      disabled=not conf_ok, help=None if conf_ok else "当前数据库没有解析置信度")
    c[4].number_input("解析置信度 ≤（%）", 0.0, 100.0, key="ex_cmax", step=5.0, placeholder="不限",
                      disabled=not conf_ok)
    c = st.columns(4)
    c[0].multiselect("地区（可多选）", place_labels, key="ex_counties", placeholder="全部地区")
    c[1].multiselect("年度", years, key="ex_years", placeholder="全部年度")
    c[2].multiselect("文件类型", list(DOC_KINDS), key="ex_kinds", format_func=DOC_KINDS.get, placeholder="全部类型")
    c[3].text_input("部门名称包含", key="ex_dept", placeholder="例如：教育")
    c = st.columns(4)
    c[0].multiselect("问题规则", rule_ids, key="ex_rules", format_func=rule_title, placeholder="不限")
    c[1].multiselect("问题类别", list(FAMILIES), key="ex_fams", format_func=FAMILIES.get, placeholder="不限")
    c[2].multiselect("严重程度", list(SEVERITIES), key="ex_sevs", format_func=SEVERITIES.get, placeholder="不限")
    c[3].selectbox("偏差原因", list(ex.REASON_STATES), key="ex_reason", format_func=ex.REASON_STATES.get)

ss = st.session_state


def pct(v):
    return None if v is None else v / 100


cond = ex.Conditions(
    score=(ss.ex_smin, ss.ex_smax), recomputed=(ss.ex_rmin, ss.ex_rmax), inflation=(ss.ex_imin, ss.ex_imax),
    exec_rate=(pct(ss.ex_emin), pct(ss.ex_emax)), confidence=(pct(ss.ex_cmin), pct(ss.ex_cmax)),
    kinds=tuple(ss.ex_kinds), counties=tuple(ss.ex_counties), years=tuple(int(y) for y in ss.ex_years),
    department=ss.ex_dept.strip(), rules=tuple(ss.ex_rules), families=tuple(ss.ex_fams), severities=tuple(ss.ex_sevs),
    reason=ss.ex_reason, sort=ss.ex_sort, descending=bool(ss.ex_desc),
)

# --- the address carries the whole state
for key in RANGE_KEYS:
    filters.set_param(key[3:], None if ss[key] is None else f"{ss[key]:g}")
for key in LIST_KEYS:
    filters.set_param(key[3:], list(ss[key]))
filters.set_param("dept", cond.department or None)
filters.set_param("reason", cond.reason or None)
filters.set_param("sort", cond.sort if cond.sort != "inflation" else None)
filters.set_param("desc", None if cond.descending else "0")

total = ex.count(qs, f, cond)
pages = max(1, -(-total // PAGE_SIZE))
if ss.ex_page > pages:
    ss.ex_page = pages

head = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
head[0].subheader(f"共 {total:,} 条")
head[1].selectbox("排序", list(ex.SORTS), key="ex_sort", format_func=SORT_LABELS.get)
head[2].toggle("从大到小", key="ex_desc")
head[3].number_input(f"页码（共 {pages:,} 页）", 1, pages, key="ex_page", step=1)
filters.set_param("p", ss.ex_page if ss.ex_page > 1 else None)
said = ex.sentences(qs, cond)
if said:  # the conditions in force, in words (place and department names are data: escaped)
    st.caption(md.escape("条件：" + "；".join(said)))

if ss.get("ex_preset") == "vague_dept":
    st.markdown("**模糊指标占比最高的部门**")
    ui.table(qs.department_vague_ranking(f), key="ex_vague_dept", name="模糊指标占比最高的部门", openable=False)

if total == 0:
    st.info("没有符合条件的填报。请放宽条件。")
    st.stop()

rows = ex.page(qs, f, cond, ss.ex_page, PAGE_SIZE)
if not qs.has_confidence:
    rows = rows.drop(columns="confidence")
st.caption(f"第 {(ss.ex_page - 1) * PAGE_SIZE + 1:,}–{(ss.ex_page - 1) * PAGE_SIZE + len(rows):,} 条；"
           "导出包含全部符合条件的记录。")
ui.table(rows, key="ex_rows", name="筛选结果", export=False)

# --- full exports (every matching row, streamed from the database)
ui.full_export(ex.export_sql(qs, f, cond), "筛选结果", "ex", total)
