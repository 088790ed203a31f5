"""Train the cell tagger (etl/parse/tagger.py) from the repo's data, deterministically.

    jixiao train cells [--out etl/models/cells.crfsuite]

Training sequences are indicator rows rendered the way real copies break them:
the cell strings of every labelled real row (tests/data/real/labels) and of
generated filings (etl/sample), printed as glued runs of one to eight rows with
what the real copies show (etl/sample/damage.py and damage.toml give the words):
levels printed only where their group starts and wrapped before 指标, wrapped
cells leaving a space inside a word, '指标N：' prefixes, page markers ('2、')
and header words between rows, the name after its values or a block of names
before their values, 分值 before the values, OCR confusions, traditional
script. Each character is tagged B-/I- with the role of the cell it belongs to;
anything that is no cell of the row is 'other'.

Same data and settings -> the same sequences in the same order -> the same
model bytes (L-BFGS is deterministic), so the committed model file can be
checked against a rebuild.
"""
from __future__ import annotations

import hashlib
import random
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from etl.eval.score import load_labels
from etl.lexicon import lexicon
from etl.normalise.measure import parse_measure
from etl.parse.tagger import MODEL_FILE, features
from etl.parse.vocab import column_role
from etl.sample.damage import traditional_converter, words
from etl.sample.generate import generate_with_truth

ROOT = Path(__file__).resolve().parents[2]
ROW_ROLES = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")
# column orders real templates print (levels and name first); missing cells vanish
ORDERS = (
    ("target", "actual", "weight", "score", "reason"),
    ("weight", "target", "actual", "score", "reason"),
    ("target", "weight", "actual", "score", "reason"),
    ("target", "actual", "score", "reason", "weight"),
)
def _header_words_by_role() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for w in lexicon().header_words:
        role = column_role(w)
        if role and not any(m in w for m in ("执行率", "预算", "执行数", "总分")):  # the money block's words
            out.setdefault(role, []).append(w)
    return out


def header_run(rng: random.Random) -> str:
    """A table's header as a glued copy prints it, for the tagger to learn to pass over: the header words
    (lexicon [columns.words]) of one of the lexicon's row grammars run together, sometimes after a 绩效指标
    caption, with a space inside words where a narrow cell wrapped ('一级 指标') or every character spaced
    ('绩 效 指 标'). Made from the lexicon, so no one filing's header is learnt by heart."""
    by_role = _header_words_by_role()
    grammar = rng.choice(lexicon().content_grammars)
    parts = [rng.choice(by_role[role]) for role in grammar if role in by_role]
    if rng.random() < 0.2:
        parts.insert(0, "绩效指标")
    style = rng.random()
    if style < 0.2:  # wrapped cells: a space before the word's 指标 / 值 / 分
        parts = [re.sub(r"(?<=.)(指标|值|分)", r" \1", p, count=1) for p in parts]
    elif style < 0.3:  # letter-spaced: the caption or the first words only (a whole spaced row is rare)
        k = rng.randint(1, min(2, len(parts)))
        parts = [" ".join(p) for p in parts[:k]] + parts[k:]
    return "".join(parts) if style >= 0.3 or rng.random() < 0.5 else " ".join(parts)


@dataclass(frozen=True)
class TrainSettings:
    generated: int = 160  # generated filings
    seed: int = 17
    real_renderings: int = 8  # renderings of each real filing (its rows are few and precious)
    generated_renderings: int = 2
    c1: float = 0.05  # L1 (keeps the model small)
    c2: float = 0.01
    max_iterations: int = 80
    real_sets: tuple[str, ...] = ("seeds", "dev", "dev2", "dev3")  # labelled sets whose rows are learned from


SETTINGS = TrainSettings()


@dataclass
class Seq:
    text: str
    tags: list[str]


