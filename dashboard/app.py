"""预算绩效看板. Start with: streamlit run dashboard/app.py -- --db data/jixiao.duckdb"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

import duckdb  # noqa: E402
import streamlit as st  # noqa: E402
import streamlit.components.v1 as components  # noqa: E402

from dashboard import access, ui, url_state, warmup  # noqa: E402
from dashboard import markdown_text as md  # noqa: E402
from dashboard import db as dbm  # noqa: E402
from dashboard import queries as q  # noqa: E402

PAGES = [
    ("overview", "总览", ":material/dashboard:"),
    ("scorecard", "县区评分卡", ":material/leaderboard:"),
    ("scores", "自评得分", ":material/grading:"),
    ("execution", "预算执行", ":material/payments:"),
    ("reasons", "偏差原因", ":material/psychology_alt:"),
    ("explore", "筛选查询", ":material/filter_alt:"),
    ("compare", "对比分析", ":material/compare_arrows:"),
    ("quality", "指标质量", ":material/rule:"),
    ("detail", "填报详情", ":material/description:"),
    ("review", "复核队列", ":material/fact_check:"),
    ("upload", "数据导入", ":material/upload_file:"),
]

CSS = Path(__file__).resolve().parent / "static" / "chinese.css"
JS = Path(__file__).resolve().parent / "static" / "chinese.js"  # Chinese for Streamlit's and Plotly's own widget texts
FAVICON = str(Path(__file__).resolve().parent / "static" / "favicon.png")  # local: no request leaves the machine
ALIASES = {"overview"}  # the default page answers at "/", but a link to /overview must show it, not a 404
log = logging.getLogger("jixiao.dashboard")

BUSY_MESSAGE = ("数据库正在被其他程序写入（例如正在运行 `jixiao ingest`），暂时无法读取。"
                "请等导入完成后刷新页面。")


def _page(key: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(ui.PAGE_FILES[key], title=title, icon=icon, url_path=key, default=default)


def _unknown_page(known: set[str]) -> str | None:
    """The page name asked for in the address when no page has it, and stop Streamlit's English dialog.

    Streamlit answers an unknown path with the default page plus an English
    "Page not found" dialog; clearing the intended name makes it run the
    default page quietly, and we show our own Chinese page instead.
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        pm = get_script_run_ctx().pages_manager
        name = pm.intended_page_name
        if name and name not in known:
            pm.set_script_intent(pm.intended_page_script_hash or "", "")
            return None if name in ALIASES else name
    except Exception:  # internal API moved: keep Streamlit's own behaviour
        log.debug("page routing check failed", exc_info=True)
    return None


def not_found(name: str) -> None:
    st.title("页面不存在")
    st.write("地址中的页面不存在，可能是链接有误或页面已改名。")
    st.text(f"请求的页面：/{name}")
    for key, title, icon in PAGES:
        st.page_link(ui.PAGE_FILES[key], label=title, icon=icon)


def main(start: str = "overview") -> None:
    st.set_page_config(page_title="预算绩效看板", page_icon=FAVICON, layout="wide")
    st.html(f"<style>{CSS.read_text(encoding='utf-8')}</style>")  # a style tag only: takes no space on the page
    with st.sidebar:  # a frame of the page's own origin runs it once per tab (hidden by chinese.css)
        components.html(f"<script>{JS.read_text(encoding='utf-8')}</script>", height=0)
    if not access.gate():
        return
    # JIXIAO_TRACE_SQL=1, or `-- --trace-sql` after the script: every query and its time on stderr
    q.trace_from_setting(True if "--trace-sql" in sys.argv[1:] else None)
    db = dbm.resolve_db_path()
    st.session_state["_db"] = db

    if not db.exists():
        nav = st.navigation([st.Page(str(Path("views") / "welcome.py"), title="开始使用", icon=":material/info:",
                                     url_path="welcome", default=True),
                             _page("upload", "数据导入", ":material/upload_file:")])
        nav.run()
        return

    missing = _unknown_page({k for k, _, _ in PAGES if k != start})  # the default page answers at "/" only
    nav = st.navigation([_page(k, t, i, default=(k == start)) for k, t, i in PAGES])
    if missing:
        not_found(missing)
        return
    q.reset_stale_flag()
    notice = st.container()
    with warmup.page_run(), q.page_session():  # the warm-up worker waits while a page runs
        _run(db, nav, notice)
    if q.served_stale():
        notice.info("数据库正在被写入，部分内容显示的是上一次读取的结果；导入完成后刷新即可看到新数据。",
                    icon=":material/hourglass_top:")


def _run(db: Path, nav, notice) -> None:
    try:
        ui.apply_goto_state()
        qs = q.connect(db)
        f = url_state.sidebar(qs)
        st.session_state["_filters"] = f
        ui.apply_goto_params()
        st.sidebar.caption(f"数据库：{md.escape(db)}")
        samples = qs.sample_count(f)
        if samples:
            notice.warning(f"当前显示的数据包含 {samples:,} 份合成样例填报（演示用，不是真实数据）。"
                           "可用于了解功能，请勿据此得出结论。", icon=":material/science:")
        nav.run()
        # drawn: the other pages' first-visit queries for these filters are run in the background meanwhile
        # (when asked for: dashboard/warmup.py says why it is off by default)
        if warmup.enabled():
            warmup.after_page(db, f, nav.url_path or None)  # the default page answers at "/" (no path)
    except dbm.DatabaseBusy:
        st.warning(BUSY_MESSAGE, icon=":material/hourglass_top:")
        st.button("重试", icon=":material/refresh:")
    except duckdb.CatalogException:
        st.error(f"数据库 {db} 中没有看板所需的表。请先用 `jixiao ingest 文件或文件夹 --db {db}` 导入填报。")
    except Exception:  # noqa: BLE001 - the user sees a Chinese message, the log gets the traceback
        log.exception("dashboard page failed")
        st.error("页面出错了，错误已记录到服务器日志。请调整筛选条件或刷新页面；如果反复出现，请联系管理员。")
    finally:
        for text in url_state.take_notices():
            notice.warning(md.escape(text), icon=":material/link_off:")  # holds values from the address


if __name__ == "__main__":
    main()
