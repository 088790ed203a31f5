"""A copy of each ingested file's bytes, kept in the database (table `source_blobs`) for the review page.

The review page shows a filing's source beside its reading. The ingested path is not a good
place to read it from: `source_file` is relative to a folder of the machine that ingested, an
upload's file is deleted after its ingest, and a file at the same path may have changed since.
So the per-file step keeps the bytes it read, zlib-compressed (text and office files shrink to a
third or less), in the database that holds their rows. Files larger than `[review] source_copy_mb`
are not copied (0 turns copies off); the page then says so. A copy is checked against its
sha256 before it is shown, so the page never shows other bytes than the ones that were read.
"""
from __future__ import annotations

import hashlib
import zlib

from etl.check import load_settings

CODEC = "zlib"
MB = 1024 * 1024


def copy_limit_bytes(settings=None) -> int:
    if settings is None:
        settings = load_settings()
    return int(float(settings.review("source_copy_mb", 20.0)) * MB)


def pack(data: bytes, limit: int) -> tuple[str, int, bytes] | None:
    """(codec, size, compressed bytes), or None when the file is larger than `limit` bytes (or limit is 0)."""
    if limit <= 0 or len(data) > limit:
        return None
    return CODEC, len(data), zlib.compress(data, 6)


def unpack(codec: str, payload: bytes, sha256: str | None = None) -> bytes | None:
    """The file's bytes; None when the codec is unknown or the bytes are not the ones hashed as `sha256`."""
    if codec != CODEC:
        return None
    try:
        data = zlib.decompress(bytes(payload))
    except zlib.error:
        return None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        return None
    return data


def fetch(con, sha256: str) -> bytes | None:
    """The kept copy of a file's bytes from a DuckDB connection (a file or a lake's views), else None."""
    have = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'source_blobs'").fetchone()[0]
    if not have:
        return None
    row = con.execute("SELECT codec, data FROM source_blobs WHERE source_sha256 = ?", [sha256]).fetchone()
    return None if row is None else unpack(row[0], row[1], sha256)
