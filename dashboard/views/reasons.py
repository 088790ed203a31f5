
import streamlit as st

from dashboard import charts, ui, url_state
from dashboard.labels import REASONS
from dashboard.words import top_words

qs, f = ui.queries(), ui.current_filters()
st.title("偏差原因")

s = qs.reason_summary(f)
cols = st.columns(3)
cols[0].metric("扣分的指标", ui.count(s['deductions']))
cols[1].metric("其中未写偏差原因", ui.count(s['no_reason']))
cols[2].metric("扣分无原因占比", ui.pct(s["share"]))

left, right = st.columns(2)
with left:
    by_place = qs.no_reason_by_group(f, by="place")
    if not by_place.empty:
        st.plotly_chart(charts.hbar(by_place["grp"], by_place["share"], "扣分无原因占比（按县区）", "占比", percent=True),
                        key="rs_noreason")
with right:
    by = st.radio("原因类别分组", ["县区", "年度"], key="rs_by", horizontal=True)
    cats = qs.reason_categories(f, by="year" if by == "年度" else "place")
    if cats.empty:
        st.info("还没有原因分类结果。")
    else:
        event = st.plotly_chart(charts.category_stack(cats, f"偏差原因类别（按{by or '县区'}）", by or "县区"),
                                key="rs_cats", on_select="rerun", selection_mode="points")
        st.caption("点击柱形可按该类别筛选下方的原因文本。")
        picked = [p["customdata"][1] for p in ui.selected_points(event) if p.get("customdata")]
        if picked and picked != st.session_state.get("_rs_seen"):
            st.session_state["_rs_seen"] = picked
            st.session_state["rs_cat"] = picked[:1]

st.subheader("偏差原因文本")
url_state.bind("rs_text", "q", "")
url_state.bind("rs_cat", "cat", [])
c1, c2 = st.columns([2, 2])
text = c1.text_input("搜索原因文本", key="rs_text", placeholder="例如：疫情、招标、资金未到位")
cats_sel = c2.multiselect("原因类别", list(REASONS), key="rs_cat", format_func=lambda c: REASONS.get(c, c),
                          placeholder="全部类别")
url_state.set_param("q", text.strip() or None)
url_state.set_param("cat", cats_sel)
found, total = qs.reason_search(f, text.strip(), tuple(cats_sel), limit=500)
ui.table(found, key="rs_list", name="偏差原因", total=total)

st.subheader("高频词")
words = top_words(qs, f, 30)
if words:
    st.plotly_chart(charts.hbar([w for w, _ in words], [n for _, n in words], "偏差原因高频词", "出现次数", count=True),
                    key="rs_words")
    st.caption("按出现次数统计（最常见的 5,000 种偏差原因写法）。")
else:
    st.info("当前筛选条件下没有偏差原因文本。")
