"""Start the dashboard: `python -m dashboard.serve [Streamlit options] [-- --db FILE]`.

The same as `streamlit run dashboard/app.py ...` (from any folder: the settings in
dashboard/.streamlit/config.toml sit next to the app), with the upload endpoint
refusing files for connections that have not signed in from the server's first
request on, not from the first page run (dashboard/access.py).
"""
from __future__ import annotations

import sys
from pathlib import Path

from dashboard.access import guard_uploads

APP = Path(__file__).resolve().parent / "app.py"


def main() -> None:
    from streamlit.web import cli

    guard_uploads()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
