import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import queries as q
from dashboard import ui, upload_runner, warmup
from dashboard.db import DatabaseBusy
from dashboard.labels import INGEST_STATUS
from etl.read import ACCEPTED_NAMES, refusal

MAX_MB = 50

db = ui.db()
st.title("数据导入")
st.write(f"上传填报文件（{ACCEPTED_NAMES}），每个文件不超过 {MAX_MB} MB，可一次选择多个。"
         "同样内容的文件重复上传会被识别为重复并跳过；同名文件换了内容（更正后重新提交）会替换旧版本，"
         "旧版本留作历史（见填报详情页）；同样内容换了文件名则只更新文件名。")
# the drop zone's own line, in Chinese: our constant text only (the formats are the one list jixiao ingest reads)
st.html("<style>[data-testid=\"stFileUploaderDropzoneInstructions\"] > div > :last-child::after "
        f"{{ content: \"每个文件不超过 {MAX_MB} MB · {ACCEPTED_NAMES}\"; }}</style>")
st.caption("预算管理系统导出的长表（每行一个指标，XLSX/XLS/CSV）会按“系统导出”精确导入：有问题的行会逐行列出"
           "（工作表、行、列），整个文件不导入；其他文件按“公开文件”解析。")
st.caption(f"导入到：{db}")

lake = q.connect(db).attached_lake() if Path(db).exists() else None
if lake is not None:  # the file holds views over a Parquet lake: there is no table to write into
    st.warning("当前数据库挂接的是数据湖，不能在此上传导入。请在命令行用 "
               "jixiao ingest 文件夹 --engine ray --lake 数据湖目录 --db 当前数据库 导入。")
    st.text(f"数据湖目录：{lake}")  # a path is data: plain text, never Markdown
    files = None
else:
    # No type list here: the chooser would refuse other files with its own English message. Every file is
    # checked below against the list `jixiao ingest` reads (etl.read.refusal), with the same message.
    files = st.file_uploader("选择文件", accept_multiple_files=True, key="up_files",
                             help=f"每个文件不超过 {MAX_MB} MB；可导入 {ACCEPTED_NAMES}")

if files and st.button("开始导入", type="primary", icon=":material/upload:"):
    too_big = [u.name for u in files if u.size > MAX_MB * 1024 * 1024]
    refused = [(u.name, refusal(u.name)) for u in files if refusal(u.name)]
    ok_files = [u for u in files if u.size <= MAX_MB * 1024 * 1024 and not refusal(u.name)]
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
        q.close_session()  # this process must hold no read connection while the child writes
        with st.spinner(f"正在导入 {len(paths)} 个文件（在独立进程中进行，内存上限 {upload_runner.MEMORY_MB} MB）…"), \
                warmup.held():  # no warm-up query holds a read connection meanwhile
            results = upload_runner.ingest_uploads(paths, Path(db)) if paths else []
        # a refused format is a failed file, with the message `jixiao ingest` logs for it ("name: why")
        results += [upload_runner.UploadResult(name, "failed", 0, f"{Path(name).name}: {why}", "") for name, why in refused]
        st.session_state.update(upload_runner.session_results(results))
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
    # a file's reasons line by line (a rejected export names each sheet, row and column): plain text, never Markdown
    for k, r in enumerate(st.session_state["up_last"]):
        if r["error"]:
            lines = str(r["error"]).splitlines()
            with st.expander(f"{r['status']}：第 {k + 1} 个文件的说明（{len(lines)} 行）", expanded=len(lines) <= 30):
                st.text(r["source_file"])
                st.text("\n".join(lines))
    new = q.connect(db).filings_from_sources(st.session_state.get("up_shas", ()))
    if not new.empty:
        st.markdown("**新导入的填报**（勾选一行即可打开）")
        ui.table(new, key="up_new", name="新导入的填报")

st.subheader("导入历史")
if not Path(db).exists():
    st.info("还没有数据库文件，导入第一个文件后会自动创建。")
else:
    try:
        log = q.connect(db).ingest_log()
    except DatabaseBusy:
        st.warning("数据库正被写入，稍后刷新可查看导入历史。")
        log = None
    if log is not None:
        if log.empty:
            st.info("还没有导入记录。")
        else:
            log = log.assign(status=log["status"].map(lambda s: INGEST_STATUS.get(s, s)))
            ui.table(log, key="up_log", name="导入历史", openable=False)