def _num(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _cells_of(row: dict) -> dict[str, str]:
    out = {}
    for r in ROW_ROLES + ("description", "basis"):  # a generated row's 指标解释 / 指标值确定依据: no role of ours
        v = row.get(r)
        v = _num(v) if r in ("weight", "score") else v
        if v is not None and str(v).strip():
            out[r] = str(v).strip()
    return out


def _wrap(text: str, width: int) -> str:
    return " ".join(text[i:i + width] for i in range(0, len(text), width)) if len(text) > width else text


def _ocr(text: str, rng: random.Random, rate: float) -> str:
    table = words()["ocr"]
    return "".join(rng.choice(table[ch]) if ch in table and rng.random() < rate else ch for ch in text)


def render(rows: list[dict], rng: random.Random, s2t=None, total: tuple | None = None) -> list[Seq]:
    """The rows of one filing as glued runs of one to eight rows, tagged character by character.
    `total`: the filing's 总分 row figures (分值, 得分), printed run into the last row at times."""
    order = rng.choice(ORDERS)
    wrap = rng.choice([0, 0, 4, 5, 6, 8])  # column width a wrapped cell broke at (0: none)
    level_wrap = rng.random() < 0.4
    prefix = rng.choice([None, None, "指标{n}：", "指标{n}:", "指标{n}"])
    ocr = rng.random() < 0.2
    trad = s2t is not None and rng.random() < 0.15
    layout = rng.choice(["plain", "plain", "plain", "name_last", "name_block"])
    score_part = rng.random() < 0.3
    # template columns that are no role of ours ('other'): 计量单位 beside the name (its values then print
    # bare figures), 指标性质, 得分系数, 是否核心指标
    unit_col = rng.random() < 0.2
    nature = rng.choice([None, None, None, None, "定量指标", "定量"]) 
    coef = rng.random() < 0.1
    core = rng.random() < 0.15
    out: list[Seq] = []
    segs: list[tuple[str, str]] = []  # (text, role) of the current run
    prev_l1 = prev_l2 = None
    n_in_group = 0
    run_len = rng.randint(1, 8)
    in_run = 0
    block: list[tuple[list, list]] = []  # name_block: (name segs, value segs) per row

    def cell(text: str, role: str, wrap_ok: bool = True) -> tuple[str, str]:
        if trad:
            text = s2t.convert(text)
        if ocr and role != "other":
            text = _ocr(text, rng, 0.25)
        if wrap and wrap_ok and role in ("name", "reason", "target", "actual", "other") and (role in ("name", "reason", "other")
                                                                                  or len(text) > 8):
            text = _wrap(text, wrap)
        return text, role

    def flush_block():
        for names, _ in block:
            segs.extend(names)
        for _, vals in block:
            segs.extend(vals)
        block.clear()

    def end_run():
        flush_block()
        if segs:
            if rng.random() < 0.15:
                w, sc = total if total and total[0] is not None else (100, rng.choice([100, 95.5, 98, 90]))
                segs.append(("总分" + "".join(_num(x) or "" for x in (w, sc)), "other"))
            out.append(_tagged(segs))
        segs.clear()

    for k, row in enumerate(rows):
        c = _cells_of(row)
        if not c:
            continue
        if in_run == 0:
            if rng.random() < 0.2:
                segs.append((f"{rng.randint(2, 9)}、", "other"))  # a page marker opens the page's line
            if rng.random() < 0.15:
                head = _ocr(header_run(rng), rng, 0.25) if ocr else header_run(rng)
                segs.append(cell(head, "other", wrap_ok=False))  # OCR'd and traditional like the rows
        lead: list[tuple[str, str]] = []
        l1, l2 = c.get("level1"), c.get("level2")
        new_group = l1 != prev_l1 or l2 != prev_l2
        if l1 and l1 != prev_l1:
            t = l1
            if level_wrap and "指标" in t[1:]:
                i = t.index("指标", 1)
                t = t[:i] + " " + t[i:]
            if score_part:
                t += f"({rng.choice([10, 20, 30, 40, 50, 60])}分)"
            lead.append(cell(t, "level1", wrap_ok=False))
        if l2 and (l2 != prev_l2 or l1 != prev_l1):
            t = l2
            if level_wrap and "指标" in t[1:]:
                i = t.index("指标", 1)
                t = t[:i] + " " + t[i:]
            lead.append(cell(t, "level2", wrap_ok=False))
        prev_l1, prev_l2 = l1, l2
        n_in_group = 1 if new_group else n_in_group + 1
        name = []
        if "name" in c:
            t = c["name"]
            if prefix:
                t = prefix.format(n=n_in_group) + t
            name = [cell(t, "name")]
        if "description" in c:
            name.append(cell(c["description"], "other"))
        if unit_col:
            unit = _unit_of(c.get("target", "")) or rng.choice(["%", "个", "人", "次"])
            name.append((unit, "other"))
            for r in ("target", "actual"):
                if r in c and c[r].endswith(unit) and c[r] != unit:
                    c[r] = c[r][: -len(unit)]
        if nature:
            name.append((nature if re.search(r"\d", c.get("target", "")) else nature.replace("定量", "定性"), "other"))
        vals = [cell(c[r], r) for r in order if r in c]
        if coef and "weight" in c:
            vals.insert(next(k for k, v in enumerate(vals) if v[1] == "weight"), (rng.choice(["100%", "100", "90%"]), "other"))
        if core:
            vals.append((rng.choice(["是", "否"]), "other"))
        if "basis" in c:
            vals.insert(vals.index(next(v for v in vals if v[1] == "target")) + 1 if "target" in c else len(vals),
                        cell(c["basis"], "other"))
        if layout == "name_block":
            if new_group:
                flush_block()
                segs.extend(lead)
            else:
                segs.extend(lead)
            block.append((name, vals))
            if len(block) >= 5:
                flush_block()
        elif layout == "name_last":
            segs.extend(lead + vals + name)
        else:
            segs.extend(lead + name + vals)
        if rng.random() < 0.05:
            segs.append((f"{rng.randint(2, 9)}、", "other"))  # a page broke after this row
        in_run += 1
        if in_run >= run_len:
            end_run()
            in_run = 0
            run_len = rng.randint(1, 8)
    end_run()
    return out


def _unit_of(value: str) -> str | None:
    m = parse_measure(value) if value else None
    return m.unit if m is not None and m.unit and len(m.unit) <= 3 else None


def _tagged(segs: list[tuple[str, str]]) -> Seq:
    text, tags = [], []
    for t, role in segs:
        if not t:
            continue
        for i, ch in enumerate(t):
            text.append(ch)
            tags.append(("B-" if i == 0 else "I-") + role)
    return Seq("".join(text), tags)


def real_filings(root: Path = ROOT, exclude: set[str] | frozenset = frozenset(),
                 sets: tuple[str, ...] = SETTINGS.real_sets) -> list[tuple[str, dict]]:
    """(label path, label) of every labelled real filing with rows; files (set/text stem) in `exclude` left out."""
    out = []
    for rel, label in load_labels(Path(root) / "tests" / "data" / "real" / "labels"):
        s = rel.split("/")[0]
        key = f"{s}/{Path(label['file']).stem}"
        if s in sets and label.get("indicators") and key not in exclude:
            out.append((rel, label))
    return out


def sequences(root: Path = ROOT, s: TrainSettings = SETTINGS, exclude: frozenset = frozenset()) -> list[Seq]:
    """Every training sequence, in a fixed order."""
    s2t = traditional_converter()
    seqs: list[Seq] = []
    for rel, label in real_filings(root, exclude, s.real_sets):
        total = (label.get("total_weight"), label.get("total_score"))
        for k in range(s.real_renderings):
            seqs.extend(render(label["indicators"], random.Random(f"{s.seed}:real:{rel}:{k}"), s2t, total))
    for i, (_, truth) in enumerate(generate_with_truth(s.generated, seed=s.seed)):
        rows = [r for r in truth.get("indicators", []) if not r.get("skip")]
        total = (truth.get("total_weight"), truth.get("total_score"))
        for k in range(s.generated_renderings):
            seqs.extend(render(rows, random.Random(f"{s.seed}:gen:{i}:{k}"), s2t, total))
    return [q for q in seqs if q.text]


@dataclass
class Trained:
    path: Path
    sequences: int
    characters: int
    seconds: float
    size: int
    sha256: str


def train(out: Path = MODEL_FILE, root: Path = ROOT, s: TrainSettings = SETTINGS,
          exclude: frozenset = frozenset()) -> Trained:
    """Build the training sequences and fit the CRF; writes the model file at `out`."""
    t0 = time.perf_counter()
    seqs = sequences(root, s, exclude)
    trainer = pycrfsuite.Trainer(verbose=False)
    for q in seqs:
        trainer.append(features(q.text), q.tags)
    trainer.set_params({"c1": s.c1, "c2": s.c2, "max_iterations": s.max_iterations,
                        "feature.possible_transitions": True})
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        part = Path(tmp) / out.name
        trainer.train(str(part))
        part.replace(out)
    data = out.read_bytes()
    return Trained(out, len(seqs), sum(len(q.text) for q in seqs), time.perf_counter() - t0, len(data),
                   hashlib.sha256(data).hexdigest())
