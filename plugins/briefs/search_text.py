"""Text → search terms, exactly as the browser turns a query into terms.

theme/static/js/search-core.js mirrors every rule here (fold, words, terms);
tests/test_search_index.py runs both on the same strings and compares:
- fold: NFKD, drop combining marks (not the kana voicing marks, which change
  the letter), NFC, casefold, and spell out a few Latin letters NFKD keeps
  (ø → o, æ → ae, ...); so "Núñez" and "NUNEZ" are both "nunez", and
  "Søren" is "soren";
- words: runs of letters and digits; CJK scripts (Han, kana, Hangul) form
  their own runs; other runs shorter than two characters are dropped;
- terms: other words are stemmed with Snowball English (Porter2): here by
  PyStemmer, the C build of the Snowball release `snowballstemmer` is (its
  Python build, the fallback), in the browser by the same release's
  Snowball-generated JavaScript (theme/static/js/snowball-english.js);
  a CJK run gives its overlapping character pairs plus its last character,
  so any word of two or more characters is found by its pairs and a single
  character by the pairs it starts (as a prefix) or ends.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections import Counter
from functools import cache

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
_MARK_PLANES = (range(0x300, 0x20000), range(0xE0000, 0xE1000))
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@cache
def _marks() -> dict[int, None]:
    """Every combining mark (Mn) but the kana voicing marks, as a table for
    str.translate (built on first use, in about 15 ms; a regular expression
    class of them all is a hundred times slower to apply)."""
    return {
        code: None
        for code in itertools.chain(*_MARK_PLANES)
        if unicodedata.category(chr(code)) == "Mn" and code not in _KANA_VOICING
    }


# Latin letters that NFKD leaves whole, as English readers type them (the
# same letters as Pelican's slugs: "Søren Kjærgaard" → soren-kjaergaard).
LETTERS = {
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ħ": "h", "ı": "i", "ŧ": "t", "ŀ": "l",
}  # fmt: skip
_LETTERS = str.maketrans(LETTERS)


def _fold_run(run: re.Match) -> str:
    text = unicodedata.normalize("NFKD", run.group()).translate(_marks())
    return unicodedata.normalize("NFC", text).casefold().translate(_LETTERS)


def fold(text: str) -> str:
    """Lower case without accents: what both sides compare.

    The same as NFC(NFKD(text) without marks).casefold() with LETTERS
    spelled out, done only on the
    runs of non-ASCII characters (English text has few): every step is
    local to such a run, since no ASCII character composes with a later one
    once the marks are gone."""
    text = text.lower()
    return text if text.isascii() else _NON_ASCII.sub(_fold_run, text)


def words(folded: str) -> list[str]:
    """The words of folded text, in order."""
    if folded.isascii():
        return _ASCII_WORD.findall(folded)
    return _WORD.findall(folded)


# PyStemmer's C build (requirements.txt pins it), else snowballstemmer's
# Python build of the same release: the same stems. (snowballstemmer would
# hand over to PyStemmer too, after importing its 33 languages' Python
# stemmers: 20-30 ms of every build process's start.)
try:
    from Stemmer import Stemmer
except ImportError:  # pragma: no cover (PyStemmer is pinned)
    from snowballstemmer import stemmer as Stemmer
_stemmer = Stemmer("english")
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
    found: list[str] = []
    for word in words(fold(text)):
        if is_cjk(word):
            found.extend(cjk_terms(word))
        else:
            found.append(stem(word))
    return found


# Punctuation common in English text: never part of a word, so a space
# gives the same terms, and text with no other non-ASCII stays on the fast
# path of `fold`.
_SEPARATORS = ("\u2019", "\u2018", "\u201c", "\u201d", "\u2013", "\u2014", "\xa0")
# UTF-8 bytes → spaces for ASCII bytes that are not letters or digits;
# bytes of other characters stay (their tokens are split again, in `_terms_of`).
_SPLIT = bytes(
    byte if byte >= 128 or chr(byte).isalnum() else 32 for byte in range(256)
)
_token_terms: dict[bytes, tuple[str, ...]] = {}


class _AsciiTerms(dict):
    """An ASCII token → its one term, or "" when it is too short to be a
    word; each distinct token stemmed once per process."""

    def __missing__(self, token: bytes) -> str:
        term = self[token] = (
            stem(token.decode("ascii")) if len(token) >= MIN_WORD else ""
        )
        return term


_ascii_terms = _AsciiTerms()


def _terms_of(token: bytes) -> tuple[str, ...]:
    """The terms of one space-free token of folded text."""
    if token.isascii():
        term = _ascii_terms[token]
        return (term,) if term else ()
    found: list[str] = []
    for part in _WORD.findall(token.decode("utf-8")):
        found.extend(cjk_terms(part) if is_cjk(part) else [stem(part)])
    return tuple(found)


def term_counts(text: str) -> dict[str, int]:
    """Counter(terms(text)) as a dict, several times faster: the folded text
    is split at ASCII punctuation and counted in C, and each distinct token
    is turned into terms once per process. (ASCII text, most of it, has one
    term or none per token: its terms are looked up and counted in C.)"""
    for separator in _SEPARATORS:
        if separator in text:
            text = text.replace(separator, " ")
    folded = fold(text)
    if folded.isascii():
        counts = Counter(
            map(_ascii_terms.__getitem__, folded.encode().translate(_SPLIT).split())
        )
        counts.pop("", None)
        return counts
    counts = {}
    known = _token_terms.get
    found = counts.get
    for token, n in Counter(folded.encode("utf-8").translate(_SPLIT).split()).items():
        token_terms = known(token)
        if token_terms is None:
            token_terms = _token_terms[token] = _terms_of(token)
        for term in token_terms:
            counts[term] = found(term, 0) + n
    return counts


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
_BLOCK = "\x1e"  # a block's end, until the text is cut into lines


def html_text(body_html: str) -> tuple[str, list[str]]:
    """(the text of the body, one line per paragraph; its headings)."""
    body = _FOOTNOTE_BACK.sub("", _FOOTNOTE_REF.sub("", body_html))
    headings = [" ".join(_inline(m.group(2)).split()) for m in _HEADING.finditer(body)]
    body = _BLOCK_END.sub(_BLOCK, _CELL_END.sub(" ", body))
    text = _single_spaces(_inline(body))
    lines = (line.strip() for line in text.split(_BLOCK))
    return "\n".join(line for line in lines if line), headings


def _single_spaces(text: str) -> str:
    """Soft line breaks, tabs and runs of spaces → one space (str methods:
    a regular expression is several times slower here)."""
    for space in "\n\t\r":
        if space in text:
            text = text.replace(space, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _inline(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))
