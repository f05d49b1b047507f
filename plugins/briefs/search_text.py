"""Text → search terms, exactly as the browser turns a query into terms.

theme/static/js/search-core.js mirrors every rule here (fold, words, terms);
tests/test_search_index.py runs both on the same strings and compares:
- fold: NFKD, drop combining marks (not the kana voicing marks, which change
  the letter), NFC, casefold; so "Núñez" and "NUNEZ" are both "nunez";
- words: runs of letters and digits; CJK scripts (Han, kana, Hangul) form
  their own runs; other runs shorter than two characters are dropped;
- terms: other words are stemmed with Snowball English (Porter2): the
  `snowballstemmer` package here, its Snowball-generated JavaScript in the
  browser (theme/static/js/snowball-english.js, the same Snowball release);
  a CJK run gives its overlapping character pairs plus its last character,
  so any word of two or more characters is found by its pairs and a single
  character by the pairs it starts (as a prefix) or ends.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from functools import cache

import snowballstemmer

# Han (with compatibility ideographs and the supplementary planes), kana
# (with halfwidth forms), Hangul syllables and jamo, and the ideographic
# iteration marks. Kept in step with CJK in search-core.js.
CJK = (
    "\u1100-\u11ff\u3005-\u3007\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    "\uff66-\uff9f\U00020000-\U0003ffff"
)
_KANA_VOICING = {0x3099, 0x309A}
_CJK_CHAR = re.compile(f"[{CJK}]")
_WORD = re.compile(f"[{CJK}]+|[^\\W_{CJK}]{{2,}}")
_ASCII_WORD = re.compile(r"[a-z0-9]{2,}")
MIN_WORD = 2


# Planes with combining marks: the BMP, the SMP and the variation selectors
# supplement (plane 14); the CJK planes 2 and 3 have none.
_MARK_PLANES = (range(0x20000), range(0xE0000, 0xE1000))


@cache
def _marks() -> re.Pattern:
    """Every combining mark (Mn) but the kana voicing marks, as one class
    (built on first use: scanning the planes takes a few tens of ms)."""
    marks = [
        chr(code)
        for code in itertools.chain(*_MARK_PLANES)
        if unicodedata.category(chr(code)) == "Mn" and code not in _KANA_VOICING
    ]
    return re.compile("[" + "".join(marks) + "]")


def fold(text: str) -> str:
    """Lower case without accents: what both sides compare."""
    if text.isascii():
        return text.lower()
    text = _marks().sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFC", text).casefold()


def words(folded: str) -> list[str]:
    """The words of folded text, in order."""
    if folded.isascii():
        return _ASCII_WORD.findall(folded)
    return _WORD.findall(folded)


_stemmer = snowballstemmer.stemmer("english")
_stems: dict[str, str] = {}


def stem(word: str) -> str:
    """The Snowball English stem, remembered (a collection repeats its words)."""
    found = _stems.get(word)
    if found is None:
        found = _stems[word] = _stemmer.stemWord(word)
    return found


def is_cjk(word: str) -> bool:
    return bool(_CJK_CHAR.match(word))


def cjk_terms(run: str) -> list[str]:
    """Overlapping pairs of a CJK run, and its last character."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def terms(text: str) -> list[str]:
    """The index terms of a text, in order (repeats kept: they are counts)."""
    folded = fold(text)
    if folded.isascii():
        return [stem(word) for word in _ASCII_WORD.findall(folded)]
    found: list[str] = []
    for word in _WORD.findall(folded):
        if is_cjk(word):
            found.extend(cjk_terms(word))
        else:
            found.append(stem(word))
    return found


# Rendered Markdown → plain text with one line per block, and its headings.
_FOOTNOTE_REF = re.compile(r"<sup id=\"fnref[^\"]*\">.*?</sup>", re.S)
_FOOTNOTE_BACK = re.compile(r"<a [^>]*class=\"footnote-backref\"[^>]*>.*?</a>", re.S)
_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.S | re.I)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_BLOCK_END = re.compile(
    r"</(?:p|li|h[1-6]|blockquote|pre|tr|dd|dt|figcaption|caption|div|table"
    r"|ul|ol|dl|section|details|summary)\s*>|<br\s*/?>|<hr\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def html_text(body_html: str) -> tuple[str, list[str]]:
    """(the text of the body, one line per paragraph; its headings)."""
    body = _FOOTNOTE_BACK.sub("", _FOOTNOTE_REF.sub("", body_html))
    headings = [_plain(match.group(2)) for match in _HEADING.finditer(body)]
    body = _BLOCK_END.sub("\n", _CELL_END.sub(" ", body))
    return _plain(body, lines=True), headings


def _plain(fragment: str, lines: bool = False) -> str:
    text = html.unescape(_TAG.sub("", fragment))
    text = _SPACE.sub(" ", text)
    if lines:
        return _BLANK_LINES.sub("\n", text).strip()
    return " ".join(text.split())
