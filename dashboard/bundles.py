"""Streamlit's own scripts and styles, gzipped once when the server starts instead of on every request.

Streamlit serves its front end (20 MB of JavaScript in ~50 files; the first page alone needs the
7 MB main bundle, and Plotly's 4.8 MB chunk once a chart is drawn) through Tornado with
`compress_response`, which gzips each file anew for every browser that fetches it: 0.4-0.6 s of
server CPU for the main bundle alone on a quiet 2-core machine, 1.5-1.9 s while the browser and a
page run compete for the cores. A browser that never opened the dashboard waited for that twice
before its first page was drawn. Here every compressible file is gzipped once at start-up (about
0.8 s of CPU, ~6 MB held) and the same bytes are sent to every browser that accepts gzip; others,
and range requests, get what Streamlit always sent.

`install()` (called by dashboard.serve before the server starts) swaps Streamlit's static-file
handler for the subclass below; `compress_all()` builds the store.

The page itself (index.html) also names the scripts every page of the dashboard draws with
(`FIRST_PAGE_ELEMENTS`): Streamlit fetches an element's script only when the first element of its kind
arrives from the page run, one round after another (the main bundle, then the page run, then Plotly's
4.8 MB and the data grid's chunks, each parsed then), and draws a grey skeleton until then. Named as
`<link rel="modulepreload">` they are fetched and compiled while the main bundle is still being run;
Plotly's is also run then (an `import()` after the main bundle), while the server runs the page.
"""
from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

COMPRESSIBLE = (".js", ".css", ".json", ".svg", ".txt")  # what Tornado's own gzip would compress; no source maps
MIN_BYTES = 1024  # Tornado leaves smaller bodies uncompressed too
LEVEL = 6  # Tornado's level: the same bytes on the wire as before, only computed once

_store: dict[str, bytes] = {}  # URL path under the static root ("static/js/index.x.js") -> its gzip
_index: dict[str, bytes] = {}  # "index.html" -> the page with the preloads

# The lazily loaded elements every page draws (the sidebar's selects and the CSS/script frames, a table, a chart,
# the export buttons), by the names Streamlit's main bundle gives them; RUN_EARLY: run as soon as the main bundle is
FIRST_PAGE_ELEMENTS = ("Html", "IFrame", "Selectbox", "Multiselect", "Button", "DownloadButton", "ArrowDataFrame",
                       "PlotlyChart")
RUN_EARLY = ("PlotlyChart",)
_LAZY = re.compile(r'([\w$]+)=reactExports\.lazy\(\(\)=>__vitePreload\(\(\)=>import\("\./([^"]+)"\)[^,]*,'
                   r'(?:__vite__mapDeps\(\[([\d,]*)\]\)|\[\])')
_DEPS = re.compile(r'__vite__mapDeps=\(i,m=__vite__mapDeps,d=\(m\.f\|\|\(m\.f=(\[[^\]]*\])')


def static_root() -> Path:
    from streamlit import file_util

    return Path(file_util.get_static_dir())


def compress_all(root: Path | None = None) -> dict[str, bytes]:
    """Gzip every compressible file under Streamlit's static folder; returns (and keeps) the store."""
    root = root or static_root()
    store: dict[str, bytes] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            if not name.endswith(COMPRESSIBLE):
                continue
            path = Path(folder) / name
            body = path.read_bytes()
            if len(body) >= MIN_BYTES:  # mtime=0: the same file gives the same bytes (and ETag-stable caches)
                store[path.relative_to(root).as_posix()] = gzip.compress(body, LEVEL, mtime=0)
    _store.clear()
    _store.update(store)
    return store


def gzipped(url_path: str) -> bytes | None:
    return _store.get(url_path)


