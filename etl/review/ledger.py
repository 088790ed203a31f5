"""The `corrections` table of a DuckDB file: saving a reviewer's edits, and noticing changed files.

A save is one transaction: the corrections (each with the value it replaced, who, when and why),
the filing's rows as corrected, its findings, metrics and reason categories checked again, and every
mart row that counts the filing. So a chart read after the save already shows the corrected value.
What compares filings across files (copy clusters, cross-year links and soft-target findings) is
recomputed by the next ingest or `jixiao check`: the save sets the same marker an ingest does.

A correction belongs to the bytes it was made against (source_sha256, part_index). When a corrected
file of the same name replaces those bytes (etl/load/versions.py), their corrections are flagged
(`flag_changed_files`, state 'superseded'): they stay in the table, listed on the review page, and are
not put on the new reading, which may differ anywhere. A re-read of the same bytes applies them again (the per-file step); one
whose row the new reading no longer has is flagged 'stale'.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb

from etl import check
from etl.load import store
from etl.load.readback import read_filing
from etl.marts import refresh_marts_for
from etl.review.edits import (ACTIVE, ADD_ROW, CONFIRM, DELETE_ROW, MARK, MARKS, ROW_FIELDS, SET, Correction,
                              CorrectionError,
                              apply_corrections, coerce, current_keys, from_json, new_row_key, to_json)

COLUMNS = ["correction_id", "seq", "source_sha256", "part_index", "filing_id", "source_file", "kind", "row_key",
           "row_name", "field", "old_value", "new_value", "reviewer", "corrected_at", "reason", "state", "note"]
# the tables holding one filing's rows that a save writes again (its plan and text sections are not edited)
REWRITTEN = ("filings", "indicators", "filing_metrics", "indicator_reasons", "reason_texts", "copy_bands")
# Of those, the tables keyed by filing_id (one row a filing) get their row replaced in place (INSERT OR REPLACE
# updates the row the key finds) instead of deleted and inserted again: DuckDB rewrites a table's last row group
# and its key's index at the next checkpoint when a row is deleted and appended, which took 0.4-1.9 s of a save's
# close at 100k filings (filings, filing_metrics; load 10), against about 0.01 s for an update.
REPLACED_IN_PLACE = ("filings", "filing_metrics")
# and what else goes when a filing is marked as not a filing
ALSO_REMOVED = ("spending_plan", "sections", "copy_clusters", "indicator_keys")


def has_table(con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def _row(values: dict) -> Correction:
    return Correction(
        kind=values["kind"], field=values["field"], row_key=values["row_key"], row_name=values["row_name"],
        old_value=from_json(values["old_value"]), new_value=from_json(values["new_value"]),
        reviewer=values["reviewer"], reason=values["reason"], corrected_at=values["corrected_at"], seq=values["seq"],
        correction_id=values["correction_id"], source_sha256=values["source_sha256"],
        part_index=values["part_index"], filing_id=values["filing_id"], source_file=values["source_file"],
        state=values["state"], note=values["note"])


def load(con, where: str = "TRUE", params: list | None = None) -> list[Correction]:
    """Corrections matching `where` (our own SQL over the table's columns; values as parameters), in order."""
    if not has_table(con, "corrections"):
        return []
    cur = con.execute(f"SELECT {', '.join(COLUMNS)} FROM corrections WHERE {where} ORDER BY seq", params or [])
    return [_row(dict(zip(COLUMNS, r))) for r in cur.fetchall()]


def of_filing(con, sha256: str, part_index: int) -> list[Correction]:
    return load(con, "source_sha256 = ? AND part_index = ?", [sha256, int(part_index)])


def for_files(con, shas: list[str]) -> dict[str, list[Correction]]:
    """The applied corrections of each of these files (by content hash), for the per-file step."""
    out: dict[str, list[Correction]] = {}
    if shas and has_table(con, "corrections"):
        for c in load(con, f"state IN ('applied', 'superseded') AND source_sha256 IN ({', '.join('?' * len(shas))})",
                      list(shas)):
            out.setdefault(c.source_sha256, []).append(c)
    return out


def insert(con, corrections: list[Correction]) -> None:
    rows = [[c.correction_id, c.seq, c.source_sha256, c.part_index, c.filing_id, c.source_file, c.kind, c.row_key,
             c.row_name, c.field, to_json(c.old_value), to_json(c.new_value), c.reviewer, c.corrected_at, c.reason, c.state,
             c.note] for c in corrections]
    if rows:
        con.executemany(f"INSERT INTO corrections ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows)


@dataclass
class SaveResult:
    filing_id: str
    saved: list[Correction] = field(default_factory=list)
    mark: str | None = None  # the filing was marked (a key of MARKS) and left the figures
    seconds: float = 0.0


def _group(f) -> tuple:
    return (f.province, f.city, f.county, f.year, f.doc_kind, f.department)


def _parsed_name(key: str, current: str | None, prior: list[Correction]) -> str | None:
    """The name the parser read for row `key`: the value its first name correction replaced, else the current one."""
    if not key.startswith("p"):
        return None
    for c in prior:
        if c.row_key == key and c.kind == SET and c.field == "name" and c.state in ACTIVE:
            return c.old_value
    return current


def _row_values(ind) -> dict:
    return {k: getattr(ind, k) for k in ROW_FIELDS}


def complete(edits: list[Correction], f, keys: list[str], prior: list[Correction]) -> list[Correction]:
    """The edits as corrections of the filing as it stands: each with the value it replaces; no-op edits dropped."""
    rows = dict(zip(keys, f.indicators))
    added: set[str] = set()  # rows added earlier in the same save: a second new row may follow the first
    out = []
    for e in edits:
        c = Correction(kind=e.kind, field=e.field, row_key=e.row_key, new_value=e.new_value, reason=e.reason)
        if c.kind == SET and c.row_key is None:
            c.new_value = coerce(c.field, c.new_value, row=False)
            c.old_value = getattr(f, c.field)
            if c.old_value == c.new_value:
                continue
        elif c.kind == ADD_ROW:
            values = {k: coerce(k, v, row=True) for k, v in ((c.new_value or {}).get("values") or {}).items()}
            if not any(v is not None for v in values.values()):
                continue
            after = (c.new_value or {}).get("after")
            if after is not None and after not in rows and after not in added:
                raise CorrectionError("要在其后插入新行的那一行已不存在，请刷新页面后重试")
            c.row_key = c.row_key or new_row_key()
            added.add(c.row_key)
            c.new_value = {"after": after, "values": values,
                           "after_name": _parsed_name(after, rows[after].name, prior) if after in rows else None}
        elif c.kind == MARK:
            if c.new_value not in MARKS:
                raise CorrectionError("只能标记为：" + "、".join(MARKS.values()))
            c.field = "status"
            c.old_value = {"doc_kind": f.doc_kind, "indicators": len(f.indicators)}
        elif c.kind == CONFIRM and c.row_key is None:
            c.old_value = f.parse_confidence
        else:
            if c.row_key not in rows:
                raise CorrectionError("这一行已不存在（可能刚被其他人删除），请刷新页面后重试")
            ind = rows[c.row_key]
            c.row_name = _parsed_name(c.row_key, ind.name, prior)
            if c.kind == SET:
                c.new_value = coerce(c.field, c.new_value, row=True)
                c.old_value = getattr(ind, c.field)
                if c.old_value == c.new_value:
                    continue
            elif c.kind == DELETE_ROW:
                c.old_value = _row_values(ind)
            elif c.kind == CONFIRM:
                c.old_value = ind.parse_confidence
        out.append(c)
    return out


def save(con, filing_id: str, edits: list[Correction], reviewer: str, reason: str | None = None,
         now: datetime | None = None) -> SaveResult:
    """Apply a reviewer's edits to one filing of the DuckDB file behind `con` (a writer), in one transaction.

    Raises CorrectionError (Chinese message) for an edit that cannot be saved, nothing written then.
    """
    started = time.perf_counter()
    reviewer = " ".join((reviewer or "").split())
    if not reviewer:
        raise CorrectionError("更正不能匿名保存：请先填写复核人姓名")
    f = read_filing(con, filing_id, texts=False)
    if f is None:
        raise CorrectionError("找不到这份填报（可能已被标记为非绩效文件，或数据库已更换）")
    prior = of_filing(con, f.source_sha256, f.part_index)
    keys = current_keys(len(f.indicators), prior)
    made = complete(edits, f, keys, prior)
    out = SaveResult(filing_id)
    if not made:
        return out
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    seq = con.execute("SELECT coalesce(max(seq), 0) FROM corrections").fetchone()[0]
    source_file = con.execute("SELECT source_file FROM filings WHERE filing_id = ?", [filing_id]).fetchone()[0]
    is_sample = bool(con.execute("SELECT coalesce(is_sample, false) FROM filings WHERE filing_id = ?",
                                 [filing_id]).fetchone()[0])
    for k, c in enumerate(made, start=1):
        c.seq, c.corrected_at, c.reviewer = seq + k, now, reviewer
        c.reason = c.reason or (reason or "").strip() or None
        c.source_sha256, c.part_index, c.filing_id, c.source_file = f.source_sha256, f.part_index, filing_id, source_file
    before = _group(f)
    # superseded is derived (a published copy of a structured import, etl/structured/twins.py): the rows
    # written again keep it, and a structured filing marked as not a filing frees its published twin now
    superseded = bool(con.execute("SELECT coalesce(superseded, false) FROM filings WHERE filing_id = ?",
                                  [filing_id]).fetchone()[0])
    done = apply_corrections(f, made, keys)
    if done.stale:  # complete() checked every row: only a bug gets here
        raise CorrectionError("有更正找不到对应的行，未保存：" + "；".join(why for _, why in done.stale))
    has_marts = bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'mart_facts'")
                     .fetchone()[0])
    con.execute("BEGIN TRANSACTION")
    try:
        insert(con, made)
        freed = _remove(con, filing_id, everything=done.excluded)
        if not done.excluded:
            found, metrics, reasons, bands = check.derive(f)
            lf = store.LoadedFile(source_file=source_file, sha256=f.source_sha256, fmt="", layout="", size=0,
                                  is_sample=is_sample, filings=[f], findings=found, metrics=[metrics] if metrics else [],
                                  reasons=reasons, bands=bands)
            rows = store.file_rows(lf, now)
            if not rows["filing_metrics"]:  # the new reading has none: the old row must not stay
                con.execute("DELETE FROM filing_metrics WHERE filing_id = ?", [filing_id])
            store.insert_rows(con, {t: rows[t] for t in REWRITTEN + ("findings",)}, replace=REPLACED_IN_PLACE)
            if superseded:
                con.execute("UPDATE filings SET superseded = TRUE WHERE filing_id = ?", [filing_id])
        if has_marts:
            refresh_marts_for(con, [filing_id, *(fid for fid, _ in freed)], [before, _group(f), *(g for _, g in freed)],
                              whole=store.rebuild_memory)
        store.set_meta(con, store.COPIES_PENDING, "review")  # copies and cross-year links read the rows just changed
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    out.saved, out.mark = made, done.mark
    out.seconds = time.perf_counter() - started
    return out


def save_to(db_path, filing_id: str, edits: list[Correction], reviewer: str, reason: str | None = None,
            wait: float = 15.0) -> SaveResult:
    """`save` into the DuckDB file `db_path`: opens it for writing, waiting up to `wait` seconds while an ingest
    or another reader of this process holds it (the dashboard's own read connections are short)."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = store.connect(db_path, wait=max(0.0, deadline - time.monotonic()))
            break
        except duckdb.ConnectionException as exc:  # this process reads the file right now (another session)
            if "different configuration" not in str(exc) or time.monotonic() > deadline:
                raise store.DatabaseBusy(f"数据库 {db_path} 正在被读取或写入，请稍后再保存") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    try:
        return save(con, filing_id, edits, reviewer, reason)
    finally:
        con.close()


def _remove(con, filing_id: str, everything: bool) -> list[tuple[str, tuple]]:
    """Delete a filing's rows before they are written again (its cross-filing findings stay until the next
    refresh); with `everything`, all of them (a filing marked as not a filing). Returns the published filings
    that were superseded by this one (a structured import) and are counted again, with their groups."""
    freed: list[tuple[str, tuple]] = []
    for table in REWRITTEN + (ALSO_REMOVED if everything else ()):  # our own table names
        if everything or table not in REPLACED_IN_PLACE:
            con.execute(f"DELETE FROM {table} WHERE filing_id = ?", [filing_id])
    if everything:
        freed = [(r[0], tuple(r[1:])) for r in con.execute(
            "SELECT filing_id, province, city, county, year, doc_kind, department FROM filings "
            "WHERE filing_id IN (SELECT filing_id FROM filing_twins WHERE structured_id = ?)", [filing_id]).fetchall()]
        con.execute("UPDATE filings SET superseded = FALSE WHERE filing_id IN "
                    "(SELECT filing_id FROM filing_twins WHERE structured_id = ?)", [filing_id])
        con.execute("DELETE FROM filing_twins WHERE filing_id = ? OR structured_id = ?", [filing_id, filing_id])
        con.execute("DELETE FROM findings WHERE filing_id = ?", [filing_id])
        con.execute("DELETE FROM filing_links WHERE filing_id = ? OR prev_filing_id = ?", [filing_id, filing_id])
        return freed
    # findings of the rules that compare filings across files (copies, soft targets, a structured twin's
    # differences) are the refresh's to redo, not this filing's checks'
    corpus = [r.id for r in check.REGISTRY.values() if r.scope == "corpus"]
    con.execute(f"DELETE FROM findings WHERE filing_id = ? AND family <> 'copying' "
                f"AND rule NOT IN ({', '.join('?' * len(corpus))})", [filing_id, *corpus])
    return freed


def flag_changed_files(con) -> int:
    """Flag the corrections of files that a version with other bytes has since replaced.

    Such a correction was made against bytes that are no longer the current version: the new reading may
    differ anywhere, so it is not applied to it. It stays in the table (listed on the review page, with the
    new version named) and in the old bytes' rows, where it still holds: state 'superseded'.
    In a DuckDB file the versions are known (file_history, etl/load/versions.py): old bytes that were sent
    again are current again and were read with their corrections, so those corrections are 'applied' again.
    A lake keeps no history (it refuses a corrected file): there, a file of the same name ingested after the
    correction with other bytes is the newer version.
    Returns how many were flagged.
    """
    if not has_table(con, "corrections"):
        return 0
    if has_table(con, "file_history"):
        rows = con.execute("""
            SELECT c.correction_id, any_value(h.current_sha256) AS newer
            FROM corrections c JOIN file_history h ON h.source_sha256 = c.source_sha256 AND h.change = 'replaced'
            WHERE c.state = 'applied'
            GROUP BY c.correction_id""").fetchall()
        con.execute("""
            UPDATE corrections SET state = 'applied', note = NULL
            WHERE state = 'superseded' AND source_sha256 IN (SELECT source_sha256 FROM source_files)
              AND source_sha256 NOT IN (SELECT source_sha256 FROM file_history WHERE change = 'replaced')""")
    else:
        rows = con.execute("""
            SELECT c.correction_id, any_value(s.source_sha256) AS newer
            FROM corrections c JOIN source_files s
              ON s.source_file = c.source_file AND s.source_sha256 <> c.source_sha256 AND s.first_ingested_at > c.corrected_at
            WHERE c.state = 'applied'
            GROUP BY c.correction_id""").fetchall()
    for cid, newer in rows:
        con.execute("UPDATE corrections SET state = 'superseded', note = ? WHERE correction_id = ?",
                    [f"源文件已更新（同名文件的新内容 {newer[:12]}…已导入），此更正针对旧内容，未用于新版本", cid])
    return len(rows)


def corrected_history(con) -> set[str]:
    """Corrected bytes that are not current (a replaced version, a removed file): sent again, they are read
    with those corrections."""
    if not has_table(con, "corrections"):
        return set()
    return {r[0] for r in con.execute("""
        SELECT DISTINCT source_sha256 FROM corrections WHERE state IN ('applied', 'superseded')
          AND source_sha256 NOT IN (SELECT source_sha256 FROM source_files)""").fetchall()}
