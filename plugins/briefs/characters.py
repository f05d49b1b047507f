"""Characters no field or body may contain, found fast (one regex scan).

Control characters (other than tab and newline), lone surrogates and Unicode
noncharacters (U+FFFE, U+FFFF, U+FDD0-U+FDEF...) are invisible on a page,
make an Atom feed invalid XML, and usually arrive by accident in pasted text.
"""

from __future__ import annotations

import re
import unicodedata

_NONCHARACTER_PAIRS = "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTER_PAIRS + "]"
)
# The same without the noncharacters beyond the first plane, and any
# character beyond it: a text without those (nearly every one) is scanned
# with the short class, ten times faster than the long one.
_FORBIDDEN_BMP = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def first_forbidden(text: str) -> re.Match | None:
    """The first character FORBIDDEN names in `text`, or None."""
    if not text.isascii() and _ASTRAL.search(text):
        return FORBIDDEN.search(text)
    return _FORBIDDEN_BMP.search(text)


# Letters and symbols drawn as blank space: Hangul fillers, blank braille.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible(text: str) -> bool:
    """Whether `text` shows anything: a letter, digit, punctuation mark or
    symbol. Spaces, format characters (U+200B, U+202E) and lone combining
    marks alone would make a link with no visible name."""
    return any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK for c in text)


def describe(char: str) -> str:
    """'U+0007 (a control character)', for messages."""
    point = ord(char)
    if 0xD800 <= point <= 0xDFFF:
        kind = "a lone surrogate"
    elif point < 0x20 or 0x7F <= point <= 0x9F:
        kind = "a control character"
    else:
        kind = "a Unicode noncharacter"
    return f"U+{point:04X} ({kind})"


def escaped(text: str) -> str:
    """`text` for a one-line message: every character a terminal would not
    show as itself (line breaks, escapes, bidirectional controls, spaces
    other than ' ') written as a Python escape, \\x0a, \\x1b or \\u202e, so
    a file name or key cannot forge lines or recolour the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(ord(c)) for c in text)


def _escape(point: int) -> str:
    if point < 0x100:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"
