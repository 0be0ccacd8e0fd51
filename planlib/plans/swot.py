"""SWOT items: quadrant tables, ranking and means, likely duplicates and contradictions.

A SWOT table (contract table ``swot``) lists items coded S1, W3, … with a quadrant, Thai and
English text and, sometimes, a printed score (the Homeworkers Fund prints a number after each
item, seed 000 appendix L1096–1127; DITP and the Ministry of Labour print none).

Thai is written without spaces between words, so text similarity cannot split on spaces.
Items are **segmented into words with PyThaiNLP's dictionary-based maximal-matching tokenizer
``newmm``** (``pythainlp.tokenize.word_tokenize(text, engine="newmm")``), Thai digits are read
as Arabic ones (``๒๕๕๙`` = ``2559``), and PyThaiNLP's Thai stop words (การ, ของ, ที่ …) and
punctuation are dropped. Two items are then compared on these content words:

* **Jaccard** = |A ∩ B| / |A ∪ B|;
* **containment** = |A ∩ B| / min(|A|, |B|) (1.0 when one item is a shorter copy of the other);
* **longest shared run**: the most consecutive content words the two texts share in order
  (a regulation's full title, for instance).

A pair in the **same quadrant** is a *likely duplicate* when containment ≥ 0.8 (the shorter
item having at least 4 content words) or Jaccard ≥ 0.6. A pair in **different quadrants** is
the *same subject listed twice* when the duplicate rule holds or the longest shared run is
at least 6 content words; it is a *contradiction* when one quadrant is helpful (S, O) and the
other harmful (W, T): for example the Fund regulation B.E. 2559 that is weakness W8 and
opportunity O3 (seed 000 DQ-25). The thresholds were set on the three shipped SWOTs
(hwfund 21, ditp 20, mol 23 items): they flag W3/W5 and W8/O3 (seed 000 DQ-25) and DITP's
O5/T4 (the same "stakeholders want more information" sentence as an opportunity and a threat,
seed 001 §3 notes O5 reads as a demand) and nothing in the Ministry of Labour's list.
These are *likely* findings for the analyst to judge, reported as warnings, never merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from itertools import combinations
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from planlib import charts
from planlib.inputs import checks, messages, thai
from planlib.inputs.dataset import Dataset, Plan
from planlib.inputs.problems import Problem, Problems

if TYPE_CHECKING:
    from pythainlp.util import Trie

QUADRANTS = ("S", "W", "O", "T")
QUADRANT_NAMES: dict[str, tuple[str, str]] = {
    "S": ("จุดแข็ง", "Strengths"),
    "W": ("จุดอ่อน", "Weaknesses"),
    "O": ("โอกาส", "Opportunities"),
    "T": ("อุปสรรค", "Threats"),
}
HELPFUL = frozenset({"S", "O"})
INTERNAL = frozenset({"S", "W"})

DUPLICATE_CONTAINMENT = 0.8
DUPLICATE_MIN_WORDS = 4
DUPLICATE_JACCARD = 0.6
SHARED_RUN_WORDS = 6

LANGUAGES = ("th", "en", "both")


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(" / ".join(messages.text("unknown_language", allowed=", ".join(LANGUAGES), language=language)))


def quadrant_label(quadrant: str, language: str = "both") -> str:
    """``จุดแข็ง / Strengths`` (or one language) for a quadrant letter."""
    _check_language(language)
    th, en = QUADRANT_NAMES[quadrant]
    return {"th": th, "en": en, "both": f"{th} / {en}"}[language]


# ---------------------------------------------------------------- ranking and means


def ranked_items(swot: pd.DataFrame) -> pd.DataFrame:
    """SWOT items in quadrant order S, W, O, T with their rank by printed score within the quadrant.

    ``rank`` = 1 for the highest printed score in the quadrant; tied scores share the best
    rank (pandas ``rank(method="min", ascending=False)``), so hwfund's W1, W2 and W4 (3.85
    each, seed 000 L1104–1107) are all rank 3 behind W3 (3.92) and W7 (3.88). Items without a
    score have no rank. The index (the analyst's row number) is kept.
    """
    frame = swot.copy()
    if "score" not in frame:
        frame["score"] = float("nan")
    frame["rank"] = frame.groupby("quadrant")["score"].rank(method="min", ascending=False).astype("Int64")
    order = frame["quadrant"].map({q: i for i, q in enumerate(QUADRANTS)})
    natural = frame["code"].astype(str).str.extract(r"(\d+)$")[0].astype(float)
    frame = frame.assign(_q=order, _n=natural).sort_values(["_q", "_n", "code"], kind="stable")
    return frame.drop(columns=["_q", "_n"])


def has_scores(swot: pd.DataFrame) -> bool:
    """True when at least one item carries a printed score (the optional ``score`` column)."""
    return "score" in swot and bool(swot["score"].notna().any())


def quadrant_means(swot: pd.DataFrame) -> pd.DataFrame:
    """Per quadrant: number of items, number scored, mean, lowest and highest printed score.

    mean = Σ score / number of scored items in the quadrant (items without a score are left
    out, not counted as 0). Seed 000 §4 "Quadrant means (derived, not in the document)" gives
    hwfund S 3.656, W 3.809, O 3.608, T 3.630. Index: quadrant letter S, W, O, T (all four,
    even when a quadrant has no items).
    """
    score = swot["score"] if "score" in swot else pd.Series(float("nan"), index=swot.index)
    grouped = score.groupby(swot["quadrant"])
    out = pd.DataFrame({
        "items": swot.groupby("quadrant").size(),
        "scored": grouped.count(),
        "mean_score": grouped.mean(),
        "min_score": grouped.min(),
        "max_score": grouped.max(),
    }).reindex(list(QUADRANTS))
    out["items"] = out["items"].fillna(0).astype(int)
    out["scored"] = out["scored"].fillna(0).astype(int)
    out.index.name = "quadrant"
    return out


def quadrant_table(swot: pd.DataFrame, quadrant: str, language: str = "both") -> pd.DataFrame:
    """The items of one quadrant for display: code, text (Thai, English or both), score, rank.

    Ranking as in :func:`ranked_items`. Columns are named in the report's language.
    """
    _check_language(language)
    items = ranked_items(swot)
    items = items[items["quadrant"] == quadrant]
    columns: dict[str, pd.Series] = {"รหัส / Code": items["code"]}
    if language in ("th", "both"):
        columns["ข้อความ (ไทย)"] = items["text_th"]
    if language in ("en", "both"):
        columns["Text (English)"] = items["text_en"] if "text_en" in items else pd.Series(pd.NA, index=items.index)
    if has_scores(items):
        columns["คะแนนที่พิมพ์ / Printed score"] = items["score"]
        columns["อันดับในกลุ่ม / Rank"] = items["rank"]
    return pd.DataFrame(columns).reset_index(drop=True)


def means_table(swot: pd.DataFrame, language: str = "both") -> pd.DataFrame:
    """:func:`quadrant_means` with quadrant names for display."""
    means = quadrant_means(swot)
    return pd.DataFrame({
        "กลุ่ม / Quadrant": [quadrant_label(q, language) for q in means.index],
        "จำนวน / Items": means["items"].to_numpy(),
        "มีคะแนน / Scored": means["scored"].to_numpy(),
        "ค่าเฉลี่ย / Mean": means["mean_score"].to_numpy(),
        "ต่ำสุด / Min": means["min_score"].to_numpy(),
        "สูงสุด / Max": means["max_score"].to_numpy(),
    })


# ---------------------------------------------------------------- Thai-aware similarity

_WORDLIKE = re.compile(r"[\u0e01-\u0e2e0-9a-z]")


@cache
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords  # pythainlp is heavy: loaded when text is first compared

    return frozenset(thai_stopwords())


@cache
def _thai_words() -> tuple[frozenset[str], int]:
    """PyThaiNLP's Thai word list and the length of its longest word."""
    from pythainlp.corpus import thai_words  # heavy, see _stopwords

    words = thai_words()
    return words, max(map(len, words))


def _dictionary_for(text: str) -> Trie:
    """A PyThaiNLP trie of the dictionary words that occur in ``text``.

    newmm only ever matches dictionary words that are substrings of the text, so segmenting with
    this small trie gives exactly the tokens of the full dictionary. Building the full 62,000-word
    trie costs about 2 s in every new process (each report kernel); this costs milliseconds.
    """
    from pythainlp.util import Trie  # heavy, see _stopwords

    words, longest = _thai_words()
    pieces = {text[i:j] for i in range(len(text)) for j in range(i + 1, min(len(text), i + longest) + 1)}
    return Trie(pieces & words)


@cache
def content_words(text: str) -> tuple[str, ...]:
    """Content words of a Thai (or mixed Thai/English) text, in order.

    Segmentation: PyThaiNLP ``word_tokenize(engine="newmm")`` (dictionary maximal matching);
    Thai digits → Arabic; lower-cased; whitespace, punctuation, ``ฯ`` and PyThaiNLP's Thai
    stop words removed.

    >>> content_words("ระบบเทคโนโลยีสารสนเทศของกองทุนฯ ยังไม่ครอบคลุมทุกกระบวนการ เช่น การยื่นคำขอกู้")  # doctest: +SKIP
    ('ระบบ', 'เทคโนโลยีสารสนเทศ', 'กองทุน', 'ครอบคลุม', 'กระบวนการ', 'ยื่นคำขอ', 'กู้')
    """
    from pythainlp.tokenize import word_tokenize  # heavy, see _stopwords

    stop = _stopwords()
    words = []
    text = thai.thai_to_arabic_digits(text)
    for word in word_tokenize(text, custom_dict=_dictionary_for(text), engine="newmm", keep_whitespace=False):
        word = word.strip().lower()
        if word and word not in stop and _WORDLIKE.search(word):
            words.append(word)
    return tuple(words)


def _longest_run(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Length of the longest run of consecutive words shared by ``a`` and ``b`` (dynamic programming)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for word in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, start=1):
            if word == other:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def text_similarity(text_a: str, text_b: str) -> dict[str, float]:
    """Jaccard, containment and longest shared run of two texts' :func:`content_words`.

    jaccard = |A ∩ B| / |A ∪ B|; containment = |A ∩ B| / min(|A|, |B|); run = longest run of
    consecutive shared words. Also returns the word counts ``words_a``/``words_b``.
    """
    a, b = content_words(text_a), content_words(text_b)
    set_a, set_b = set(a), set(b)
    shared = len(set_a & set_b)
    union = len(set_a | set_b)
    smaller = min(len(set_a), len(set_b))
    return {
        "jaccard": shared / union if union else 0.0,
        "containment": shared / smaller if smaller else 0.0,
        "run": float(_longest_run(a, b)),
        "words_a": float(len(set_a)),
        "words_b": float(len(set_b)),
    }


def _kind(q_a: str, q_b: str, sim: dict[str, float]) -> str | None:
    """``duplicate`` / ``contradiction`` / ``listed_twice`` or ``None`` (rules in the module docstring)."""
    shorter = min(sim["words_a"], sim["words_b"])
    contained = sim["containment"] >= DUPLICATE_CONTAINMENT and shorter >= DUPLICATE_MIN_WORDS
    near_copy = contained or sim["jaccard"] >= DUPLICATE_JACCARD
    if q_a == q_b:
        return "duplicate" if near_copy else None
    if not (near_copy or sim["run"] >= SHARED_RUN_WORDS):
        return None
    return "contradiction" if (q_a in HELPFUL) != (q_b in HELPFUL) else "listed_twice"


def similar_items(swot: pd.DataFrame) -> pd.DataFrame:
    """Likely duplicates, contradictions and items listed in two quadrants.

    One row per flagged pair: ``code_a``, ``code_b``, ``quadrant_a``, ``quadrant_b``,
    ``kind`` (``duplicate`` same quadrant; ``contradiction`` helpful vs harmful quadrant, e.g.
    W8/O3; ``listed_twice`` S/O or W/T), ``jaccard``, ``containment``, ``shared_run`` and the
    analyst's rows ``row_a``/``row_b``. Rules and thresholds: module docstring. Pairs are
    compared on ``text_th`` (``text_en`` when an item has no Thai text).
    """
    columns = ["code_a", "code_b", "quadrant_a", "quadrant_b", "kind", "jaccard", "containment", "shared_run"]
    columns += ["row_a", "row_b"]
    rows = []
    items = ranked_items(swot)
    texts = items["text_th"].where(items["text_th"].notna(), items.get("text_en"))
    for (row_a, a), (row_b, b) in combinations(list(items.iterrows()), 2):
        text_a, text_b = texts.loc[row_a], texts.loc[row_b]
        if not isinstance(text_a, str) or not isinstance(text_b, str):
            continue
        sim = text_similarity(text_a, text_b)
        kind = _kind(a["quadrant"], b["quadrant"], sim)
        if kind:
            pair = [a["code"], b["code"], a["quadrant"], b["quadrant"], kind]
            rows.append([*pair, sim["jaccard"], sim["containment"], int(sim["run"]), row_a, row_b])
    return pd.DataFrame(rows, columns=columns)


KIND_CODES = {"duplicate": "swot_duplicate", "contradiction": "swot_contradiction", "listed_twice": "swot_listed_twice"}
"""The message of each kind of flagged pair (:mod:`planlib.inputs.messages`)."""


def _explain(pair: pd.Series) -> tuple[str, dict[str, object]]:
    """The message code and values of one flagged pair, about ``code_b`` (:mod:`planlib.inputs.messages`)."""
    values = {
        "item": pair["code_b"],
        "other": pair["code_a"],
        "first": _singular(pair["quadrant_a"]),
        "second": _singular(pair["quadrant_b"]),
        "first_th": QUADRANT_NAMES[pair["quadrant_a"]][0],
        "second_th": QUADRANT_NAMES[pair["quadrant_b"]][0],
        "shared": pair["containment"],
        "run": pair["shared_run"],
    }
    return KIND_CODES[pair["kind"]], values


def similarity_findings(swot: pd.DataFrame) -> pd.DataFrame:
    """:func:`similar_items` as display rows with a Thai and English explanation."""
    out = []
    for _, pair in similar_items(swot).iterrows():
        code, values = _explain(pair)
        en, th = messages.text(code, **values)
        out.append({
            "รหัส / Codes": f"{pair['code_a']} – {pair['code_b']}",
            "ประเภท / Kind": pair["kind"],
            "คำอธิบาย": th,
            "Explanation": en,
        })
    return pd.DataFrame(out, columns=["รหัส / Codes", "ประเภท / Kind", "คำอธิบาย", "Explanation"])


def swot_similar_items(dataset: Dataset) -> Iterator[Problem]:
    """Warn about likely duplicate and contradictory SWOT items (as printed; never merged)."""
    swot = dataset.tables.get("swot")
    if swot is None or len(swot) < 2 or "text_th" not in swot:
        return
    swot = swot[swot["quadrant"].isin(QUADRANTS) & swot["code"].notna()]
    for _, pair in similar_items(swot).iterrows():
        code, values = _explain(pair)
        yield checks.located(dataset, "warning", code, "swot", pair["row_b"], "text_th", pair["code_b"], **values)


def _singular(quadrant: str) -> str:
    return {"S": "strength", "W": "weakness", "O": "opportunity", "T": "threat"}[quadrant]


# ---------------------------------------------------------------- report helpers

REPORT_TABLES = ("swot", "tows", "strategies", "projects", "budgets")
"""Tables the swot report reads; their problems make its data-quality section."""


def report_problems(plan: Plan) -> Problems:
    """The plan's problems (errors and warnings, not normalisation changes) in :data:`REPORT_TABLES`."""
    return Problems(p for p in plan.problems if p.table in REPORT_TABLES and p.severity != "change")


def source_note(plan: Dataset) -> str:
    """``<organisation name>; <source of the SWOT rows>`` for chart and table captions.

    The source is the part of ``swot.source`` before its first comma when all rows share it
    (``seed 000 appendix SWOT``); otherwise the table name.
    """
    name = plan.org_name
    swot = plan.tables.get("swot")
    where = "ตาราง swot"
    if swot is not None and "source" in swot and swot["source"].notna().any():
        heads = {str(s).split(",")[0].strip() for s in swot["source"].dropna()}
        if len(heads) == 1:
            where = heads.pop()
    return f"{name}; {where}"


# ---------------------------------------------------------------- the 2×2 chart

_QUADRANT_COLOURS = {"S": "#e3f1e8", "W": "#fbe9dc", "O": "#e1ecf5", "T": "#f6e0de"}
_QUADRANT_EDGES = {"S": "#4c9f70", "W": "#e07b39", "O": "#1f5f8b", "T": "#c0392b"}


def wrap_words(text: str, width: int = 44) -> list[str]:
    """Wrap Thai (or mixed) text at word boundaries into lines of at most ``width`` display columns.

    Words are PyThaiNLP ``newmm`` tokens (spaces kept; the dictionary cut to the words in ``text``,
    as in :func:`content_words`, which gives the same tokens), so a Thai line never ends inside a
    word; display width skips combining marks (ไม้เอก, สระบน …), which take no column. Greedy
    fill: a word goes on the current line if it fits, else starts the next one. A single word
    longer than ``width`` is split by :func:`planlib.charts.wrap_thai`, which breaks only
    between a consonant cluster and the next base consonant. Width is
    :func:`planlib.inputs.thai.display_width`.
    """
    from pythainlp.tokenize import word_tokenize  # heavy, see _stopwords

    lines: list[str] = []
    current = ""
    for token in word_tokenize(text, custom_dict=_dictionary_for(text), engine="newmm", keep_whitespace=True):
        if thai.display_width(current + token) <= width:
            current += token
            continue
        if current.strip():
            lines.append(current.rstrip())
        current = token.lstrip()
        while thai.display_width(current) > width:
            head, *rest = charts.wrap_thai(current, width).split("\n")
            lines.append(head)
            current = "".join(rest)
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def _item_lines(items: pd.DataFrame, language: str, width: int) -> list[list[str]]:
    """Wrapped lines per item: ``S1 (3.62) text…`` (score only when printed)."""
    out = []
    for _, item in items.iterrows():
        text = item["text_en"] if language == "en" and isinstance(item.get("text_en"), str) else item["text_th"]
        score = f" ({item['score']:.2f})" if pd.notna(item.get("score")) else ""
        out.append(wrap_words(f"{item['code']}{score} {text}", width))
    return out


def quadrant_chart(swot: pd.DataFrame, *, title: str, source: str, language: str = "both", width: int = 46) -> Figure:
    """The SWOT 2×2: strengths and weaknesses on top (internal), opportunities and threats below.

    Every item is shown in full as ``code (printed score) text``, wrapped by
    :func:`wrap_words` at ``width`` display columns so Thai lines break between words (newmm
    segmentation), never inside one. Thai text for ``th`` and ``both`` (the tables carry the
    English), English for ``en``. Each row of panels is as tall as its longer panel, so no
    text is cut or shrunk: the figure grows with the SWOT.
    """
    _check_language(language)
    charts.use_thai_font()
    items = ranked_items(swot)
    lines = {q: _item_lines(items[items["quadrant"] == q], language, width) for q in QUADRANTS}
    gap = 0.45  # blank line-heights between items
    heights = {q: sum(len(x) for x in lines[q]) + gap * max(len(lines[q]) - 1, 0) + 2.2 for q in QUADRANTS}
    top, bottom = max(heights["S"], heights["W"]), max(heights["O"], heights["T"])
    line_inch = 0.175
    size = (7.6, (top + bottom) * line_inch + 0.9)
    fig, axes = plt.subplots(2, 2, figsize=size, layout="constrained", gridspec_kw={"height_ratios": [top, bottom]})
    fig.suptitle(title, fontsize=12)
    panels = ((axes[0, 0], "S", top), (axes[0, 1], "W", top), (axes[1, 0], "O", bottom), (axes[1, 1], "T", bottom))
    for ax, quadrant, rows in panels:
        ax.set_xlim(0, 1)
        ax.set_ylim(rows, 0)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        colour, edge = _QUADRANT_COLOURS[quadrant], _QUADRANT_EDGES[quadrant]
        ax.add_patch(Rectangle((0, 0), 1, rows, facecolor=colour, edgecolor=edge, lw=1.2))
        label = quadrant_label(quadrant, "en" if language == "en" else "both")
        ax.text(0.02, 0.9, label, fontsize=10.5, color=edge, va="center")
        y = 2.0
        for item in lines[quadrant]:
            for line in item:
                ax.text(0.02, y, line, fontsize=8, va="center")
                y += 1
            y += gap
        if not lines[quadrant]:
            ax.text(0.02, 2.0, "ไม่มีรายการ / none", fontsize=8.5, va="center", color="#777777")
    axes[0, 0].set_ylabel("ปัจจัยภายใน / Internal", fontsize=9)
    axes[1, 0].set_ylabel("ปัจจัยภายนอก / External", fontsize=9)
    axes[1, 0].set_xlabel("เป็นผลดี / Helpful", fontsize=9)
    axes[1, 1].set_xlabel("เป็นผลเสีย / Harmful", fontsize=9)
    charts.add_source(fig, source)
    return fig
