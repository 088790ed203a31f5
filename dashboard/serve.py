"""Start the dashboard: `python -m dashboard.serve [Streamlit options] [-- --db FILE]`.

The same as `streamlit run dashboard/app.py ...` (from any folder: the settings in
dashboard/.streamlit/config.toml sit next to the app), with two differences:
- the upload endpoint refuses files for connections that have not signed in from the server's
  first request on, not from the first page run (dashboard/access.py);
- what every page needs is imported before the server answers. `streamlit run` imports a page's
  modules when the first visitor opens it: pandas, Plotly's figure classes, DuckDB, the rule
  registry and the word segmenter cost seconds on a 2-core machine, all paid by the first page.
  Here they are imported (and Plotly's lazily loaded validators exercised once) in the server's
  own process, and so is what Streamlit itself loads on its first page run (pandas' Styler and
  its templates for the tables, the emoji list and image readers for the page icon, the index of
  module files its bare-mode check walks). The database the server is started on is opened once
  and the first page's queries (the sidebar's lists, 总览 without filters), then every other page's
  first-visit queries without filters, are put in the query cache, keyed by the file's version like
  every cached query, so an ingest after the start is seen at once;
- Streamlit's own scripts are gzipped once here (dashboard/bundles.py), not for every browser, and
  the page names the scripts every page draws with, so they load beside Streamlit's main bundle;
- what was loaded is frozen out of the garbage collector's walks (gc.freeze): Streamlit collects
  after every page run, and walking the loaded libraries' objects cost each run 0.2-0.3 s.
The server answers its health check only after all of this: the first visitor waits only for what
is theirs (their browser parsing Streamlit's scripts, and the page being drawn).
Everything after the module name is passed to `streamlit run dashboard/app.py`.
"""
from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from pathlib import Path

from dashboard import bundles
from dashboard.access import guard_uploads

APP = Path(__file__).resolve().parent / "app.py"
ROOT = APP.parent.parent
log = logging.getLogger("jixiao.dashboard")


