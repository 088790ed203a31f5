"""Start the dashboard: `python -m dashboard.serve [Streamlit options] [-- --db FILE]`.

The same as `streamlit run dashboard/app.py ...` (from any folder: the settings in
dashboard/.streamlit/config.toml sit next to the app), with two differences:
- the upload endpoint refuses files for connections that have not signed in from the server's
  first request on, not from the first page run (dashboard/access.py);
- what every page needs is imported before the server answers. `streamlit run` imports a page's
  modules when the first visitor opens it: pandas, Plotly's figure classes, DuckDB, the rule
  registry and the word segmenter cost seconds on a 2-core machine, all paid by the first page.
  Here they are imported (and Plotly's lazily loaded validators exercised once) in the server's
  own process, so the first visitor waits only for their own queries.
Everything after the module name is passed to `streamlit run dashboard/app.py`.
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

from dashboard.access import guard_uploads

APP = Path(__file__).resolve().parent / "app.py"
ROOT = APP.parent.parent


def preload() -> None:
    """Import the dashboard's modules and draw one throwaway figure (Plotly validates on first use)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import plotly.graph_objects as go

    from dashboard import access, charts, queries, ui, url_state  # noqa: F401
    from dashboard.labels import rule_titles
    from dashboard.queries import explorer  # noqa: F401

    rule_titles()  # the rule registry (etl.check)
    fig = go.Figure(go.Bar(x=["甲"], y=[1]))
    fig.add_scatter(x=[1], y=[1], mode="markers")
    fig.add_trace(go.Heatmap(z=[[1]]))
    fig.add_trace(go.Box(x=["甲"], q1=[1], median=[2], q3=[3], lowerfence=[0], upperfence=[4]))
    charts._layout(fig, "预热")
    fig.to_json()


def _warm_words() -> None:
    """The word segmenter's dictionary (偏差原因 page), in the background: it is not needed for the first page."""
    try:
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
    except Exception:  # a failure here only means the page pays for it later
        pass


def main() -> None:
    guard_uploads()
    preload()
    threading.Thread(target=_warm_words, daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main(prog_name="streamlit"))


if __name__ == "__main__":
    main()
