"""A decode given a bound stops early only where no reading can cost less than the bound.

The scrambled orders of a grid are read with the bound past which they can neither be kept nor win
(etl/parse/scrambled.py cheapest_order); the decoder proves that every reading costs more from the
cheapest state at a piece and the most the rest can gain back (a value printed twice, bare figures after
a name with its unit). The table is invented: a grid with values printed twice on every row.
"""
from __future__ import annotations

from dataclasses import replace

from etl.parse.decode import INF, Piece, SETTINGS, decode
from etl.records import Loc

ROLES = ["level1", "level2", "name", "target", "actual", "weight", "score"]
ROWS = [
    ("产出指标", "数量指标", "养护道路里程", "≥120公里", "≥120公里", "20", "20"),
    ("", "质量指标", "路面完好率(%)", "90", "90", "20", "20"),
    ("效益指标", "社会效益指标", "群众出行条件改善", "明显改善", "明显改善", "30", "30"),
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "≥90%", "30", "30"),
]
COLUMNS = {r: k for k, r in enumerate(ROLES)}
SCRAMBLED = ["level1", "level2", "target", "actual", "weight", "score", "name"]


def pieces(glued: bool = False) -> list[Piece]:
    out = []
    for r, row in enumerate(ROWS):
        first = True
        for c, text in enumerate(row):
            if text:
                out.append(Piece(text, Loc(row=r + 1, col=c + 1), glued=glued and c == 2, col=c, row_first=first))
                first = False
    return out


def test_a_bound_above_the_cheapest_reading_changes_nothing():
    full = decode(pieces(), SCRAMBLED, columns=COLUMNS)
    for bound in (full.cost, full.cost + 0.5, full.cost * 2 + 1):
        got = decode(pieces(), SCRAMBLED, columns=COLUMNS, bound=bound)
        assert got.cost == full.cost and got.steps == full.steps


def test_a_bound_below_the_cheapest_reading_stops_with_no_reading():
    full = decode(pieces(), SCRAMBLED, columns=COLUMNS)
    assert full.cost < INF
    got = decode(pieces(), SCRAMBLED, columns=COLUMNS, bound=full.cost / 4)
    assert got.cost == INF and got.steps == []


def test_the_bonus_of_values_printed_twice_is_counted_before_stopping():
    # with a large bonus for a target printed twice, the cheapest reading gains much back at the end:
    # a bound just under it may not stop the decode on the way
    s = replace(SETTINGS, equal_target_actual=-5.0)
    full = decode(pieces(), ROLES, s, columns=COLUMNS)
    got = decode(pieces(), ROLES, s, columns=COLUMNS, bound=full.cost)
    assert got.cost == full.cost


def test_no_early_stop_where_a_cost_may_be_negative_or_cells_ran_together():
    s = replace(SETTINGS, off_column=-0.1)  # a cost below zero: the proof does not hold
    full = decode(pieces(), SCRAMBLED, s, columns=COLUMNS)
    assert decode(pieces(), SCRAMBLED, s, columns=COLUMNS, bound=full.cost / 4).cost == full.cost
    glued = decode(pieces(glued=True), SCRAMBLED, columns=COLUMNS)  # a glued piece is many edges of the lattice
    assert decode(pieces(glued=True), SCRAMBLED, columns=COLUMNS, bound=glued.cost / 4).cost == glued.cost


def test_a_swapped_tagger_model_is_not_read_from_the_cached_lattice():
    # a glued piece's lattice is cached per text; a leave-one-file-out run swaps the tagger's model
    from etl.parse import tagger
    from etl.parse.decode import lattice

    glued = [Piece("养护道路里程≥120公里126公里2020", Loc(row=1), glued=True)]
    with_model = lattice(glued)[1]
    tagger.use_model(None)
    try:
        without = lattice(glued)[1]
    finally:
        tagger.use_model(tagger.MODEL_FILE)
    assert not tagger.available() or any(e[5] is not None for es in with_model for e in es)
    assert all(e[5] is None for es in without for e in es)
    again = lattice(glued)[1]  # the model back: the same edges, the tagger's evidence read anew

    def plain(edges):
        return [[(*e[:5], e[5] and (e[5][0].begin, *e[5][1:])) for e in es] for es in edges]

    assert plain(again) == plain(with_model)
