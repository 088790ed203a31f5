import pandas as pd
import streamlit as st

from dashboard import review_panel, ui, url_state
from dashboard.labels import DOC_KINDS, REASONS, VERSION_CHANGES, source_label

qs, f = ui.queries(), ui.current_filters()
st.title("填报详情")

filing_id = st.query_params.get("filing")


def links() -> None:
    cols = st.columns(5)
    cols[0].page_link(ui.PAGE_FILES["overview"], label="返回总览", icon=":material/arrow_back:")
    if filing_id and cols[1].button("本填报的问题清单", key="dt_to_findings", icon=":material/list:", type="tertiary"):
        ui.goto("quality", params={"filing": filing_id})
    if filing_id and cols[2].button("对照原件核对更正", key="dt_to_review_top", icon=":material/fact_check:",
                                    type="tertiary"):
        ui.goto("review", params={"filing": filing_id})
    cols[3].page_link(ui.PAGE_FILES["scores"], label="自评得分", icon=":material/grading:")
    cols[4].page_link(ui.PAGE_FILES["execution"], label="预算执行", icon=":material/payments:")


if not filing_id:
    st.write("选择一份填报查看其完整表格、发现的问题和数据来源。列表页中勾选一行也会打开这里。")
    url_state.bind("dt_search", "fs", "")
    text = st.text_input("搜索项目、部门、标题或文件名（受左侧筛选条件限制）", key="dt_search")
    url_state.set_param("fs", text.strip() or None)
    ui.table(qs.find_filings(f, text.strip(), limit=200), key="dt_pick", name="填报列表")
    st.stop()

row = qs.filing(filing_id)
if row is None:
    old = qs.replaced_filing(filing_id)
    if old is None:
        st.error("找不到这份填报，它可能已被删除或链接有误。")
        st.text(f"填报编号：{filing_id}")
        links()
        st.stop()
    # a link from before a correction: say so, show what the old version said, and lead to the current one
    st.warning("这份填报所在的文件已被更正后的新版本替换，统计中只计新版本；以下是旧版本的内容，仅供查阅。",
               icon=":material/history:")
    st.text(f"填报编号：{filing_id}（旧版本）")
    st.text(f"旧版本文件：{old['source_file']}；{old['replaced_at']:%Y-%m-%d %H:%M} 被「{old['replaced_by_file']}」替换")
    current = old.get("current_filing_id")
    if isinstance(current, str):
        if st.button("打开新版本中对应的填报", key="dt_to_current", icon=":material/update:", type="primary"):
            ui.open_filing(current)
    else:
        st.info("新版本中没有与之对应的填报（新版本的填报份数更少）。")
    fields = [("项目", "project"), ("部门", "department"), ("年度", "year"), ("全年预算数(A)", "budget_adjusted"),
              ("全年执行数(B)", "budget_executed"), ("总得分", "total_score")]
    shown_old = [(k, str(old[c])) for k, c in fields if old.get(c) is not None and not pd.isna(old[c])]
    st.dataframe(pd.DataFrame(shown_old, columns=["项目", "旧版本中的内容"]), hide_index=True, key="dt_old")
    links()
    st.stop()

links()
if row.get("is_sample"):
    st.warning("这是一份合成样例填报（演示用，不是真实数据）。", icon=":material/science:")
kind = row.get("source_kind") if isinstance(row.get("source_kind"), str) else "document"
st.badge(source_label(kind), color=ui.SOURCE_COLORS.get(kind, "gray"))
twins = qs.filing_twins(filing_id)
if not twins.empty:
    if kind == "structured":
        st.info(f"同一项目另有 {len(twins)} 份公开文件；统计中只计这份系统导出，两者不一致之处见下方“发现的问题”（TWIN_DIFFERS）。",
                icon=":material/join:")
    else:
        st.info("同一项目已从预算管理系统导入（系统导出），统计中以系统导出为准，这份公开文件不重复计入。",
                icon=":material/join:")
    ui.table(twins, key="dt_twins", name="同一项目的系统导出与公开文件")
versions = qs.filing_versions(filing_id)
if not versions.empty:
    # the file was corrected (or renamed) after it was first ingested: the figures here are the current version's
    n_old = int((versions["version_change"] == "replaced").sum())
    st.info(f"这份填报所在的文件有 {len(versions)} 条历史记录（{n_old} 个被更正替换的旧版本），统计中只计当前版本。"
            "旧版本的数据见页面下方“历史版本”。", icon=":material/history:")


