"""End to end in a real headless Chromium: `streamlit run` on a free port against a test database.

Uses Debian's /usr/bin/chromium (scripts/install-browser.sh) through Playwright.
Outside CI a missing browser skips these tests; in CI (env CI set) it fails them.
Screenshots go to test-artifacts/; with JIXIAO_SCREENSHOTS_DIR set, the
per-page screenshots are also written there (docs/screenshots is made that way).
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard import local_server  # noqa: E402
from dashboard_db import build_dashboard_db  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("JIXIAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = [("", "总览"), ("scorecard", "县区评分卡"), ("scores", "自评得分"), ("execution", "预算执行"), ("reasons", "偏差原因"),
         ("explore", "筛选查询"), ("compare", "对比分析"), ("quality", "指标质量"), ("detail?filing=F006", "填报详情"),
         ("review", "复核队列"), ("review?filing=F006", "复核队列"), ("upload", "数据导入")]
# English a user must never see: Streamlit's defaults, its data grid's toolbar and menus, Plotly's mode bar,
# the uploader, library error texts, SI axis labels, raw codes of evidence and missing values
ENGLISH = [r"\bDeploy\b", r"Choose options?", r"Drag and drop", r"Browse files", r"Page not found", r"\bNone\b",
           r"Running\.\.\.", r"Choose an option", r"Download as CSV", r"Show/hide columns", r"Select all",
           r"\(index\)", r"Type to search", r"\bFullscreen\b", r"\bSearch\b", r"Download plot", r"Zoom in",
           r"Zoom out", r"Reset axes", r"Autoscale", r"Box Select", r"Lasso Select", r"Showing page \d+ of",
           r"files are not allowed", r"PSEOF", r"Unexpected EOF", r"^-?\d+(\.\d+)?[kMG]$", r"(?<![\w.])-0\.0\b",
           r"\b(doc_kind|parse_status)=", r"偏差原因=None", r"\bSort (ascending|descending)\b",
           r"\b(Pin|Hide) column\b", r"\bAutosize\b"]
# what a page says outside its text: tooltips, labels, placeholders, Plotly's axis ticks and mode bar titles
PAGE_TEXT_JS = """() => {
  const out = [document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[data-title]'))
    for (const a of ['aria-label', 'title', 'placeholder', 'data-title']) {
      const v = el.getAttribute(a);
      if (v && v !== 'st.iframe') out.push(v);
    }
  for (const t of document.querySelectorAll('.js-plotly-plot text')) out.push(t.textContent);
  return out.join('\\n');
}"""
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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_browser()
    db = tmp_path_factory.mktemp("e2e") / "jixiao.duckdb"
    corpus = build_dashboard_db(db)
    try:
        running = local_server.start(db, tmp_path_factory.mktemp("log") / "streamlit.log")
    except local_server.ServerDidNotStart as e:
        pytest.fail(str(e))
    yield running.url, corpus
    server_log = running.stop()
    assert not server_errors(server_log), server_log


def server_errors(server_log: str) -> list[str]:
    """The tracebacks of a server's log, less a page closed while the server was still writing to its
    websocket (tornado's WebSocketClosedError / StreamClosedError): no error of ours."""
    return [t for t in server_log.split("Traceback")[1:]
            if "WebSocketClosedError" not in t and "StreamClosedError" not in t]


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
    # the widgets' Chinese (chinese.js) is loaded by a frame after the page: a page is ready once it runs
    page.wait_for_function("() => document.documentElement.classList.contains('jixiao-zh')", timeout=timeout)
    page.wait_for_timeout(800)  # let Plotly finish drawing


def reveal(page) -> None:
    """Hover what shows text only on hover: a data grid's toolbar buttons and a chart's mode bar."""
    grid = page.get_by_test_id("stDataFrame").first
    if grid.count():
        grid.hover()
        buttons = page.get_by_test_id("stElementToolbarButton")
        for i in range(buttons.count()):
            try:
                buttons.nth(i).hover(timeout=2000)
                page.wait_for_timeout(150)
            except Exception:  # a toolbar that went away with the hover: nothing more to read
                break
    plot = page.locator(".js-plotly-plot").first
    if plot.count():
        plot.hover()
        page.wait_for_timeout(200)


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


@pytest.mark.slow
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
    # the banner of the run before goes once the page's run ends (under load a moment after the metric changed)
    page.get_by_text("合成样例填报").wait_for(state="detached", timeout=30000)
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


@pytest.mark.slow
def test_every_page_renders_with_charts(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path, heading in PAGES:
        page.goto(f"{url}/{path}")
        wait_ready(page, heading)
        assert page.get_by_test_id("stException").count() == 0, path
        if heading not in ("填报详情", "数据导入", "筛选查询", "县区评分卡", "复核队列"):  # pages without charts
            page.locator(".js-plotly-plot").first.wait_for(timeout=30000)
            page.wait_for_timeout(1500)  # every chart of the page, not only the first
            # Chinese axis and title text is drawn by Plotly as SVG text.
            assert (page.locator(".js-plotly-plot .gtitle").first.text_content() or "").strip()
        name = (path.split("?")[0] or "overview")
        shot(page, f"page_{name}")
    assert not errors, errors
    page.close()


@pytest.mark.slow
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
        reveal(page)
        text = page.evaluate(PAGE_TEXT_JS)
        assert page.get_by_test_id("stException").count() == 0, path
        assert "Traceback" not in text and "File \"/" not in text, path
        for pattern in ENGLISH:
            if re.search(pattern, text, re.M):
                found.append((path, pattern, re.search(pattern, text, re.M).group(0)))
    shot(page, "e2e_walk_last")
    assert not found, found
    assert hosts <= {"127.0.0.1", "localhost", "data", "blob"}, hosts
    assert not errors, errors
    page.close()


@pytest.mark.slow
def test_grid_toolbar_waits_for_its_chinese(server, browser):
    """The translator (chinese.js) loads in a frame after the page: until it has run, a data grid's toolbar,
    whose buttons say "Download as CSV" and "Search", is not shown, so no user sees its English."""
    url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 1600})
    page.goto(f"{url}/explore")
    wait_ready(page, "筛选查询")
    page.evaluate("() => document.documentElement.classList.remove('jixiao-zh')")  # as before it has run
    grid = page.get_by_test_id("stDataFrame").first
    grid.hover()
    toolbar = page.get_by_test_id("stElementToolbar").first
    toolbar.wait_for(state="attached", timeout=10_000)
    hidden = "el => getComputedStyle(el).visibility"
    assert toolbar.evaluate(hidden) == "hidden"
    page.evaluate("() => document.documentElement.classList.add('jixiao-zh')")
    grid.hover()
    assert toolbar.evaluate(hidden) == "visible"
    page.close()


@pytest.mark.slow
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


def _download(page, button_name: str, target: Path):
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name=re.compile(button_name)).first.click()
    dl.value.save_as(target)
    return dl.value.suggested_filename, target.read_bytes()


