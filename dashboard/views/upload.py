import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard import queries as q
from dashboard.db import DatabaseBusy
from dashboard.labels import INGEST_STATUS

MAX_MB = 50
TYPES = ["txt", "docx", "xlsx", "xls", "pdf", "html", "htm"]

db = ui.db()
st.title("数据导入")
st.write(f"上传填报文件（{', '.join(t.upper() for t in TYPES)}），每个文件不超过 {MAX_MB} MB，可一次选择多个。"
         "同样内容的文件重复上传会被识别为重复并跳过。")
st.caption(f"导入到：{db}")

files = st.file_uploader("选择文件", type=TYPES, accept_multiple_files=True, key="up_files",
                         help=f"每个文件不超过 {MAX_MB} MB")

if files and st.button("开始导入", type="primary", icon=":material/upload:"):
    try:
        from etl.pipeline import ingest_paths
    except ImportError:
        st.error("导入功能暂不可用：本版本还没有导入模块。请在终端使用 jixiao ingest，或等待更新。")
        st.stop()
    too_big = [u.name for u in files if u.size > MAX_MB * 1024 * 1024]
    ok_files = [u for u in files if u.size <= MAX_MB * 1024 * 1024]
    for name in too_big:
        st.error(f"文件超过 {MAX_MB} MB，未导入：")
        st.text(name)
    tmp = Path(tempfile.mkdtemp(prefix="jixiao_upload_"))
    try:
        paths = []
        for i, u in enumerate(ok_files):
            # A sub-folder per file keeps the uploaded name (ingest_log shows it) and avoids clashes.
            target = tmp / str(i) / Path(u.name).name
            target.parent.mkdir(parents=True)
            target.write_bytes(u.getbuffer())
            paths.append(target)
        bar = st.progress(0.0, text="正在导入…")

        def progress(done, total=None, *rest):
            try:
                frac = float(done) / float(total) if total else float(done)
            except (TypeError, ValueError):
                return
            bar.progress(min(max(frac, 0.0), 1.0), text=f"正在导入… {int(done)}/{int(total)}" if total else "正在导入…")

        q.close_session()  # this process must hold no read connection while it writes
        try:
            summary = ingest_paths(paths, Path(db), progress=progress)
        except DatabaseBusy:
            st.error("数据库正被其他程序写入，暂时不能导入，请稍后再试。")
            st.stop()
        except Exception as exc:  # show the pipeline's message, not a traceback
            if "lock" in str(exc).lower():
                st.error("数据库正被其他程序使用（例如终端里正在运行 jixiao ingest），请稍后再试。")
            else:
                st.error("导入失败：")
                st.text(str(exc))
            st.stop()
        bar.progress(1.0, text="导入完成")
        st.session_state["up_last"] = [
            {"source_file": getattr(r, "source_file", ""), "status": INGEST_STATUS.get(r.status, r.status),
             "filings": r.filings if isinstance(r.filings, int) else len(r.filings or []),
             "error": getattr(r, "error", None)}
            for r in summary.results
        ]
        st.session_state["up_summary"] = (summary.loaded, summary.duplicate, summary.failed)
        st.session_state["up_shas"] = tuple(r.sha256 for r in summary.results
                                            if r.status == "loaded" and getattr(r, "sha256", None))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if "up_summary" in st.session_state:
    loaded, duplicate, failed = st.session_state["up_summary"]
    st.subheader("本次导入结果")
    cols = st.columns(3)
    cols[0].metric("已导入", loaded)
    cols[1].metric("重复跳过", duplicate)
    cols[2].metric("失败", failed)
    ui.table(pd.DataFrame(st.session_state["up_last"]), key="up_result", name="本次导入结果", openable=False)
    new = q.filings_from_sources(db, st.session_state.get("up_shas", ()))
    if not new.empty:
        st.markdown("**新导入的填报**（勾选一行即可打开）")
        ui.table(new, key="up_new", name="新导入的填报")

st.subheader("导入历史")
if not Path(db).exists():
    st.info("还没有数据库文件，导入第一个文件后会自动创建。")
else:
    try:
        log = q.ingest_log(db)
    except DatabaseBusy:
        st.warning("数据库正被写入，稍后刷新可查看导入历史。")
        log = None
    if log is not None:
        if log.empty:
            st.info("还没有导入记录。")
        else:
            log = log.assign(status=log["status"].map(lambda s: INGEST_STATUS.get(s, s)))
            ui.table(log, key="up_log", name="导入历史", openable=False)
