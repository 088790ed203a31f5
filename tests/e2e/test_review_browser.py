"""End to end in headless Chromium: a person corrects a reading and the correction sticks.

A made-up self-evaluation table (tests/test_review.py) is ingested; in the dashboard the reviewer opens the
review queue, corrects a target value and a score of the filing (its reading taken as wrong), and sees the
filing's findings and the overview's figures change. The same file is then read again (`jixiao ingest
--reread`, as after a parser upgrade): the correction is still applied. Then the file changes on disk and is
ingested again: the correction is flagged as made for other bytes, not applied to the new version.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard import local_server  # noqa: E402
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _need_browser, metric_value, server_errors, shot, wait_ready  # noqa: E402,I001
from test_review import self_eval_text  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
REVIEWER = "浏览器测试员"


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _need_browser()
    folder = tmp_path_factory.mktemp("files")
    (folder / "道路养护.txt").write_text(self_eval_text(), encoding="utf-8")
    db = tmp_path_factory.mktemp("db") / "review.duckdb"
    done = jixiao("ingest", str(folder), "--db", str(db), "--quiet")
    assert done.returncode == 0, done.stderr
    try:
        running = local_server.start(db, tmp_path_factory.mktemp("log") / "streamlit.log",
                                     env={"JIXIAO_REVIEWER": REVIEWER})
    except local_server.ServerDidNotStart as e:
        pytest.fail(str(e))
    yield running.url, folder, db
    server_log = running.stop()
    assert not server_errors(server_log), server_log


def pick(page, label: str, option: str) -> None:
    # A pick reruns the page, and the next select box may be drawn anew (its key follows the first pick):
    # a click that lands on the old one opens a list that vanishes. Open it again until the option shows.
    for attempt in range(4):
        page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.wait_for(timeout=10000)
            break
        except Exception:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    choice.click()
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_timeout(500)


def correct(page, row: str, field: str, value: str) -> None:
    """The workspace's 逐项修改: row, field, new value, save; waits for the saved message."""
    pick(page, "位置", row)
    pick(page, "字段", field)
    box = page.get_by_label("改为")
    box.fill(value)
    box.press("Enter")
    page.wait_for_timeout(800)
    page.get_by_role("button", name="保存此项").click()
    page.get_by_text("处更正（").first.wait_for(timeout=60000)
    wait_ready(page, "复核队列")


def findings_csv(page, filing_id: str) -> str:
    """The filing page's findings list, exported as CSV (the grid is drawn on a canvas)."""
    with page.expect_download() as dl:
        page.get_by_role("button", name="导出 CSV").nth(1).click()  # the first is the indicator table's
    target = ARTIFACTS / f"e2e_review_findings_{filing_id}_{int(time.time() * 1000)}.csv"
    ARTIFACTS.mkdir(exist_ok=True)
    dl.value.save_as(target)
    return target.read_bytes().decode("utf-8-sig")


def test_a_correction_changes_findings_and_figures_and_sticks(site):
    from playwright.sync_api import sync_playwright

    url, folder, db = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1400}, accept_downloads=True)
        page.goto(url + "/")
        wait_ready(page, "总览")
        problems_before = int(metric_value(page, "问题数（不含待核实）"))

        # the review queue: the filing is there, waiting; open it
        page.goto(url + "/review")
        wait_ready(page, "复核队列")
        assert metric_value(page, "已复核") == "0"
        grid = page.get_by_test_id("stDataFrame").first
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the row-selection cell of the first row
        page.get_by_text("读取结果（可直接修改）").wait_for(timeout=60000)
        wait_ready(page, "复核队列")
        assert "filing=" in page.url
        filing_id = page.url.split("filing=")[1].split("&")[0]
        shot(page, "e2e_review_01_workspace")

        page.goto(f"{url}/detail?filing={filing_id}")
        wait_ready(page, "填报详情")
        findings_before = findings_csv(page, filing_id)
        assert "无法客观衡量" not in findings_before

        # correct a target value and a score
        page.goto(f"{url}/review?filing={filing_id}")
        wait_ready(page, "复核队列")
        page.get_by_text("逐项修改").wait_for()
        correct(page, "第 1 项 · 养护道路里程", "指标值", "效果明显")
        correct(page, "第 2 项 · 道路优良率", "得分", "12")
        assert page.get_by_text(f"复核人：{REVIEWER}").count() >= 1
        shot(page, "e2e_review_02_corrected")

        # the filing's findings changed, and its page says who corrected what
        page.goto(f"{url}/detail?filing={filing_id}")
        wait_ready(page, "填报详情")
        page.get_by_text("人工更正", exact=True).wait_for()
        assert page.get_by_text(f"复核人：{REVIEWER}").count() == 1
        after = findings_csv(page, filing_id)
        assert "无法客观衡量" in after and "效果明显" in after  # the target is now vague
        assert "只得 12 分" in after  # the score is deducted though the target was met
        shot(page, "e2e_review_03_detail")

        # the overview's figures changed
        page.goto(url + "/")
        wait_ready(page, "总览")
        assert int(metric_value(page, "问题数（不含待核实）")) > problems_before

        # the same file read again (a parser upgrade): the correction is applied again
        again = jixiao("ingest", str(folder), "--db", str(db), "--reread", "--quiet")
        assert again.returncode == 0, again.stderr
        page.goto(f"{url}/review?filing={filing_id}")
        wait_ready(page, "复核队列")
        pick(page, "位置", "第 1 项 · 养护道路里程")
        pick(page, "字段", "指标值")
        assert page.get_by_text("当前读取：效果明显").count() == 1
        page.goto(f"{url}/detail?filing={filing_id}")
        wait_ready(page, "填报详情")
        assert "只得 12 分" in findings_csv(page, filing_id)

        # the file changes on disk and comes in again: the correction is flagged, not put on the new version
        (folder / "道路养护.txt").write_text(self_eval_text(executed=190), encoding="utf-8")
        changed = jixiao("ingest", str(folder), "--db", str(db), "--quiet")
        assert changed.returncode == 0, changed.stderr
        page.goto(url + "/review?state=all")
        wait_ready(page, "复核队列")
        page.get_by_text("已过期的更正", exact=True).wait_for()
        shot(page, "e2e_review_04_stale")
        listed = jixiao("corrections", "list", "--db", str(db)).stdout.splitlines()[1:]
        assert len(listed) == 2 and all(line.endswith("\tsuperseded") for line in listed)
        con = duckdb.connect(str(db), read_only=True)
        newer = con.execute("SELECT filing_id FROM filings WHERE source_file = '道路养护.txt' AND filing_id <> ?",
                            [filing_id]).fetchone()[0]
        con.close()
        page.goto(f"{url}/detail?filing={newer}")
        wait_ready(page, "填报详情")
        page.get_by_text("同名文件的另一版本").wait_for()
        page.goto(f"{url}/review?filing={newer}")
        wait_ready(page, "复核队列")
        pick(page, "位置", "第 1 项 · 养护道路里程")
        pick(page, "字段", "指标值")
        assert page.get_by_text("当前读取：≥120公里").count() == 1  # the new version's own reading
        page.goto("about:blank")  # leave the app before the browser goes
        page.wait_for_timeout(1000)
        browser.close()
