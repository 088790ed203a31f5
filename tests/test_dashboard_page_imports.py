"""What a page run imports (issue 20): a page pays for the libraries it uses, not for those of a button it
only draws. The PDF report's modules (reportlab) are imported when the report is asked for, not when 总览
draws the button for a chosen county; the file readers (pdfplumber, bs4, python-docx …) when a file is read,
not when 填报详情 or 数据导入 import the package for the accepted formats' names. Each was 0.5-0.8 s of the
first such page run in a server process. Checked in a fresh interpreter: this one has imported them all.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, os, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from pathlib import Path
import duckdb
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest
from dashboard_db import build_dashboard_db

db = Path(sys.argv[3])
build_dashboard_db(db)
con = duckdb.connect(str(db), read_only=True)
province, county = con.execute("SELECT province, county FROM filings WHERE county IS NOT NULL LIMIT 1").fetchone()
con.close()
os.environ["JIXIAO_DB"] = str(db)
st_config.set_option("server.address", "127.0.0.1")
heavy = ("etl.printout", "reportlab", "pdfplumber", "pdfminer", "bs4", "docx", "xlrd")
seen = {}
for page, params in (("overview", {"province": province, "county": county}), ("detail", {}), ("upload", {})):
    at = AppTest.from_file(os.path.join(sys.argv[1], "dashboard", "app.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    buttons = [b.label for b in at.button]
    seen[page] = {"imported": sorted(m for m in heavy if m in sys.modules), "buttons": buttons}
print(json.dumps(seen, ensure_ascii=False))
"""


def test_pages_do_not_import_what_they_only_offer(tmp_path):
    res = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), str(ROOT / "tests"), str(tmp_path / "d.duckdb")],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "STREAMLIT_LOGGER_LEVEL": "error"})
    assert res.returncode == 0, res.stderr[-3000:]
    seen = json.loads(res.stdout.strip().splitlines()[-1])
    # the county's report button is drawn (the user sees it), its modules are not loaded until it is clicked
    assert any(label.startswith("生成") and "报告" in label for label in seen["overview"]["buttons"]), seen
    assert seen["overview"]["imported"] == [], seen
    assert seen["detail"]["imported"] == [], seen
    assert seen["upload"]["imported"] == [], seen


def test_reading_a_file_still_imports_its_reader():
    from etl.read import read_bytes

    doc = read_bytes("项目名称\t测试项目\n".encode("utf-8"), "a.txt")
    assert doc.rows
