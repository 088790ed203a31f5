import streamlit as st

from dashboard import ui, url_state
from dashboard import markdown_text as md
from dashboard.filtering import Filters
from dashboard.labels import DOC_KINDS, FAMILIES, SEVERITIES, rule_title, rule_titles
from dashboard.queries import explorer as ex

qs, f = ui.queries(), ui.current_filters()
st.title("筛选查询")
st.caption("各条件同时满足（并且）。年度、县区、部门和文件类型以左侧筛选为准：本页的地区和文件类型只能在左侧选定的范围内再选。")
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
LIST_KEYS = ["ex_kinds", "ex_counties", "ex_rules", "ex_fams", "ex_sevs"]
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
    url_state.bind(key, key[3:], None, url_state.ascii_float, valid=in_range(*bounds), label="范围条件")
# One filter state: the sidebar's places and kinds bound what this page may add. A place or kind from the
# address outside them would give 0 results for no visible reason: the conflict is named and dropped.
place_labels = qs.place_labels(f)
kind_options = [k for k in DOC_KINDS if not f.kinds or k in f.kinds]
rule_ids = sorted(set(rule_titles()) | set(qs.finding_rules(Filters())["rule"]))
options = {"ex_kinds": kind_options, "ex_counties": place_labels, "ex_rules": rule_ids,
           "ex_fams": list(FAMILIES), "ex_sevs": list(SEVERITIES)}
sidebar_place = " ".join(x for x in (f.province, f.city, f.county) if x)
for key, param, what, scope in (("ex_counties", "counties", "地区", sidebar_place),
                                ("ex_kinds", "kinds", "文件类型", "、".join(DOC_KINDS.get(k, k) for k in f.kinds))):
    if key not in st.session_state and scope:
        asked = st.query_params.get_all(param)
        outside = [v for v in asked if v not in options[key]]
        if outside:
            names = "、".join(DOC_KINDS.get(v, v) for v in outside)
            url_state.notice(f"本页的{what}条件“{names}”不在左侧筛选的范围（{scope}）内，两者同时生效会没有结果，已去掉本页的这一条件。")
            st.session_state[key] = [v for v in asked if v in options[key]]
if st.query_params.get_all("years") and "_ex_years_said" not in st.session_state:  # an address from before
    st.session_state["_ex_years_said"] = True
    url_state.notice("年度只在左侧筛选中选择（一个筛选状态）；地址中本页的年度条件已忽略。")
for key, opts in options.items():
    url_state.bind(key, key[3:], [], str, valid=lambda v, o=opts: v in o, label="列表条件")
    st.session_state[key] = [v for v in st.session_state[key] if v in opts]  # the sidebar changed since
url_state.bind("ex_dept", "dept", "")
url_state.bind("ex_reason", "reason", "", valid=lambda v: v in ex.REASON_STATES, label="偏差原因条件")
url_state.bind("ex_sort", "sort", "inflation", valid=lambda v: v in ex.SORTS, label="排序")
url_state.bind("ex_desc", "desc", True, lambda v: {"1": True, "0": False}[v], label="排序方向")
url_state.bind("ex_page", "p", 1, url_state.ascii_int, valid=lambda v: v >= 1, label="页码")
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
    c = st.columns(3)
    c[0].multiselect("地区（可多选）", place_labels, key="ex_counties",
                     placeholder=f"{sidebar_place}全部地区" if sidebar_place else "全部地区")
    c[1].multiselect("文件类型", kind_options, key="ex_kinds", format_func=DOC_KINDS.get, placeholder="全部类型")
    c[2].text_input("部门名称包含", key="ex_dept", placeholder="例如：教育")
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
    kinds=tuple(ss.ex_kinds), counties=tuple(ss.ex_counties),
    department=ss.ex_dept.strip(), rules=tuple(ss.ex_rules), families=tuple(ss.ex_fams), severities=tuple(ss.ex_sevs),
    reason=ss.ex_reason, sort=ss.ex_sort, descending=bool(ss.ex_desc),
)

# --- the address carries the whole state
for key in RANGE_KEYS:
    url_state.set_param(key[3:], None if ss[key] is None else f"{ss[key]:g}")
for key in LIST_KEYS:
    url_state.set_param(key[3:], list(ss[key]))
url_state.set_param("dept", cond.department or None)
url_state.set_param("reason", cond.reason or None)
url_state.set_param("sort", cond.sort if cond.sort != "inflation" else None)
url_state.set_param("desc", None if cond.descending else "0")

url_state.bind("ex_subject", "subject", False, lambda v: {"1": True, "0": False}[v], label="按主体合并")
subjects = st.toggle("按主体合并（同一部门或项目同一年度的自评表和自评报告算一个）", key="ex_subject",
                     help="打开后，每个主体只列一行，“文件数”和“文件类型（同一主体）”列出它的全部文件")
url_state.set_param("subject", "1" if subjects else None)
total = ex.count(qs, f, cond, subjects)
pages = max(1, -(-total // PAGE_SIZE))
if ss.ex_page > pages:
    ss.ex_page = pages

head = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
head[0].subheader(f"共 {total:,} {'个主体' if subjects else '条'}")
head[1].selectbox("排序", list(ex.SORTS), key="ex_sort", format_func=SORT_LABELS.get)
head[2].toggle("从大到小", key="ex_desc")
head[3].number_input(f"页码（共 {pages:,} 页）", 1, pages, key="ex_page", step=1)
url_state.set_param("p", ss.ex_page if ss.ex_page > 1 else None)
said = ex.sentences(qs, cond)
if said:  # the conditions in force, in words (place and department names are data: escaped)
    st.caption(md.escape("条件：" + "；".join(said)))

if ss.get("ex_preset") == "vague_dept":
    st.markdown("**模糊指标占比最高的部门**")
    ui.table(qs.department_vague_ranking(f), key="ex_vague_dept", name="模糊指标占比最高的部门", openable=False)

if total == 0:
    st.info("没有符合条件的填报。请放宽条件。")
    st.stop()

rows = ex.page(qs, f, cond, ss.ex_page, PAGE_SIZE, subjects)
if not qs.has_confidence:
    rows = rows.drop(columns="confidence")
st.caption(f"第 {(ss.ex_page - 1) * PAGE_SIZE + 1:,}–{(ss.ex_page - 1) * PAGE_SIZE + len(rows):,} 条；"
           "导出包含全部符合条件的记录。")
# the columns the conditions are about first (visible at 1440 px), then who and what
first = ex.own_columns(cond) + ["place", "department", "project", "year", "doc_kind", *ex.SUBJECT_COLUMNS]
ui.table(rows, key="ex_rows", name="筛选结果", export=False, first=first)

# --- full exports (every matching row, streamed from the database); the file is named by the conditions
ui.full_export(ex.export_sql(qs, f, cond, subjects), "_".join(["筛选结果", *("".join(x.split()) for x in said)])[:80],
               "ex", total)
