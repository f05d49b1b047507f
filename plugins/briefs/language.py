"""The language a brief is written in, for formats that must declare it.

Front matter has no language key (`lang` would make Pelican treat the brief
as a translation), and the site is English. A brief written in Japanese,
Korean or Chinese is recognised by its script, which is unambiguous: kana
is only Japanese, hangul only Korean, Han characters without either are
Chinese. Anything else is the site's language.
"""

from __future__ import annotations

import re

_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"\w")
# Any of the three scripts (one pass over a text that has none, as most do).
_ANY = re.compile(f"{_KANA.pattern}|{_HANGUL.pattern}|{_HAN.pattern}")
# Japanese and Chinese leave no space between words (Korean does): their
# text is counted by its characters (reading.word_count).
UNSPACED_LANGUAGES = frozenset({"ja", "zh"})
UNSPACED_CHARACTER = re.compile(f"{_KANA.pattern}|{_HAN.pattern}")

# The script must carry at least this share of the letters: an English brief
# that quotes a Japanese term stays English.
MAJORITY = 0.5


def text_language(text: str, default: str) -> str:
    """'ja', 'ko', 'zh' for text mostly in those scripts, else `default`."""
    if not _ANY.search(text):  # most briefs: no letter to count
        return default
    kana, hangul, han = (len(p.findall(text)) for p in (_KANA, _HANGUL, _HAN))
    letters = len(_LETTER.findall(text))
    if kana and (kana + han) / letters >= MAJORITY:
        return "ja"
    if hangul and (hangul + han) / letters >= MAJORITY:
        return "ko"
    if han / letters >= MAJORITY:
        return "zh"
    return default
