"""End to end in a real headless Chromium: `streamlit run` on a free port against a test database.

Uses Debian's /usr/bin/chromium (scripts/install-browser.sh) through Playwright.
Outside CI a missing browser skips these tests; in CI (env CI set) it fails them.
Screenshots go to test-artifacts/; with JIXIAO_SCREENSHOTS_DIR set, the
per-page screenshots are also written there (docs/screenshots is made that way).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard_db import build_dashboard_db  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("JIXIAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = [("", "总览"), ("scores", "自评得分"), ("execution", "预算执行"), ("reasons", "偏差原因"),
         ("explore", "筛选查询"), ("compare", "对比分析"), ("quality", "指标质量"), ("detail?filing=F006", "填报详情"),
         ("review", "复核队列"), ("review?filing=F006", "复核队列"), ("upload", "数据导入")]
# English a user must never see (Streamlit's defaults and missing values)
ENGLISH = [r"\bDeploy\b", r"Choose options?", r"Drag and drop", r"Browse files", r"Page not found", r"\bNone\b",
           r"Running\.\.\.", r"Choose an option"]
# Every page with a filter matching nothing, one county, and all data; plus bad address values and a 404
WALK = [(f"{p}{'&' if '?' in p else '?'}{q}" if q else p, h) for p, h in PAGES
        for q in ("", "county=%E6%94%B8%E5%8E%BF", "county=%E6%94%B8%E5%8E%BF&kind=project_target")] + [
    ("execution?threshold=150", "预算执行"), ("reasons?year=%C2%B2", "偏差原因"), ("?year=%E2%91%A0", "总览"),
    ("overview", "总览"), ("no-such-page", "页面不存在")]


def _need_browser():
    if not Path(CHROMIUM).exists():
        msg = f"Chromium not found at {CHROMIUM}: run scripts/install-browser.sh"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    try:
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed (uv sync --extra test)")
        pytest.skip("playwright is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_browser()
    db = tmp_path_factory.mktemp("e2e") / "jixiao.duckdb"
    corpus = build_dashboard_db(db)
    port = _free_port()
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--", "--db", str(db)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            log.seek(0)
            pytest.fail("streamlit did not start:\n" + log.read())
        time.sleep(0.3)
    yield url, corpus
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.seek(0)
    server_log = log.read()
    log.close()
    assert "Traceback" not in server_log, server_log


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def wait_ready(page, heading: str, timeout: int = 60000) -> None:
    page.get_by_role("heading", name=heading, level=1).wait_for(timeout=timeout)
    # Streamlit shows a status widget while the script runs; wait until it is gone.
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(800)  # let Plotly finish drawing


def metric_value(page, label: str) -> str:
    m = page.locator('[data-testid="stMetric"]', has_text=label).first
    return m.locator('[data-testid="stMetricValue"]').inner_text().strip()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    extra = os.environ.get("JIXIAO_SCREENSHOTS_DIR")
    if extra and name.startswith("page_"):
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / f"{name[5:]}.png")
    return path


def test_overview_filter_drill_down_and_export(server, browser):
    url, corpus = server
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    page.goto(url + "/")
    wait_ready(page, "总览")
    assert metric_value(page, "填报数") == "48"
    page.locator(".js-plotly-plot").first.wait_for(timeout=30000)
    assert page.get_by_text("合成样例填报").count() >= 1  # the sample banner
    shot(page, "e2e_01_overview")

    # Change a filter in the sidebar: the numbers and the URL follow.
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="省份").click()
    page.get_by_role("option", name="湖南省", exact=True).click()
    hunan = sum(f["province"] == "湖南省" for f in corpus.filings)
    page.wait_for_function(
        """([n]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
               .some(m => m.innerText.includes('填报数') && m.innerText.includes(n))""", arg=[str(hunan)])
    wait_ready(page, "总览")
    assert metric_value(page, "填报数") == str(hunan)
    assert "province=" + urllib.parse.quote("湖南省") in page.url
    assert page.get_by_text("合成样例填报").count() == 0
    shot(page, "e2e_02_filtered")

    # The URL is shareable: a fresh page opened on it shows the same filtered view.
    other = browser.new_page(viewport={"width": 1400, "height": 900})
    other.goto(page.url)
    wait_ready(other, "总览")
    assert metric_value(other, "填报数") == str(hunan)
    other.close()

    # Drill down: select the first row of the worst-filings list to open that filing.
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # row-selection cell of the first data row
    wait_ready(page, "填报详情")
    assert "filing=" in page.url
    filing_id = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["filing"][0]
    assert corpus.filing(filing_id)["province"] == "湖南省"
    page.get_by_text("绩效指标", exact=True).wait_for()
    shot(page, "e2e_03_detail")

    # Export the filing's indicator table as CSV (UTF-8 with BOM).
    with page.expect_download() as dl:
        page.get_by_role("button", name="导出 CSV").first.click()
    target = ARTIFACTS / f"e2e_export_{filing_id}.csv"
    dl.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "三级指标" in text.splitlines()[0]
    names = [i["name"] for i in corpus.indicators if i["filing_id"] == filing_id]
    assert all(n in text for n in names)

    # And on to this filing's own problem list.
    page.get_by_role("button", name="本填报的问题清单").click()
    wait_ready(page, "指标质量")
    assert "filing=" + filing_id in page.url
    page.close()


def test_every_page_renders_with_charts(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path, heading in PAGES:
        page.goto(f"{url}/{path}")
        wait_ready(page, heading)
        assert page.get_by_test_id("stException").count() == 0, path
        if heading not in ("填报详情", "数据导入", "筛选查询", "复核队列"):  # pages without charts
            page.locator(".js-plotly-plot").first.wait_for(timeout=30000)
            page.wait_for_timeout(1500)  # every chart of the page, not only the first
            # Chinese axis and title text is drawn by Plotly as SVG text.
            assert (page.locator(".js-plotly-plot .gtitle").first.text_content() or "").strip()
        name = (path.split("?")[0] or "overview")
        shot(page, f"page_{name}")
    assert not errors, errors
    page.close()


def test_every_page_speaks_chinese_and_stays_on_this_machine(server, browser):
    """Each page, empty / one-county / full, plus bad address values and an unknown page:
    no English UI text, no traceback, and no request to any host but the local server."""
    import re

    url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 1600})
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urllib.parse.urlparse(r.url).hostname or r.url.split(":")[0]))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    found: list[tuple[str, str]] = []
    for path, heading in WALK:
        page.goto(f"{url}/{path}")
        wait_ready(page, heading)
        text = page.evaluate("() => document.body.innerText")
        assert page.get_by_test_id("stException").count() == 0, path
        assert "Traceback" not in text and "File \"/" not in text, path
        for pattern in ENGLISH:
            if re.search(pattern, text):
                found.append((path, pattern))
    shot(page, "e2e_walk_last")
    assert not found, found
    assert hosts <= {"127.0.0.1", "localhost", "data", "blob"}, hosts
    assert not errors, errors
    page.close()


def test_printing_hides_the_sidebar(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{url}/compare")
    wait_ready(page, "对比分析")
    assert page.get_by_test_id("stSidebar").is_visible()
    from playwright.sync_api import expect  # imported where used: the module skips without playwright

    page.emulate_media(media="print")
    # waits (up to 10 s) for it: a rerun that writes the address can re-render the page in between
    expect(page.get_by_test_id("stSidebar")).to_be_hidden(timeout=10_000)
    pdf = page.pdf(format="A4")  # Chromium's own print: the page as an overseer would print it
    assert pdf.startswith(b"%PDF")
    page.close()