def element_scripts(root: Path | None = None) -> dict[str, list[str]]:
    """Each lazily loaded element's scripts (its chunk first, then the chunks it imports), as paths under the
    static root, read from Streamlit's main bundle; {} when the bundle is not laid out as expected."""
    root = root or static_root()
    index = (root / "index.html").read_text(encoding="utf-8")
    main = re.search(r'<script type="module" crossorigin src="\./(static/js/[^"]+\.js)"', index)
    if not main:
        return {}
    bundle = (root / main.group(1)).read_text(encoding="utf-8")
    deps = _DEPS.search(bundle)
    table = json.loads(deps.group(1)) if deps else []
    out = {}
    for name, chunk, idx in _LAZY.findall(bundle):
        name = name.split("$")[0]  # Selectbox$1: a name the bundler made unique
        files = [chunk] + [table[int(i)] for i in idx.split(",") if i and int(i) < len(table)]
        paths = [os.path.normpath(os.path.join("static/js", f)).replace(os.sep, "/") for f in files]
        out.setdefault(name, list(dict.fromkeys(paths)))
    return out


def index_with_preloads(root: Path | None = None) -> bytes | None:
    """Streamlit's index.html naming FIRST_PAGE_ELEMENTS' scripts as module preloads (RUN_EARLY's also run once
    the main bundle has run); None when none is found (the page is then served as it is)."""
    root = root or static_root()
    try:
        scripts = element_scripts(root)
    except (OSError, ValueError):
        return None
    wanted = [p for name in FIRST_PAGE_ELEMENTS for p in scripts.get(name, ())]
    links = [f'<link rel="modulepreload" crossorigin href="./{p}" />' for p in dict.fromkeys(wanted)
             if p.endswith(".js") and (root / p).is_file()]
    if not links:
        return None
    early = [scripts[name][0] for name in RUN_EARLY if name in scripts]
    # a module script runs after the ones before it (the main bundle): its import() shares the main bundle's modules
    runs = "".join(f'<script type="module">import("./{p}")</script>' for p in early)
    page = (root / "index.html").read_text(encoding="utf-8")
    if "</head>" not in page:
        return None
    return page.replace("</head>", "\n    ".join(links) + runs + "\n  </head>", 1).encode("utf-8")


def prepare_index(root: Path | None = None) -> None:
    """Build the page served for "/" and every page's address (index.html with the preloads)."""
    page = index_with_preloads(root)
    _index.clear()
    if page is not None:
        _index["index.html"] = page


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def handler_class():
    """Streamlit's StaticFileHandler, answering from the store when the browser accepts gzip."""
    from streamlit.web.server.routes import StaticFileHandler

    class PrecompressedStaticFileHandler(StaticFileHandler):
        @classmethod
        def get_content(cls, abspath: str, start: int | None = None, end: int | None = None):
            page = _index.get("index.html") if os.path.basename(abspath) == "index.html" else None
            if page is None:
                return super().get_content(abspath, start, end)
            return page[start:end]

        def get_content_size(self) -> int:
            page = _index.get("index.html") if os.path.basename(self.absolute_path) == "index.html" else None
            return len(page) if page is not None else super().get_content_size()

        async def get(self, path: str, include_body: bool = True) -> None:
            body = None
            if "Range" not in self.request.headers and _accepts_gzip(self.request.headers.get("Accept-Encoding", "")):
                body = gzipped(path)
            if body is None:
                return await super().get(path, include_body)
            # What StaticFileHandler.get does for a whole file, with the stored bytes as the body. The ETag
            # and Cache-Control are the file's, as when Tornado gzipped it on the way out.
            self.path = self.parse_url_path(path)
            self.absolute_path = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
            if self.absolute_path is None:
                return None
            self.modified = self.get_modified_time()
            self.set_headers()
            if self.should_return_304():
                self.set_status(304)
                return None
            self.set_header("Content-Encoding", "gzip")  # Tornado's transform leaves an encoded body alone
            self.set_header("Content-Length", len(body))
            if include_body:
                self.write(body)
            return None

    return PrecompressedStaticFileHandler


def install() -> None:
    """Serve Streamlit's static files from the store (idempotent; before the server builds its routes)."""
    from streamlit.web.server import server

    if getattr(server.StaticFileHandler, "_jixiao_precompressed", False):
        return
    cls = handler_class()
    cls._jixiao_precompressed = True
    server.StaticFileHandler = cls  # read by Server._create_app when the server starts
