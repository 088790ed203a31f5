"""One settings object for the whole parser, like pdfplumber's `TableSettings`.

Every cost and threshold the parser uses is a named field of one of its parts
(the row decoder, the money block, wrapped lines, glued lines, rows read by
content); `ParseSettings` holds one of each and is passed through
`parse_document` down to every stage, so a caller can try other values
without touching module state:

    s = DEFAULT.resolve({"decode.skip_target": 1.5, "content.header_margin": 4})
    parse_document(doc, s)

`jixiao parse FILE --explain --set decode.skip_target=1.5` does the same from
the command line, and `--explain` prints every value the parse ran with.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from etl.parse.budget import MONEY, MoneySettings
from etl.parse.decode import SETTINGS as DECODE
from etl.parse.decode import DecodeSettings
from etl.parse.vocab_cut import SETTINGS as CUT
from etl.parse.vocab_cut import CutSettings
from etl.parse.wrapped import SETTINGS as WRAP
from etl.parse.wrapped import WrapSettings


@dataclass(frozen=True, eq=False)
class ContentSettings:
    """Reading rows by their content (etl/parse/content.py), and when that beats a header's own order."""

    window: int = 8  # tokens after a row start searched for values
    min_values: int = 2  # values among them
    min_rows: int = 2  # indicators with a value a reading without a header must give
    row_confidence: float = 0.6  # the most a row read without its header's order is trusted
    header_margin: float = 3.0  # how much cheaper a template's grammar must read than the printed header
    # a header cell worded as no template we know stands for the missing target or actual when this share of the
    # cells under it (of its first `unnamed_rows` body rows; of the rows read, in a copy without its grid) are values
    unnamed_rows: int = 8
    unnamed_values_share: float = 0.6


CONTENT = ContentSettings()


@dataclass(frozen=True, eq=False)
class ScrambleSettings:
    """Rows a text layer printed out of order (etl/parse/scrambled.py)."""

    order_cost: float = 4.0  # reading a table's rows in another order than its header's (name last, scores first)
    order_share: float = 0.4  # … and cost at most this share of the printed order's reading
    zip_cost: float = 1.0  # reading a line of names zipped with the value lines under it (or rows dealt their held-back cells)
    row_confidence: float = 0.6  # the most a row read in another order than printed is trusted


SCRAMBLED = ScrambleSettings()


@dataclass(frozen=True, eq=False)  # hashed by identity, as its parts are: caches key on the object
class ParseSettings:
    decode: DecodeSettings = DECODE  # the indicator-table decoder: label costs, the glued-text lattice, the tagger
    money: MoneySettings = MONEY  # placing a money row's amounts under its columns
    wrap: WrapSettings = WRAP  # joining the wrapped rest of a row to the row above
    cut: CutSettings = CUT  # when a line lost its separators
    content: ContentSettings = CONTENT  # rows read by their content where no header announces them
    scrambled: ScrambleSettings = SCRAMBLED  # rows printed out of order by a text layer

    def resolve(self, overrides: dict[str, object] | None = None) -> "ParseSettings":
        """A copy with `{"part.field": value}` overrides applied; values are converted to the field's type.
        An unknown part or field is an error naming it (a misspelt setting must not pass silently)."""
        parts = {f.name: getattr(self, f.name) for f in fields(self)}
        for key, value in (overrides or {}).items():
            part, _, name = key.partition(".")
            if part not in parts:
                raise ValueError(f"未知的解析设置：{key}（可用：{', '.join(parts)}）")
            current = parts[part]
            known = {f.name: f for f in fields(current)}
            if name not in known:
                raise ValueError(f"未知的解析设置：{key}")
            kind = type(getattr(current, name))
            parts[part] = replace(current, **{name: kind(value) if not isinstance(value, kind) else value})
        return ParseSettings(**parts)

    def items(self) -> list[tuple[str, object]]:
        """Every setting as ('part.field', value), in declaration order (for --explain)."""
        return [(f"{p.name}.{f.name}", getattr(getattr(self, p.name), f.name))
                for p in fields(self) for f in fields(getattr(self, p.name))]


DEFAULT = ParseSettings()
