import pandas as pd
import streamlit as st

from dashboard import quartiles, ui, url_state
from dashboard import markdown_text as md
from dashboard.filtering import Filters
from dashboard.labels import FOCUS_UNITS
from etl.lexicon import function_of

qs, f = ui.queries(), ui.current_filters()
st.title("县区评分卡")
st.caption("每行一个县区（或同一职能的部门），各项指标同时列出；每格按其在同组中的位置着色（四分位）。"
           "左侧选择的县区或部门用 ★ 标出，不会去掉同组的其他行；年度和文件类型筛选同时生效。"
           "点选一行可打开该县区（部门）的填报清单。")

url_state.bind("sc_unit", "unit", "place", valid=lambda v: v in FOCUS_UNITS, label="评分对象")
unit = st.radio("评分对象", list(FOCUS_UNITS), key="sc_unit", format_func=FOCUS_UNITS.get, horizontal=True)
url_state.set_param("unit", None if unit == "place" else unit)

# The peer group: the sidebar's province and city (a county chosen there only marks its row).
province, city = f.province, f.city
if f.county and not province:
    places = qs.place_options()
    mine = places[places["county"] == f.county]
    if len(mine) == 1:
        province, city = mine["province"].iloc[0], city
peers = Filters(province=province, city=city, years=f.years, kinds=f.kinds, sources=f.sources)

function = None
if unit == "department":
    funcs = qs.function_options(peers)
    if funcs.empty:
        st.info("当前筛选条件下没有能按职能归类的部门。")
        st.stop()
    names = list(funcs["function"])
    counts = dict(zip(funcs["function"], funcs["departments"]))
    wanted = function_of(f.department)
    url_state.bind("sc_function", "function", wanted if wanted in names else names[0],
                 valid=lambda v: v in names, label="部门职能")
    function = st.selectbox("部门职能（同职能的部门互为同组）", names, key="sc_function",
                            format_func=lambda n: f"{n}（{counts[n]:,} 个部门）")
    url_state.set_param("function", function)

cols = quartiles.columns()
labels = {c.key: c.label for c in cols}
url_state.bind("sc_sort", "sort", "findings_per_filing", valid=lambda v: v in labels or v == "unit", label="排序")
url_state.bind("sc_desc", "desc", True, lambda v: {"1": True, "0": False}[v], label="排序方向")

card = qs.scorecard(peers, unit, function)
scope = " ".join(x for x in (province, city) if x) or "全部地区"
who = FOCUS_UNITS[unit] + (f"（{function}）" if function else "")
if card.empty:
    st.info("当前筛选条件下没有数据。")
    st.stop()

c1, c2, c3 = st.columns([3, 1, 3], vertical_alignment="bottom")
sort = c1.selectbox("排序", ["unit", *labels], key="sc_sort",
                    format_func=lambda k: FOCUS_UNITS[unit] + "名称" if k == "unit" else labels[k])
desc = c2.toggle("从大到小", key="sc_desc")
url_state.set_param("sort", None if sort == "findings_per_filing" else sort)
url_state.set_param("desc", None if desc else "0")
c3.markdown(f"**同组：{md.escape(scope)}的 {len(card):,} 个{md.escape(who)}**")

key_col = "department" if unit == "department" else "place"
card = card.sort_values(key_col if sort == "unit" else [sort, key_col], ascending=[not desc] if sort == "unit"
                        else [not desc, True], na_position="last").reset_index(drop=True)
q = quartiles.quartiles(card, cols)
b = quartiles.bands(card, q, cols)

focus = f.department if unit == "department" else f.county
mark = card["department"] == focus if unit == "department" else card["county"] == focus
shown = card[[key_col, "province"] + [c.key for c in cols]].copy()
shown[key_col] = [("★ " if m else "") + str(v) for v, m in zip(shown[key_col], mark)]
styles = quartiles.cell_styles(b, cols, list(shown.columns))
data, numbers = ui.formatted(shown, kinds={c.key: c.kind for c in cols}, labels=labels)
config = {key_col: st.column_config.TextColumn(FOCUS_UNITS[unit], pinned=True),
          "province": st.column_config.TextColumn("省")}
config.update({c.key: numbers.get(c.key) or st.column_config.Column(c.label, help=None) for c in cols})
# the Styler only colours the cells (the numbers' formats are the columns' config)
event = st.dataframe(data.style.apply(lambda _: styles, axis=None),
                     hide_index=True, column_config=config, key="sc_table", on_select="rerun",
                     selection_mode="single-row", width="stretch")
st.caption(quartiles.legend())
picked = event.selection.rows if event else []
if picked:
    row = card.iloc[picked[0]]
    if unit == "department":
        ui.goto("explore", filters_={"department": row["department"]})
    else:
        ui.goto("explore", filters_={"province": row["province"], "city": row["city"], "county": row["county"]})

st.markdown("**同组四分位数**")
qshown = q.reset_index(names="组").rename(columns=labels)
qdata, qnumbers = ui.formatted(qshown, kinds={c.label: c.kind for c in cols})
st.dataframe(qdata, column_config=qnumbers, hide_index=True, key="sc_quartiles", width="stretch")

lead = [(key_col, FOCUS_UNITS[unit]), ("province", "省")]
name = ui.file_name(f"县区评分卡_{scope}_{who}")
x = card.assign(**{key_col: shown[key_col]})
row = st.columns([1, 1, 3])
with row[0]:  # the coloured workbook is built when asked (openpyxl: a few hundred ms for a province's counties)
    ui.built_download("导出 Excel（带颜色）", lambda: quartiles.xlsx(x, q, b, cols, lead), f"{name}.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "sc_xlsx",
                      token=(scope, who, sort, desc, int(pd.util.hash_pandas_object(card, index=False).sum())))
out, kinds = x[[k for k, _ in lead] + [c.key for c in cols]], {c.label: c.kind for c in cols}
row[1].download_button("导出 CSV", ui.csv_bytes(out.rename(columns={**dict(lead), **labels}), kinds),
                       file_name=f"{name}.csv", mime="text/csv", key="sc_csv", icon=":material/download:")
