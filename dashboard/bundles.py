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
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

COMPRESSIBLE = (".js", ".css", ".json", ".svg", ".txt")  # what Tornado's own gzip would compress; no source maps
MIN_BYTES = 1024  # Tornado leaves smaller bodies uncompressed too
LEVEL = 6  # Tornado's level: the same bytes on the wire as before, only computed once

_store: dict[str, bytes] = {}  # URL path under the static root ("static/js/index.x.js") -> its gzip


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
