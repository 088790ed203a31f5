"""`jixiao parse FILE --explain`: every decision the parser made, printable.

For each filing: its kind and key fields, the settings the decoder ran with,
and the indicator table's labelled pieces (text -> label, with the cost each
step added), each row's confidence and its runner-up reading (what the row
would have been had the next-cheapest placement won, and by how much it lost).
Like camelot's parsing report, so a user can question a reading.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from etl.parse import parse_document
from etl.parse.decode import STRUCTURAL, row_alternatives
from etl.parse.parse_settings import DEFAULT, ParseSettings
from etl.parse.vocab import holds_no_field
from etl.read import read_bytes
from etl.records import Filing


@dataclass
class Explained:
    filing: Filing
    steps: list  # decode.Step, in reading order (empty when no table was decoded)
    roles: list[str]
    cost: float | None  # the whole table's reading


def explain_bytes(data: bytes, name: str, settings: ParseSettings = DEFAULT) -> list[Explained]:
    """Parse a file keeping the decoder's trace for every filing."""
    out = []
    for f in parse_document(read_bytes(data, name), settings):
        decoded, roles = f.trace if f.trace else (None, None)
        out.append(Explained(f, decoded.steps if decoded else [], roles or [], decoded.cost if decoded else None))
    return out


def render(explained: list[Explained], show_settings: bool = True, settings: ParseSettings = DEFAULT) -> str:
    """The report as plain text (the CLI prints it; tests read it)."""
    lines: list[str] = []
    if show_settings:
        for part, title in (("decode", "decoder"), ("money", "money block"), ("wrap", "wrapped lines"),
                            ("cut", "glued lines"), ("content", "rows read by content")):
            values = asdict(getattr(settings, part))
            lines.append(f"{title} settings ({part}.*): " + ", ".join(f"{k}={v}" for k, v in values.items()))
    for e in explained:
        f = e.filing
        lines.append("")
        lines.append(f"== filing {f.part_index}: {f.doc_kind}  confidence={_num(f.parse_confidence)}  status={f.parse_status}")
        lines.append(f"   title: {f.title or '—'}")
        lines.append(f"   department={f.department or '—'} unit={f.unit or '—'} project={f.project or '—'} year={f.year or '—'}"
                     f" place={'/'.join(x for x in (f.province, f.city, f.county) if x) or '—'}")
        lines.append(f"   money: initial={_num(f.budget_initial)} adjusted={_num(f.budget_adjusted)} "
                     f"executed={_num(f.budget_executed)} rate={_num(f.exec_rate_reported)} "
                     f"weight={_num(f.exec_weight)} score={_num(f.exec_score)}  total={_num(f.total_weight)}/{_num(f.total_score)}")
        for note in f.parse_notes:
            lines.append(f"   note: {note}")
        if not e.steps:
            lines.append("   (no indicator table decoded)")
            continue
        lines.append(f"   header columns: {' | '.join(e.roles)}   (cost of the whole reading: {e.cost:.2f})")
        lines.append("   pieces (label, cost added, cut from glued text):")
        for st in e.steps:
            glued = " glued" if st.inner else ""
            lines.append(f"     {st.label:<15} {st.cost:+6.2f}{glued}  {st.text!r}")
        values = [r for r in e.roles if r not in STRUCTURAL and not holds_no_field(r)]
        lines.append("   rows (confidence; runner-up reading and how much more it cost):")
        for ind in f.indicators:
            got = ", ".join(f"{r}={_num(getattr(ind, r))}" for r in ("target", "actual", "weight", "score")
                            if getattr(ind, r) is not None)
            lines.append(f"     #{ind.seq} {ind.name}  [{got}]  confidence={_num(ind.parse_confidence)}")
            printed = [v for v in (ind.target, ind.actual, _num(ind.weight, none=None), _num(ind.score, none=None)) if v]
            alts = row_alternatives(printed, values, k=2) if printed else []
            if len(alts) == 2:
                lines.append(f"        runner-up: {' | '.join(alts[1][1])} (+{alts[1][0] - alts[0][0]:.2f})")
    return "\n".join(lines)


def _num(v, none: str | None = "—"):
    if v is None:
        return none
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
