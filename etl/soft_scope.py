"""The soft-target rules, keys and links recomputed over what changed filings reach, not their province.

A series never leaves its department (etl/link/series.py: province | place | department), so the
series, the year links, the indicator keys and the cross-year findings of a department depend on
that department's filings alone: the departments of the changed filings are read whole and
computed again. The peer rule (PEER_RULE) compares one row per series of the same indicator key,
unit, year and province: a changed filing can move only the peer groups its rows are or were in
(`peer groups`: key, unit, year). Those groups are read whole from the stored indicator keys
(the rows of every other department in them, with their stored series) and compared again; a peer
finding belongs to its row's group, so the findings of every other group stand. soft_indices are
computed again for the places whose filings changed.

At 1M filings this reads a few departments and the rows of a few peer groups instead of a province's
~32k filings and their ~500k indicator rows (tests/test_incremental.py holds the result equal to
the full rebuild).
"""
from __future__ import annotations

import re
from collections import Counter

from etl.check.registry import REGISTRY
from etl.check.series_index import SeriesIndex
from etl.link.series import Member, department_key
from etl.link.tables import INDICES_SQL, insert_frame, write_findings, write_keys_and_links
from etl.measures import NO_PLACE, PLACE_NAME, fold_key
from etl.recheck import in_provinces, soft_inputs_where, soft_rule_ids
from etl.records import Filing, Finding, many_records

_COLS = "filing_id, indicator_seq, rule, family, severity, message, evidence"
PEER_RULE = "SOFT_PEER_OUTLIER"  # the one corpus rule whose comparison crosses departments


class _Ctx:  # what a corpus rule reads of its context (etl/check/rules_soft.py)
    def __init__(self, settings, series):
        self.settings = settings
        self.series = series


def _findings(rule_ids, filings: list[Filing], settings, idx: SeriesIndex, keep=None):
    ctx = _Ctx(settings, idx)
    for rid in rule_ids:
        r = REGISTRY[rid]
        for i, seq, message, evidence in r.fn(filings, ctx):
            if keep is None or keep(i, seq):
                yield Finding(rule=r.id, family=r.family, severity=r.severity, message=message, indicator_seq=seq,
                              filing_id=filings[i].filing_id, evidence=evidence)


def _ids_table(con, name: str, ids) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (filing_id VARCHAR)")  # our own names
    insert_frame(con, name, ["filing_id"], [[x] for x in sorted(ids)])


def _dept_key(province, city, county, department) -> str:
    return department_key(Filing(doc_kind="", province=province, city=city, county=county, department=department))


def place_of_row(province, city, county) -> tuple:
    """(province, city, place) as soft_indices keys a filing (PLACE_NAME: the first name that is not NULL)."""
    place = next((x for x in (county, city, province) if x is not None), NO_PLACE)
    return province, city, place