@pytest.mark.slow
def test_problem_count_equals_the_findings_list_on_every_filing(server, browser):
    """The explorer's 问题数 of every filing (its full export) against the findings list (its full export):
    one definition, copy and soft-target findings included. One click downloads each; the file names
    say what they hold and the date."""
    import csv
    import io
    from collections import Counter
    from datetime import date

    url, corpus = server
    page = browser.new_page(viewport={"width": 1440, "height": 1400}, accept_downloads=True)
    page.goto(f"{url}/explore")
    wait_ready(page, "筛选查询")
    name, data = _download(page, r"导出全部 .*（CSV）", ARTIFACTS / "e2e_all_filings.csv")
    assert name.startswith("筛选结果") and date.today().isoformat() in name
    filings = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(filings) == len(corpus.filings)
    page.goto(f"{url}/quality")
    wait_ready(page, "指标质量")
    name, data = _download(page, r"导出全部 .*（CSV）", ARTIFACTS / "e2e_all_findings.csv")
    assert name.startswith("问题清单")
    per_filing = Counter(r["填报编号"] for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    for f in filings:
        assert int(f["问题数"]) == per_filing.get(f["填报编号"], 0) == corpus.problems(f["填报编号"])[0], f["填报编号"]
    assert sum(per_filing.values()) == len(corpus.findings)
    page.close()


@pytest.mark.slow
def test_export_file_name_names_the_conditions(server, browser):
    from datetime import date

    url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 1400}, accept_downloads=True)
    page.goto(f"{url}/explore?smin=60&emax=100&county=%E6%94%B8%E5%8E%BF")
    wait_ready(page, "筛选查询")
    name, data = _download(page, r"导出全部 .*（Excel）", ARTIFACTS / "e2e_conditions.xlsx")
    assert name.endswith(".xlsx") and "自评得分≥60" in name and "执行率＜100%" in name and "攸县" in name
    assert date.today().isoformat() in name
    assert data.startswith(b"PK")
    page.close()


