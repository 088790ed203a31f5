import streamlit as st

from dashboard import ui

db = ui.db()
st.title("预算绩效看板")
st.info("还没有数据库文件，请先导入填报。", icon=":material/info:")
st.markdown("在终端中运行下面的命令，把填报文件（或整个文件夹）导入数据库，然后刷新本页：")
st.code(f"jixiao ingest 文件或文件夹 --db {db}", language="bash")
st.markdown("也可以在左侧的 **数据导入** 页面直接上传文件。支持 TXT、DOCX、XLSX、XLS、PDF、HTML。")
