"""Python-Markdown's inline pass, with the same output in about half the time.

Python-Markdown tries every inline pattern (about 20 standard ones plus
`smarty`'s 18) on every run of text through `InlineProcessor.__applyPattern`,
a Python call that mostly ends in "no match". Profiled on the benchmark
corpus, those calls were 70 % of rendering a brief. Here one search of the
text for the first characters of the patterns' required strings (below)
picks the patterns worth asking; the others are skipped outright. For each
of those, the loop first asks whether it can match at all: a string every
match must contain
(`"` for a quote pattern, `---` for an em dash; found by reading the
expression's parse tree) is looked for in the text, then the compiled
expression is searched from the current position, both in C; only then is
the original method called. When the pattern cannot match, the original
would have returned `(data, False, 0)` too (a failed `finditer` from the same
position), so the result is identical, pattern for pattern;
`tests/test_rendering.py` compares both on real and tricky texts.

Links and images find their text and address by reading one character at a
time from each `[` and `(` to where it closes, or to the end of the text
when it never does: thousands of brackets or unfinished links took
Python-Markdown seconds, growing with the square of their number. Here each
text's brackets, parentheses and quotes are read once (`LinearLinks`), and
each reference to a footnote gets its id without walking the footnote's ids
from the first (`LinearFootnoteRefs`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from markdown import util
from markdown.extensions import Extension
from markdown.extensions.footnotes import RE_REF_ID, FootnoteExtension
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import InlineProcessor

# The tree processors that run inline patterns: the standard pass and the
# separate one the smarty extension registers.
INLINE_PASSES = ("inline", "smarty")
# What an inline pass puts in place of a match: STX, "klzzwxh:", digits, ETX.
PLACEHOLDER_CHARACTERS = frozenset(util.INLINE_PLACEHOLDER % "0123456789")


try:  # the parser behind `re`; without it every pattern is simply searched
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover (Python < 3.11 or a future rename)
    sre = sre_parse = None


def required_strings(regex: re.Pattern) -> tuple[str, ...] | None:
    """Strings at least one of which every match of `regex` contains, or None
    when that cannot be told (the pattern is then always searched)."""
    if sre_parse is None or regex.flags & re.IGNORECASE:
        return None
    try:
        return _in_sequence(sre_parse.parse(regex.pattern, regex.flags))
    except Exception:  # an expression the analysis does not know: no shortcut
        return None


def _in_sequence(items) -> tuple[str, ...] | None:
    """The first element (or run of literal characters) of a sequence that
    requires something, if any."""
    items = list(items)
    for index, (op, value) in enumerate(items):
        if op is sre.LITERAL:
            run = [chr(value)]
            for next_op, next_value in items[index + 1 :]:
                if next_op is not sre.LITERAL:
                    break
                run.append(chr(next_value))
            return ("".join(run),)
        found = _in_element(op, value)
        if found:
            return found
    return None


def _in_element(op, value) -> tuple[str, ...] | None:
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, _, body = value
        if low < 1:
            return None
        body = list(body)
        if len(body) == 1 and body[0][0] is sre.LITERAL:
            return (chr(body[0][1]) * low,)
        return _in_sequence(body)
    if op is sre.ASSERT:  # (?=...) or (?<=...): in the text, if not in the match
        return _in_sequence(value[1])
    if op is sre.SUBPATTERN:
        _, added_flags, _, body = value
        return None if added_flags & re.IGNORECASE else _in_sequence(body)
    if op is sre.IN and all(kind is sre.LITERAL for kind, _ in value):
        return tuple(chr(code) for _, code in value)
    if op is sre.BRANCH:
        options = [_in_sequence(branch) for branch in value[1]]
        if any(found is None for found in options):
            return None
        return tuple(dict.fromkeys(text for found in options for text in found))
    return None  # assertions, classes, anchors, back-references: no literal


class FastInlineProcessor(InlineProcessor):
    """`InlineProcessor` that skips patterns which cannot match."""

    def run(self, tree, ancestors=None):
        # The registry is fixed during a run; index it once, not per call
        # (and once per process while it holds the same patterns).
        key = tuple(map(id, self.inlinePatterns))
        if getattr(self, "_indexed", None) != key:
            self._patterns, self._possible, self._stable = _index(
                list(self.inlinePatterns)
            )
            self._indexed = key
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern
        patterns = self._patterns
        possible = self._possible(data)
        startIndex = 0
        while True:
            # The next pattern that may match: one whose required strings
            # have their first character in the text, or one that has none.
            at = bisect.bisect_left(possible, patternIndex)
            if at == len(possible):
                return data
            if possible[at] != patternIndex:
                patternIndex, startIndex = possible[at], 0
            pattern, new_style, required = patterns[patternIndex]
            # The required strings are looked for in a text a pattern has not
            # matched yet (startIndex 0): after each match the text before
            # startIndex is placeholders, and searching all of it again per
            # match made a text of thousands of matches take seconds.
            if new_style and (
                (startIndex == 0 and required is not None and not required(data))
                or pattern.compiled_re.search(data, startIndex) is None
            ):
                patternIndex, startIndex = patternIndex + 1, 0
                continue
            data, matched, startIndex = apply(pattern, data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
            elif not self._stable:  # a placeholder may have made more possible
                possible = self._possible(data)


def _index(patterns: list) -> tuple[list, Callable[[str], tuple[int, ...]], bool]:
    """Each pattern with its required-strings search; a function giving the
    indexes of the patterns that may match a text, in order: those with a
    required string whose first character is in it, and those for which
    none is known (old-style patterns, expressions the analysis cannot
    read); and whether those stay all that may match once a match has been
    replaced by a placeholder (it is made of characters none requires
    first, and a match only ever takes text out)."""
    entries, by_character, always = [], {}, []
    for index, pattern in enumerate(patterns):
        new_style = isinstance(pattern, InlinePattern)
        strings, search = _required(pattern.compiled_re) if new_style else (None, None)
        entries.append((pattern, new_style, search))
        if strings is None:
            always.append(index)
        for character in {text[0] for text in strings or ()}:
            by_character.setdefault(character, []).append(index)
    stable = PLACEHOLDER_CHARACTERS.isdisjoint(by_character)
    if not by_character:
        return entries, lambda data: tuple(always), stable
    present = re.compile(f"[{re.escape(''.join(by_character))}]").findall
    known: dict[frozenset, tuple[int, ...]] = {}

    def possible(data: str) -> tuple[int, ...]:
        characters = frozenset(present(data))
        if characters not in known:
            indexes = set(always)
            for character in characters:
                indexes.update(by_character[character])
            known[characters] = tuple(sorted(indexes))
        return known[characters]

    return entries, possible, stable


_REQUIRED: dict[tuple[str, int], tuple[tuple[str, ...] | None, Callable | None]] = {}


def _required(regex: re.Pattern) -> tuple[tuple[str, ...] | None, Callable | None]:
    """`required_strings` of `regex` and a search for any of them (one C
    call per text, not a generator), or (None, None); worked out once per
    expression for the life of the process (it depends on nothing else)."""
    key = (regex.pattern, regex.flags)
    if key not in _REQUIRED:
        strings = required_strings(regex)
        search = None
        if strings is not None:
            search = re.compile("|".join(map(re.escape, strings))).search
        _REQUIRED[key] = (strings, search)
    return _REQUIRED[key]


def required_search(regex: re.Pattern) -> Callable[[str], object] | None:
    """A search for the strings one of which every match of `regex`
    contains: None (no match possible) when a text has none of them. None
    instead of a search when no such strings are known."""
    return _required(regex)[1]


_BRACKET = re.compile(r"[\[\]]")
_PAREN = re.compile(r"[()]")
_QUOTE = re.compile(r"""['"]""")
# How far a link's text or address is looked through for its end before the
# whole text's brackets, parentheses and quotes are read: most link texts
# and addresses are short and hold none of them.
_NEAR = 200
_INSIDE_ADDRESS = re.compile(r"""[("']""")


def closing_brackets(data: str) -> dict[int, int]:
    """Where each `[` of `data` is closed: the `]` at which a count from it
    (each `[` one more, each `]` one less) first comes back to nought, as
    `LinkInlineProcessor.getText` counts. A `[` never closed is absent."""
    return _closing(data, _BRACKET, "[")


def _closing(data: str, marks: re.Pattern, opening: str) -> dict[int, int]:
    closes: dict[int, int] = {}
    open_at: list[int] = []
    for mark in marks.finditer(data):
        if mark[0] == opening:
            open_at.append(mark.start())
        elif open_at:
            closes[open_at.pop()] = mark.start()
    return closes


class _Marks:
    """What reading a text's links depends on: where each `[` and `(` closes
    (if it does), its parentheses and quotes, and each `)` right after a
    quote (spaces between), which may end a title.

    Positions count from the end of the text (-1 is its last character): a
    link found is replaced by a placeholder, which changes the text before
    the next link but not after it, so the marks stay right for the rest
    (`serves`) and are read once per text, not once per link."""

    def __init__(self, data: str):
        self.text = data
        end = len(data)
        self.brackets = {a - end: b - end for a, b in closing_brackets(data).items()}
        self.closes = {a - end: b - end for a, b in _closing(data, _PAREN, "(").items()}
        self.parentheses = [m.start() - end for m in _PAREN.finditer(data)]
        self.opening = [at for at in self.parentheses if data[at] == "("]
        self.quotes = [m.start() - end for m in _QUOTE.finditer(data)]
        self.by_quote = {
            q: [at for at in self.quotes if data[at] == q] for q in ("'", '"')
        }
        self.after_quote = []  # (the quote's position, the `)`'s), in order
        for at in self.parentheses:
            if data[at] == ")":
                before = at - 1
                while before >= -end and data[before] == " ":
                    before -= 1
                if before >= -end and data[before] in "'\"":
                    self.after_quote.append((before, at))

    def serves(self, data: str, start: int) -> bool:
        """Whether `data` from `start` on is this text's end."""
        rest = len(data) - start
        return rest <= len(self.text) and self.text.endswith(data[start:])

    def opened(self, start: int, stop: int) -> int:
        """`(` less `)` between `start` and `stop`."""
        marks = self.parentheses
        opening = self.opening
        count = bisect.bisect_left(marks, stop) - bisect.bisect_left(marks, start)
        opened = bisect.bisect_left(opening, stop) - bisect.bisect_left(opening, start)
        return 2 * opened - count

    def scan_end(self, start: int, index: int) -> int | None:
        """Where getLink's scan from `start` (after the `(` at `index`) ends
        with the link found: the `)` that closes the `(`, when no quote
        comes first; else, from the first quote on (a title, whose
        parentheses only count down a fallback), the first `)` after a
        later quote that can end the title, or failing one, the `)` at
        which the fallback count reaches nought. None: it never ends (the
        link is not one); 0: it ends at the end of the text, found (the
        fallback reached nought on a `(`). Positions from the end."""
        quotes = self.quotes
        first = bisect.bisect_left(quotes, start)
        quote = quotes[first] if first < len(quotes) else None
        close = self.closes.get(index)
        if close is not None and (quote is None or close < quote):
            return close
        if quote is None:
            return None
        # A `)` after a quote ends the title when that quote comes after the
        # first (`quote`) and is not the first of the other kind, which
        # opened a second possible title.
        text = self.text
        other = self.by_quote["'" if text[quote] == '"' else '"']
        second = bisect.bisect_right(other, quote)
        first_other = other[second] if second < len(other) else None
        after = self.after_quote
        at = bisect.bisect_right(after, (quote, 0))
        if at < len(after) and after[at][0] == first_other:
            at += 1
        if at < len(after):
            return after[at][1]
        # No title ends: the scan reads to the end of the text, counting
        # parentheses down from the depth the first quote stood at.
        depth = 1 + self.opened(start, quote)
        marks = self.parentheses
        later = bisect.bisect_right(marks, quote)
        if len(marks) - later < depth:
            return None
        nought = marks[later + depth - 1]
        return nought if text[nought] == ")" else 0


class LinearLinks:
    """`getText` and `getLink` of a link or image pattern, without reading
    the rest of the text a character at a time for each link.

    Python-Markdown reads a link's `[text]` and `(address "title")` one
    character at a time, from its `[` or `(` to where it closes, or to the
    end of the text when it never does: thousands of brackets or unfinished
    links took seconds, growing with the square of their number. Here a
    short text or address is found at once (none of its marks inside); else
    the text's marks are read once (_Marks) and where the scan would end is
    worked out from them: Python-Markdown's own `getLink` then reads only
    up to there, which is all it would have read."""

    _marks: _Marks | None = None

    def _marks_of(self, data: str, start: int) -> _Marks:
        marks = self._marks
        if marks is None or not marks.serves(data, start):
            marks = self._marks = _Marks(data)
        return marks

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        if index == 0 or data[index - 1] != "[":
            return super().getText(data, index)  # (no pattern asks this)
        close = data.find("]", index, index + _NEAR)
        if close >= 0 and data.find("[", index, close) < 0:
            return data[index:close], close + 1, True
        marks = self._marks_of(data, index - 1)
        close = marks.brackets.get(index - 1 - len(data))
        if close is None:
            return data[index:], len(data), False
        return data[index:close], close + 1 + len(data), True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        match = self.RE_LINK.match(data, pos=index)
        if match is None or match[1]:
            return super().getLink(data, index)  # (no scan: no "(", or "<address>")
        start = match.end()
        close = data.find(")", start, start + _NEAR)
        if close < 0 or _INSIDE_ADDRESS.search(data, start, close):
            end = len(data)
            stop = self._marks_of(data, index).scan_end(start - end, index - end)
            if stop is None:
                return "", None, end, False  # what the scan to the end returns
            close = end - 1 if stop == 0 else end + stop
        return super().getLink(data[: close + 1], index)


_LINEAR: dict[type, type] = {}


def _with_linear_links(cls: type) -> type:
    if cls not in _LINEAR:
        _LINEAR[cls] = type(cls.__name__, (LinearLinks, cls), {})
    return _LINEAR[cls]


class LinearFootnoteRefs(FootnoteExtension):
    """The footnotes extension, its `unique_ref` resumed where it stopped.

    Each reference to a footnote after the first gets the next id of its
    chain (fnref:1, fnref2:1, fnref3:1...) not yet used; Python-Markdown
    walks the chain from its start every time, so that 8,000 references to
    one footnote took 33 s. Every id before the last one given for a
    reference is used (ids are only added until the next document), so the
    walk resumes there and gives the same id."""

    _last_given: dict[str, str]

    def reset(self) -> None:
        super().reset()
        self._last_given = {}

    def unique_ref(self, reference: str, found: bool = False) -> str:
        if not found:
            return reference
        original = reference
        reference = self._last_given.get(original, reference)
        separator = self.get_separator()
        while reference in self.used_refs:  # as Python-Markdown's own
            ref, rest = reference.split(separator, 1)
            m = RE_REF_ID.match(ref)
            if m:
                reference = f"{m[1]}{int(m[2]) + 1}{separator}{rest}"
            else:
                reference = f"{ref}2{separator}{rest}"
        self.used_refs.add(reference)
        self._last_given[original] = reference
        self.found_refs[original] = self.found_refs.get(original, 0) + 1
        return reference


class FastInlineExtension(Extension):
    """Load last: turns the inline passes other extensions set up fast, and
    their link and image patterns' reading linear (LinearLinks), and the
    footnotes' reference ids (LinearFootnoteRefs)."""

    def extendMarkdown(self, md):
        for name in INLINE_PASSES:
            if name in md.treeprocessors:
                md.treeprocessors[name].__class__ = FastInlineProcessor
        for pattern in md.inlinePatterns:
            if isinstance(pattern, LinkInlineProcessor) and not isinstance(
                pattern, LinearLinks
            ):
                pattern.__class__ = _with_linear_links(type(pattern))
        for extension in md.registeredExtensions:
            if type(extension) is FootnoteExtension:
                extension.__class__ = LinearFootnoteRefs
                extension._last_given = {}


def makeExtension(**kwargs):
    return FastInlineExtension(**kwargs)