def refresh_soft_group(con, settings, provinces: list[str | None], groups: set[tuple], filing_ids: set[str],
                       peer_keys: set[tuple]) -> tuple[set[str], set[tuple]]:
    """One province group (`provinces`, as stored): the departments of the changed filings (`groups`:
    their marts' group tuples, province first, then city, county, year, doc_kind, department; and
    `filing_ids` themselves) and the peer groups their rows are or were in (`peer_keys`: key, unit,
    year of rows already deleted) recomputed, inside the caller's transaction. Returns the filings whose
    soft findings changed and the places (province, city, place) whose indices must follow."""
    cond, params = in_provinces(provinces)
    folded = {fold_key(p) for p in provinces}
    depts = {_dept_key(g[0], g[1], g[2], g[5]) for g in groups if fold_key(g[0]) in folded and fold_key(g[5])}
    d_ids, places = set(), set()
    for fid, prov, city, county, dept in con.execute(
            f"SELECT filing_id, province, city, county, department FROM filings WHERE {cond}", params).fetchall():
        if fid in filing_ids or (fold_key(dept) and _dept_key(prov, city, county, dept) in depts):
            d_ids.add(fid)
            places.add(place_of_row(prov, city, county))
    places |= {place_of_row(g[0], g[1], g[2]) for g in groups if fold_key(g[0]) in folded}
    _ids_table(con, "_soft_d", d_ids)
    with many_records():
        filings_d = soft_inputs_where(con, "filing_id IN (SELECT filing_id FROM _soft_d)", [])
        idx_d = SeriesIndex(filings_d, settings)
        fams = set(settings.soft("peer_unit_families", ["%"]))
        # the peer groups the departments' rows are in now and were in before
        peer = {(o.key, o.unit, f.year) for i, f in enumerate(filings_d) for o in idx_d.rows[i] if o.family in fams}
        peer |= {tuple(r) for r in con.execute(f"""
            SELECT DISTINCT key, target_unit, year FROM indicator_keys
            WHERE filing_id IN (SELECT filing_id FROM _soft_d) AND unit_family IN ({', '.join('?' * len(fams)) or 'NULL'})""",
            sorted(fams)).fetchall()}
        peer |= {(k, u, y) for p, k, u, y in peer_keys if fold_key(p) in folded}
        con.execute("CREATE OR REPLACE TEMP TABLE _soft_p (key VARCHAR, unit VARCHAR, year INTEGER)")
        insert_frame(con, "_soft_p", ["key", "unit", "year"], [list(x) for x in peer])
        # every other department's rows in those groups, from the stored keys (their series stand)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _soft_prow AS
            SELECT k.filing_id, k.seq, k.series_id FROM indicator_keys k
            JOIN _soft_p p ON p.key = k.key AND p.unit IS NOT DISTINCT FROM k.target_unit AND p.year IS NOT DISTINCT FROM k.year
            WHERE k.unit_family IN ({', '.join('?' * len(fams)) or 'NULL'})
              AND k.filing_id NOT IN (SELECT filing_id FROM _soft_d)
              AND k.filing_id IN (SELECT filing_id FROM filings WHERE {cond})""", sorted(fams) + params)
        series_of = dict(con.execute("SELECT DISTINCT filing_id, series_id FROM _soft_prow").fetchall())
        filings_p = soft_inputs_where(
            con, "filing_id IN (SELECT filing_id FROM _soft_prow)", [],
            lambda c, cond_, params_: ("(SELECT i.* FROM indicators i JOIN _soft_prow r ON r.filing_id = i.filing_id AND r.seq = i.seq)", []))
        rules = soft_rule_ids()
        # the findings taken out are returned and compared with those written (which filings changed),
        # rather than a snapshot and a comparison read from the findings table (4.6 s at 1M filings)
        gone = con.execute(f"DELETE FROM findings WHERE rule IN ({', '.join('?' * len(rules))}) "
                           f"AND filing_id IN (SELECT filing_id FROM _soft_d) RETURNING {_COLS}", rules).fetchall()
        gone += con.execute(f"""DELETE FROM findings WHERE rule = ? AND (filing_id, indicator_seq) IN
                                (SELECT filing_id, seq FROM _soft_prow) RETURNING {_COLS}""", [PEER_RULE]).fetchall()
        con.execute("DELETE FROM indicator_keys WHERE filing_id IN (SELECT filing_id FROM _soft_d)")
        con.execute("DELETE FROM filing_links WHERE filing_id IN (SELECT filing_id FROM _soft_d)")
        # the departments' own rules (their series are theirs alone), keys and links
        made = list(_findings([r for r in rules if r != PEER_RULE], filings_d, settings, idx_d))
        write_keys_and_links(con, filings_d, idx_d, replace=False)
        # the peer groups: the departments' rows with their new series, the others' with their stored ones
        members_d = {f.filing_id: m for f, m in zip(filings_d, idx_d.members)}
        both = sorted(filings_d + filings_p, key=lambda f: f.filing_id)
        idx = SeriesIndex(both, settings)
        idx.members = [members_d[f.filing_id] if f.filing_id in members_d
                       else Member(series_of[f.filing_id], "stored", 1.0) if series_of.get(f.filing_id) else None
                       for f in both]
        row_group = {(i, o.ind.seq): (o.key, o.unit, both[i].year) for i, rows in enumerate(idx.rows) for o in rows}
        made += _findings([PEER_RULE], both, settings, idx, keep=lambda i, seq: row_group.get((i, seq)) in peer)
        write_findings(con, made)
        old = Counter(tuple(r) for r in gone)
        new = Counter((x.filing_id, x.indicator_seq, x.rule, x.family, x.severity, x.message, x.evidence) for x in made)
        changed = {r[0] for r in (old - new) + (new - old)}
    for t in ("_soft_d", "_soft_p", "_soft_prow"):
        con.execute(f"DROP TABLE {t}")
    return changed, places


def places_of(con, filing_ids) -> set[tuple]:
    _ids_table(con, "_soft_pl", filing_ids)
    out = {place_of_row(*r) for r in con.execute(
        "SELECT province, city, county FROM filings WHERE filing_id IN (SELECT filing_id FROM _soft_pl)").fetchall()}
    con.execute("DROP TABLE _soft_pl")
    return out


def build_indices_of_places(con, places: set[tuple]) -> None:
    """soft_indices' rows of the places (province, city, place), inside the caller's transaction."""
    con.execute("CREATE OR REPLACE TEMP TABLE _soft_places (province VARCHAR, city VARCHAR, place VARCHAR)")
    insert_frame(con, "_soft_places", ["province", "city", "place"], [list(p) for p in places])
    same = ("EXISTS (SELECT 1 FROM _soft_places p WHERE p.province IS NOT DISTINCT FROM {t}.province "
            "AND p.city IS NOT DISTINCT FROM {t}.city AND p.place = {place})")
    con.execute(f"DELETE FROM soft_indices WHERE {same.format(t='soft_indices', place='soft_indices.place')}")
    # their filings listed once: INDICES_SQL reads its scope twice, and a join on the places there was slower
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _soft_place_ids AS SELECT f.filing_id FROM filings f
                    JOIN _soft_places p ON p.province IS NOT DISTINCT FROM f.province
                     AND p.city IS NOT DISTINCT FROM f.city AND p.place = {PLACE_NAME}""")
    # the rows INDICES_SQL reads of each large table, read once into a small one (it reads indicator_keys
    # three times and findings, links and metrics once each, every read a scan of the whole table: 3.7 s
    # for the ~2k filings of a few places at 1M filings); the same rows, so the same indices
    con.execute("""CREATE OR REPLACE TEMP TABLE _si_filing_links AS SELECT * FROM filing_links
                   WHERE filing_id IN (SELECT filing_id FROM _soft_place_ids)""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _si_indicator_keys AS SELECT * FROM indicator_keys
                   WHERE filing_id IN (SELECT filing_id FROM _soft_place_ids)
                      OR filing_id IN (SELECT prev_filing_id FROM _si_filing_links)""")
    for t in ("findings", "filing_metrics"):
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _si_{t} AS SELECT * FROM {t}
                        WHERE filing_id IN (SELECT filing_id FROM _soft_place_ids)""")  # our own names
    con.execute(_INDICES_LOCAL.sub(lambda m: f"_si_{m.group(1)}", INDICES_SQL).format(
        scope="f.filing_id IN (SELECT filing_id FROM _soft_place_ids)"))
    for t in ("_soft_places", "_soft_place_ids") + tuple(f"_si_{t}" for t in _INDICES_TABLES):
        con.execute(f"DROP TABLE {t}")


_INDICES_TABLES = ("filing_links", "indicator_keys", "findings", "filing_metrics")
_INDICES_LOCAL = re.compile(rf"(?<=FROM |JOIN )({'|'.join(_INDICES_TABLES)})\b")  # the tables as INDICES_SQL reads them