@pytest.mark.slow
def test_json_is_refused_by_the_upload_page_and_by_ingest_with_the_same_message(server, browser, tmp_path):
    import duckdb

    from etl.pipeline import ingest_paths

    junk = tmp_path / "cells.json"
    junk.write_text('{"cell": "row,", "=": 1}', encoding="utf-8")
    db = tmp_path / "cli.duckdb"
    ingest_paths([junk], db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        (status, cli_error), = con.execute("SELECT status, error FROM ingest_log").fetchall()
        assert con.execute("SELECT count(*) FROM filings").fetchone()[0] == 0
    finally:
        con.close()
    assert status == "failed" and ".json" in cli_error

    url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 1400})
    page.goto(f"{url}/upload")
    wait_ready(page, "数据导入")
    page.locator('[data-testid="stFileUploaderDropzone"] input[type=file]').set_input_files(str(junk))
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("本次导入结果").wait_for(timeout=60_000)
    wait_ready(page, "数据导入")
    text = page.evaluate(PAGE_TEXT_JS)
    assert "files are not allowed" not in text
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for()
    # the result table is a canvas: read its rows through the export it offers
    with page.expect_download() as dl:
        page.get_by_role("button", name="导出 CSV").first.click()
    rows = dl.value.path().read_bytes().decode("utf-8-sig")
    assert cli_error in rows, (cli_error, rows)
    page.close()


@pytest.mark.slow
def test_scorecard_row_opens_the_filtered_list(server, browser):
    url, corpus = server
    page = browser.new_page(viewport={"width": 1440, "height": 1400})
    page.goto(f"{url}/scorecard?province=%E6%B9%96%E5%8D%97%E7%9C%81&sort=unit&desc=0")
    wait_ready(page, "县区评分卡")
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row: 株洲市 攸县 (湖南's counties by name)
    wait_ready(page, "筛选查询")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    county = query["county"][0]
    assert county in {f["county"] for f in corpus.filings if f["province"] == "湖南省"}
    total = page.get_by_role("heading", name=re.compile(r"^共 [\d,]+ 条$")).inner_text()
    assert int(re.sub(r"\D", "", total)) == sum(f["county"] == county for f in corpus.filings)
    page.close()


# How Streamlit's data grid (1.50) draws a NumberColumn: with a step it first cuts the value to the step's
# decimals (Math.trunc with an epsilon), then a preset format goes through Intl.NumberFormat (the browser's
# languages) and a printf format through sprintf-js (toFixed on the magnitude, the sign put back).
GRID_NUMBER_JS = """([fmt, step, json]) => JSON.parse(json).map(x => {
  if (step !== null) {
    const t = String(step).includes('.') ? String(step).split('.')[1].length : 0, n = 10 ** t, r = x * n;
    x = Math.trunc(r + Math.sign(r) * Number.EPSILON * Math.abs(r) * 10) / n;
    if (fmt === 'percent') return new Intl.NumberFormat(navigator.languages,
      {style: 'percent', minimumFractionDigits: Math.max(t - 2, 0), maximumFractionDigits: Math.max(t - 2, 0)}).format(x);
    return new Intl.NumberFormat(navigator.languages, {minimumFractionDigits: t, maximumFractionDigits: t}).format(x);
  }
  const digits = {'%.1f': 1, '%.2f': 2, '%d': 0}[fmt];
  const text = digits ? Math.abs(x).toFixed(digits) : String(Math.trunc(Math.abs(x)));
  return (x < 0 ? '-' : '') + text;
})"""


@pytest.mark.slow
def test_tables_show_numbers_as_the_python_formats_did(browser):
    """Tables hand numbers to the grid with a format per column (no per-cell Styler): the text drawn is the
    text ui._fmt gives (ties rounded to even, never -0.0, thousands grouped for money), on values at ties,
    next to them, tiny negatives and random ones; percentages of 1,000 % and more are grouped (1,500.0%)."""
    import json
    import random

    import pandas as pd

    from dashboard import ui

    rng = random.Random(20)
    values = [87.25, 0.35, -0.04, -0.0004, 0.8725, 0.8735, 0.12351, 1234567.125, 0.125, -1.25, 2.675, 2.679, 0.0,
              -0.0, 1.0, 0.00049, -0.00051, 60.05, 99.95, 95.955, 15.0]
    values += [round(rng.uniform(-2, 200), rng.choice([1, 2, 3, 4])) for _ in range(1500)]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-6, 8) for _ in range(1500)]
    page = browser.new_page(locale="zh-CN")
    try:
        for kind in ("percent", "money", "score", "ratio", "int"):
            col = pd.Series(values, name="v", dtype="float64")
            data, config = ui.formatted(pd.DataFrame({"v": col}), kinds={"v": kind})
            fmt, step = config["v"]["type_config"]["format"], config["v"]["type_config"].get("step")
            drawn = page.evaluate(GRID_NUMBER_JS, [fmt, step, json.dumps(data["v"].tolist())])
            want = [ui._fmt(kind)(v) for v in values]
            if kind == "percent":
                drawn = [d.replace(",", "") if abs(v) >= 10 else d for d, v in zip(drawn, values)]
            bad = [(v, w, d) for v, w, d in zip(values, want, drawn) if w != d]
            assert not bad, (kind, len(bad), bad[:5])
    finally:
        page.close()