def val(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


# Filing text goes into st.dataframe / st.text only: never Markdown or HTML.
st.text(val(row.get("title")) or val(row.get("project")) or val(row.get("department")) or filing_id)
info = [
    ("填报编号", row["filing_id"]),
    ("文件类型", DOC_KINDS.get(row["doc_kind"], row["doc_kind"])),
    ("地区", " ".join(str(x) for x in (val(row.get("province")), val(row.get("city")), val(row.get("county"))) if x)),
    ("部门", val(row.get("department"))),
    ("单位", val(row.get("unit"))),
    ("项目", val(row.get("project"))),
    ("年度", None if val(row.get("year")) is None else str(int(row["year"]))),
    ("来源文件", row["source_file"]),
    ("文件中的位置", val(row.get("src_where"))),
    ("文件内序号", str(int(row["part_index"]) + 1)),
    ("解析状态", {"ok": "完整", "partial": "部分解析", "failed": "解析失败"}.get(row["parse_status"], row["parse_status"])),
    # how sure the parser was of its reading (0-100 %): low means rows to check against the original
    ("解析置信度", None if val(row.get("parse_confidence")) is None else ui.pct(row["parse_confidence"])),
    ("解析说明", val(row.get("parse_notes"))),
]
info_df = pd.DataFrame([(k, v) for k, v in info if v not in (None, "")], columns=["项目", "内容"])
st.dataframe(info_df, hide_index=True, width="stretch", key="dt_info", height=35 * len(info_df) + 38)
review_panel.corrections_block(qs, filing_id, row)  # values a person corrected: by whom, from what

cols = st.columns(5)
cols[0].metric("自评得分", ui.num(row.get("total_score")))
cols[1].metric("复核得分", ui.num(row.get("score_recomputed")))
cols[2].metric("虚高分", ui.num(row.get("inflation")))
rate = val(row.get("exec_rate_computed"))
if rate is None and val(row.get("budget_adjusted")) and val(row.get("budget_executed")) is not None:
    rate = row["budget_executed"] / row["budget_adjusted"]
cols[3].metric("执行率（B/A）", ui.pct(rate if rate is not None else row.get("exec_rate_reported")))
cols[4].metric("问题数", ui.count(row.get("finding_count")), help="本填报的全部问题（含跨填报比对发现的雷同和软目标问题），与下方问题清单的条数一致")

budget = [("年初预算数", "budget_initial"), ("全年预算数(A)", "budget_adjusted"), ("全年执行数(B)", "budget_executed"),
          ("财政拨款", "budget_fiscal"), ("其他资金", "budget_other"), ("上年结转", "budget_carryover"),
          ("执行率（填报）", "exec_rate_reported"), ("执行率分值", "exec_weight"), ("执行率得分", "exec_score"),
          ("总分值", "total_weight"), ("总得分", "total_score"), ("填报等级", "grade_reported"),
          ("复核等级", "grade_computed")]
RATE_FIELDS = {"exec_rate_reported"}
MONEY_FIELDS = {"budget_initial", "budget_adjusted", "budget_executed", "budget_fiscal", "budget_other",
                "budget_carryover"}


def shown_value(c: str, v) -> str:
    if c in RATE_FIELDS:
        return ui.pct(v)
    if c in MONEY_FIELDS:
        return f"{ui.num(v, 2)} 万元"
    return ui.num(v) if isinstance(v, float) else str(v)


budget_rows = [(k, shown_value(c, val(row.get(c)))) for k, c in budget if val(row.get(c)) is not None]
if budget_rows:
    st.subheader("资金与得分")
    st.dataframe(pd.DataFrame(budget_rows, columns=["项目", "数值"]), hide_index=True, key="dt_budget",
                 height=35 * len(budget_rows) + 38)

st.subheader("绩效指标")
ind = qs.filing_indicators(filing_id)
if ind.empty:
    st.info("这份填报没有指标行。")
else:
    ind = ind.assign(categories=ind["categories"].map(
        lambda c: "；".join(REASONS.get(x, x) for x in c.split()) if isinstance(c, str) else c))
    shown = ind.drop(columns=["error_count"])

    def mark(r):  # from the stored row: on screen a row without findings shows "—"
        n_err = ind.loc[r.name, "error_count"]
        has = isinstance(ind.loc[r.name, "findings"], str)
        color = "background-color: #fde2e1" if n_err else ("background-color: #fff4d6" if has else "")
        return [color] * len(r)

    st.caption("“序号”是指标在本填报中的编号（问题说明和报告里的“第 N 项”即指此编号），“来源位置”是该行在源文件中的页、表和行。"
               "有问题的行已标色（红：错误，黄：警告或提示）。")
    data, numbers = ui.formatted(shown)
    cfg = ui.column_config(shown, {
        **numbers,
        "seq": st.column_config.NumberColumn("序号", width=50, pinned=True),
        "src_where": st.column_config.TextColumn("来源位置", width=130, pinned=True),
        "name": st.column_config.TextColumn("三级指标", width="medium"),
        "reason": st.column_config.TextColumn("偏差原因", width="medium"),
        "findings": st.column_config.TextColumn("问题", width="medium"),
    })
    st.dataframe(data.style.apply(mark, axis=1), hide_index=True, width="stretch", key="dt_indicators",
                 column_config=cfg)
    ui.export_buttons(shown, f"填报{filing_id}_指标", key="dt_ind_export")

    st.markdown("**查看原表中的一行**")
    pick = st.selectbox("指标序号", list(ind["seq"]), key="dt_row",
                        format_func=lambda s: f"第 {s} 项 · {ind.set_index('seq').loc[s, 'src_where'] or '位置未知'}")
    one = qs.indicator_row(filing_id, int(pick))
    if one:
        with st.container(border=True):
            st.text(f"来源位置：{val(one.get('src_where')) or '未记录'}（来源文件：{row['source_file']}）")
            if val(one.get("src_text")):
                st.text("原文：" + str(one["src_text"]))
            else:  # the database keeps the cells, not the line: show them in the table's order
                cells = [val(one.get(k)) for k in ("level1", "level2", "name", "target", "actual", "weight", "score",
                                                   "reason")]
                st.text("原表该行（按读到的单元格）：" + " ｜ ".join("—" if v is None else
                                                          (f"{v:g}" if isinstance(v, float) else str(v)) for v in cells))
            mine = ind.set_index("seq").loc[pick, "findings"]
            st.text("本行问题：" + (mine if isinstance(mine, str) else "无"))

st.subheader("本填报的全部问题")
fnd = qs.filing_findings(filing_id)
ui.table(fnd, key="dt_findings", name=f"填报{filing_id}_问题", openable=False)

plan = qs.filing_plan(filing_id)
if not plan.empty:
    st.subheader("资金支出计划")
    ui.table(plan.rename(columns={"period": "期间", "month": "月份"}), key="dt_plan", name=f"填报{filing_id}_支出计划",
             openable=False)

sections = qs.filing_sections(filing_id)
if not sections.empty:
    st.subheader("文字内容")
    for r in sections.itertuples(index=False):
        with st.container(border=True):
            st.text(r.heading or "")
            st.text(r.text or "")
            if r.src_where:
                st.text("来源位置：" + str(r.src_where))

if not versions.empty:
    st.subheader("历史版本")
    st.write("同一文件此前导入的版本（最近的在前）：同名文件更正后重新提交时，旧版本不再计入统计，保留在这里；"
             "“旧版本中对应的填报”是旧文件中同一位置的填报。")
    ui.table(versions.assign(version_change=versions["version_change"].map(lambda c: VERSION_CHANGES.get(c, c))),
             key="dt_versions", name=f"填报{filing_id}_历史版本", openable=False)

clusters = qs.filing_clusters(filing_id)
if not clusters.empty:
    st.subheader("指标雷同")
    st.write("这份填报的指标设置与其他填报高度相似：")
    ui.table(clusters, key="dt_clusters", name=f"填报{filing_id}_雷同", openable=False)

# ---- earlier years: the same department's or project's filings a year before, and this filing's
# indicators as filed in earlier years (tables filing_links and indicator_keys, built by etl/link)
earlier = qs.filing_earlier_years(filing_id)
history = qs.indicator_history(filing_id)
if not earlier.empty or not history.empty:
    st.subheader("往年情况")
    if not earlier.empty:
        st.write("同一部门或项目上一年度的填报（勾选一行即可打开）：")
        how = {"dept": "同一部门", "code": "项目编码相同", "name": "项目名称相同", "fuzzy": "项目名称相近", "first": "项目名称相同"}
        ui.table(earlier.assign(match=earlier["match"].map(lambda m: how.get(m, m)))
                 .rename(columns={"match": "匹配方式", "similarity": "名称相似度"}),
                 key="dt_earlier", name=f"填报{filing_id}_上年填报")
    if not history.empty:
        st.write("本表各指标在往年填报中的指标值和实际完成值（按指标类别、名称和单位匹配；勾选一行打开那份填报）：")
        ui.table(history.rename(columns={"src_where": "往年来源位置"}), key="dt_history",
                 name=f"填报{filing_id}_往年指标")