def preload() -> None:
    """Import the dashboard's modules and draw one throwaway figure (Plotly validates on first use)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import plotly.graph_objects as go

    from dashboard import access, charts, full_export, quartiles, queries, ui, url_state, warmup  # noqa: F401
    from dashboard import review_panel  # noqa: F401  (填报详情's: the source preview's PDF and image readers)
    from dashboard.labels import rule_titles
    from dashboard.queries import explorer  # noqa: F401

    rule_titles()  # the rule registry (etl.check)
    # Each part a page's figures use is a module Plotly imports on first use (a colour scale imports every named
    # palette, a colour bar, a line's dash, a marker's colour, a shape and its annotation): 50-100 ms of CPU on
    # the first visit of 自评得分 and of 预算执行 (bench/first_visit_bench.py), paid here once instead.
    fig = go.Figure(go.Bar(x=["甲"], y=[1], marker_color="#1f77b4", customdata=[["甲"]]))
    fig.add_scatter(x=[1], y=[1], mode="markers", text=["甲"],
                    marker=dict(size=7, opacity=0.6, color=[1], colorscale="RdYlGn_r", cmin=0, cmax=1,
                                colorbar=dict(title="甲")))
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dash", color="#888"))
    fig.add_trace(go.Heatmap(z=[[1]], text=[["甲"]], texttemplate="%{text}", colorscale=[[0, "#fff"], [1, "#000"]],
                             colorbar=dict(title="甲", tickformat=".0%", tickvals=[0, 1])))
    fig.add_trace(go.Box(x=["甲"], q1=[1], median=[2], q3=[3], lowerfence=[0], upperfence=[4], marker_color="#1f77b4"))
    fig.add_hline(y=1, line_dash="dash", line_color="#d62728", annotation_text="甲")
    charts._layout(fig, "预热")
    charts.count_axis(fig, 10)
    fig.to_json()
    charts.warm_skeletons()
    _warm_streamlit()


def _warm_streamlit() -> None:
    """What Streamlit loads on its first page run, not at import: each cost 0.1-0.6 s there (cProfile of a run)."""
    import pandas as pd
    import PIL.Image
    from streamlit import env_util, string_util
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.Arrow_pb2 import Arrow
    from streamlit.web import cli  # noqa: F401  (and the server's modules: imported before the module index below)
    from streamlit.web.server import server  # noqa: F401

    from dashboard import export, ui

    # jinja2 and its templates (the scorecard's and a filing's indicators' colours are a Styler's)
    marshall_styler(Arrow(), ui.formatted(pd.DataFrame({"甲": [1.5], "乙": ["丙"]}))[0].style, "warm")
    # the export buttons of the first page's table (its CSV with a byte-order mark, its workbook) and the icons'
    # names every button is checked against: 20-30 ms of the first page, imported on first use
    out, kinds = ui.export_frame(pd.DataFrame({"filing_id": ["甲"], "year": [2024]}))
    export.to_csv_bytes(out, kinds), export.to_xlsx_bytes(out, kinds=kinds)
    import streamlit.material_icon_names  # noqa: F401
    import streamlit.runtime.scriptrunner.magic_funcs  # noqa: F401
    pd.DataFrame({"a": ["甲"], "b": [1], "c": [1.0]}).pivot_table(index="a", columns="b", values="c", aggfunc="first")
    string_util.is_emoji("预")  # the page icon is checked against the emoji list
    PIL.Image.preinit()  # the page icon's format is read by PIL
    # The first element a process sends asks whether it runs in a REPL (inspect.stack(), which indexes every
    # loaded module's file once): indexed here, the page run finds the index built.
    env_util.is_repl()


def warm_queries(db: Path, every_page: bool = True) -> None:
    """Open the database once and cache the first page's queries (the sidebar's lists, 总览 without filters),
    then every other page's first-visit queries without filters (`every_page`).

    The cache is the page runs' own (st.cache_data, keyed by the file's version): a write after this is
    read by the next page run as always. A missing or unreadable file is left to the page to report.
    The other pages' queries are the ones dashboard/warmup.py runs after a page is drawn (off by default there:
    a background read holds the file against an ingest for as long as the dashboard is open); here they run once,
    before the server answers, while this process holds the file anyway: 0.15-0.35 s of DuckDB a page at 100k
    filings that each page's first visit would otherwise pay (bench/first_visit_bench.py), 2-3 s added to the start.
    """
    from dashboard import queries
    from dashboard.filtering import ALL
    from dashboard.queries import review_queue

    if not db.exists():
        return
    try:
        qs = queries.connect(db)  # which storage the file holds, decided once per version
        qs.place_options(), qs.year_options(), qs.department_options(ALL), qs.kind_options(), qs.source_options()
        qs.sample_count(ALL), qs.overview_counts(ALL), qs.source_counts(ALL)
        review_queue.unverified_counts(qs, ALL), qs.findings_by_family_severity(ALL), qs.worst_filings(ALL, limit=20)
    except Exception:  # noqa: BLE001 - e.g. an old file, or a writer holding it: the page says what is wrong
        log.warning("dashboard: first page's queries not cached at start", exc_info=True)
        return
    if every_page:
        from dashboard import warmup

        try:
            warmup.warm(db, ALL, skip="overview")
        except Exception:  # noqa: BLE001 - each page reports its own failure when visited
            log.warning("dashboard: other pages' queries not cached at start", exc_info=True)


def _warm_words() -> None:
    """The word segmenter's dictionary (偏差原因 page), in the background: it is not needed for the first page."""
    try:
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
    except Exception:  # a failure here only means the page pays for it later
        pass


def main() -> None:
    t = time.perf_counter()
    guard_uploads()
    # zlib lets go of the GIL while it compresses: the scripts are gzipped on the other core meanwhile
    gz = threading.Thread(target=bundles.compress_all, daemon=True)
    gz.start()
    preload()
    from dashboard import db as dbm

    # the segmenter's dictionary loads (Python, holding the GIL) while DuckDB answers the pages' queries (not holding it)
    threading.Thread(target=_warm_words, daemon=True).start()
    warm_queries(dbm.resolve_db_path(_script_args(sys.argv[1:])))
    gz.join()
    bundles.prepare_index()
    bundles.install()
    # Streamlit runs a full collection after every page run (runner.postScriptGC): over the ~150k objects
    # imported above that took 0.17-0.3 s a run at load 6-8, holding the GIL while the page's last messages
    # waited to be sent. They live as long as the server: frozen, each collection walks only what runs made.
    gc.collect()
    gc.freeze()
    print(f"看板已预加载（{time.perf_counter() - t:.1f} 秒），正在启动服务……", flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main(prog_name="streamlit"))


def _script_args(argv: list[str]) -> list[str]:
    """The app's own arguments: those after `--` (the rest are Streamlit's options)."""
    return argv[argv.index("--") + 1:] if "--" in argv else []


if __name__ == "__main__":
    main()
