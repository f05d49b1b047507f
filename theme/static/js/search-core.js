/* Search core: text → terms, postings, ranking, facet counts and excerpts.
   No DOM here (search.js draws the page), so the tests run it in Node.

   Text rules mirror plugins/briefs/search_text.py, data formats mirror
   plugins/briefs/search.py; tests/test_search_index.py checks that both
   sides give the same terms for the same text. Needs EnglishStemmer
   (snowball-english.js) loaded first. */
(function (root) {
  "use strict";

  // Han, kana, Hangul: their own runs, indexed by character pairs.
  var CJK =
    "\\u1100-\\u11ff\\u3005-\\u3007\\u3040-\\u30ff\\u3130-\\u318f\\u31f0-\\u31ff" +
    "\\u3400-\\u4dbf\\u4e00-\\u9fff\\ua960-\\ua97f\\uac00-\\ud7ff\\uf900-\\ufaff" +
    "\\uff66-\\uff9f\\u{20000}-\\u{3ffff}";
  var MARKS = /[\p{Mn}--[\u3099\u309a]]/gv;
  var CJK_START = new RegExp("^[" + CJK + "]", "u");
  var HAS_CJK = new RegExp("[" + CJK + "]", "u");
  var WORD = new RegExp(
    "[" + CJK + "]+|[[\\p{L}\\p{N}]--[" + CJK + "]]{2,}",
    "gv"
  );
  var WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u; // a raw token's: letters, numbers, marks
  var ASCII = /^[\x00-\x7f]*$/;

  var PREFIX_WEIGHT = 0.7; // a word that only starts with what was typed

  // Latin letters NFKD keeps whole (search_text.LETTERS), and the two
  // letters where casefold and toLowerCase differ.
  var LETTERS = {
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ħ": "h", "ı": "i", "ŧ": "t", "ŀ": "l", "ß": "ss", "ς": "σ",
  };
  var SPELLED = /[øæœłđðþħıŧŀßς]/g;

  /* Lower case without accents (Python: NFKD, drop marks, NFC, casefold). */
  function fold(text) {
    return text
      .normalize("NFKD")
      .replace(MARKS, "")
      .normalize("NFC")
      .toLowerCase()
      .replace(SPELLED, function (letter) {
        return LETTERS[letter];
      });
  }

  function words(folded) {
    return folded.match(WORD) || [];
  }

  function isCjk(word) {
    return CJK_START.test(word);
  }

  var stemmer = null;
  var stems = new Map();

  function stem(word) {
    var found = stems.get(word);
    if (found === undefined) {
      stemmer = stemmer || new root.EnglishStemmer();
      found = stemmer.stemWord(word);
      stems.set(word, found);
    }
    return found;
  }

  function cjkTerms(run) {
    var chars = Array.from(run);
    if (chars.length === 1) {
      return chars;
    }
    var pairs = [];
    for (var i = 0; i + 1 < chars.length; i += 1) {
      pairs.push(chars[i] + chars[i + 1]);
    }
    pairs.push(chars[chars.length - 1]);
    return pairs;
  }

  /* The index terms of a text, in order (as search_text.terms). */
  function terms(text) {
    var found = [];
    words(fold(text)).forEach(function (word) {
      if (isCjk(word)) {
        Array.prototype.push.apply(found, cjkTerms(word));
      } else {
        found.push(stem(word));
      }
    });
    return found;
  }

  /* A query → groups, each to be matched by every result:
     {exact: term, prefix: string or null}. The last word, unless followed
     by a space, also matches longer words (results as you type); a single
     CJK character matches the pairs it starts. */
  function parseQuery(query) {
    var found = words(fold(query));
    var open = !/\s$/.test(query);
    var groups = [];
    var seen = new Set();
    function add(exact, prefix) {
      var key = exact + "\u0000" + (prefix || "");
      if (!seen.has(key)) {
        seen.add(key);
        groups.push({ exact: exact, prefix: prefix });
      }
    }
    found.forEach(function (word, index) {
      if (isCjk(word)) {
        var chars = Array.from(word);
        if (chars.length === 1) {
          add(word, word);
        } else {
          for (var i = 0; i + 1 < chars.length; i += 1) {
            add(chars[i] + chars[i + 1], null);
          }
        }
      } else {
        add(stem(word), open && index === found.length - 1 ? word : null);
      }
    });
    return groups;
  }

  /* Base-32 digits: "0".."v" end a number, "w".."_" continue it. */
  var DIGITS = new Int8Array(128).fill(-1);
  "0123456789abcdefghijklmnopqrstuv".split("").forEach(function (c, i) {
    DIGITS[c.charCodeAt(0)] = i;
  });
  "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_".split("").forEach(function (c, i) {
    DIGITS[c.charCodeAt(0)] = 32 + i;
  });

  function decode(digits) {
    var numbers = [];
    var value = 0;
    for (var i = 0; i < digits.length; i += 1) {
      var digit = DIGITS[digits.charCodeAt(i)];
      if (digit >= 32) {
        value = value * 32 + (digit - 32);
      } else {
        numbers.push(value * 32 + digit);
        value = 0;
      }
    }
    return numbers;
  }

  /* The shard a term sorts into: the last boundary <= term. */
  function shardOf(bounds, term) {
    var low = 0;
    var high = bounds.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (bounds[middle] <= term) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /* Shard numbers a group needs: its term's, and the run its prefix spans
     (at most meta.prefixShards; a longer prefix narrows it). */
  function shardsFor(meta, group) {
    var bounds = meta.shards;
    var needed = new Set([shardOf(bounds, group.exact)]);
    if (group.prefix) {
      var first = shardOf(bounds, group.prefix);
      var last = Math.min(
        shardOf(bounds, group.prefix + "\uffff"),
        first + meta.prefixShards - 1
      );
      for (var n = first; n <= last; n += 1) {
        needed.add(n);
      }
    }
    return Array.from(needed);
  }

  /* Briefs matching every group: [{id, tier, score}], best first. `shard(n)`
     gives a loaded shard ({term: postings}); `meta` is meta.js's data.
     Tier: how many groups matched in a top field (title, summary, authors,
     regions, topics); score: summed BM25F of the best term of each group. */
  function match(groups, meta, shard) {
    return hitsOf(groups, meta, shard).sort(byRank);
  }

  function byRank(a, b) {
    return b.tier - a.tier || b.score - a.score || a.id - b.id;
  }

  /* The first `n` hits in rank order, as match gives them, without sorting
     them all (thousands of hits, a page shown). */
  function best(hits, n) {
    var top = [];
    for (var i = 0; i < hits.length && n > 0; i += 1) {
      var hit = hits[i];
      if (top.length === n && byRank(hit, top[n - 1]) >= 0) {
        continue;
      }
      var at = top.length;
      while (at > 0 && byRank(hit, top[at - 1]) < 0) {
        at -= 1;
      }
      top.splice(at, 0, hit);
      if (top.length > n) {
        top.pop();
      }
    }
    return top;
  }

  /* match's hits in id order (unsorted). */
  function hitsOf(groups, meta, shard) {
    var count = meta.count;
    var hits = new Uint16Array(count);
    var tier = new Uint16Array(count);
    var score = new Float64Array(count);
    var best = new Float64Array(count);
    var top = new Uint8Array(count);
    groups.forEach(function (group) {
      var touched = [];
      // Postings decoded as they are read (as `decode` does, without a
      // list of numbers): (id gap, score * 2 + top flag) pairs.
      function add(postings, weight) {
        var id = -1;
        var number = 0;
        var isGap = true;
        for (var i = 0; i < postings.length; i += 1) {
          var digit = DIGITS[postings.charCodeAt(i)];
          if (digit >= 32) {
            number = number * 32 + (digit - 32);
            continue;
          }
          number = number * 32 + digit;
          if (isGap) {
            id += number + 1;
          } else {
            if (best[id] === 0 && top[id] === 0) {
              touched.push(id);
            }
            best[id] = Math.max(best[id], (number >> 1) * weight);
            top[id] |= number & 1;
          }
          isGap = !isGap;
          number = 0;
        }
      }
      shardsFor(meta, group).forEach(function (n) {
        var entries = shard(n) || {};
        Object.keys(entries).forEach(function (term) {
          if (term === group.exact) {
            add(entries[term], 1);
          } else if (group.prefix && term.startsWith(group.prefix)) {
            add(entries[term], PREFIX_WEIGHT);
          }
        });
      });
      touched.forEach(function (id) {
        hits[id] += 1;
        tier[id] += top[id];
        score[id] += best[id];
        best[id] = 0;
        top[id] = 0;
      });
    });
    var found = [];
    for (var id = 0; id < count; id += 1) {
      if (groups.length && hits[id] === groups.length) {
        found.push({ id: id, tier: tier[id], score: score[id] });
      }
    }
    return found;
  }

  /* A facet of meta.js → {key, values, start, ids}: brief n has the value
     ids ids[start[n]] .. ids[start[n + 1] - 1]. */
  function readFacet(facet, count) {
    var numbers = decode(facet.docs);
    var start = new Uint32Array(count + 1);
    var ids = [];
    var at = 0;
    for (var n = 0; n < count; n += 1) {
      start[n] = ids.length;
      var length = numbers[at];
      for (var k = 1; k <= length; k += 1) {
        ids.push(numbers[at + k]);
      }
      at += length + 1;
    }
    start[count] = ids.length;
    return {
      key: facet.key,
      values: facet.values,
      start: start,
      ids: Uint32Array.from(ids),
    };
  }

  /* Filter briefs and count facet values, as faceted search does: several
     values of one facet widen (OR), facets narrow (AND), and a facet's
     counts ignore its own selection. `selected[f]` is a Set of value ids.
     → {ids: briefs passing every filter, in the order given, counts[f][v]}. */
  function filter(briefs, facets, selected) {
    var counts = facets.map(function (facet) {
      return new Uint32Array(facet.values.length);
    });
    var passed = [];
    var count = facets.length;
    for (var b = 0; b < briefs.length; b += 1) {
      var id = briefs[b];
      var failing = 0;
      var failed = -1;
      for (var f = 0; f < count; f += 1) {
        var chosen = selected[f];
        var facet = facets[f];
        var ok = chosen.size === 0;
        for (var k = facet.start[id]; !ok && k < facet.start[id + 1]; k += 1) {
          ok = chosen.has(facet.ids[k]);
        }
        if (!ok) {
          failing += 1;
          failed = f;
        }
      }
      if (failing === 0) {
        passed.push(id);
      }
      if (failing <= 1) {
        for (f = 0; f < count; f += 1) {
          if (failing === 0 || failed === f) {
            var from = facets[f].start[id];
            var to = facets[f].start[id + 1];
            for (k = from; k < to; k += 1) {
              counts[f][facets[f].ids[k]] += 1;
            }
          }
        }
      }
    }
    return { ids: passed, counts: counts };
  }

  /* Does a word of the text match a group? The stemmer keeps a word's
     first letter (it only rewrites endings), so a word that starts
     otherwise than the group's term is not stemmed: most words of a text. */
  function matches(group, folded) {
    if (group.prefix && folded.startsWith(group.prefix)) {
      return true;
    }
    return (
      folded.charCodeAt(0) === group.exact.charCodeAt(0) &&
      !isCjk(folded) &&
      stem(folded) === group.exact
    );
  }

  /* Marks [start, end, group] of the CJK query strings inside a raw token. */
  function cjkMarks(raw, offset, groups, marks) {
    var chars = Array.from(raw);
    var folded = chars.map(fold);
    var positions = [];
    var at = offset;
    chars.forEach(function (char) {
      positions.push(at);
      at += char.length;
    });
    positions.push(at);
    groups.forEach(function (group, g) {
      var wanted = Array.from(group.prefix || group.exact);
      if (!isCjk(wanted[0])) {
        return;
      }
      for (var i = 0; i + wanted.length <= chars.length; i += 1) {
        var same = wanted.every(function (char, k) {
          return folded[i + k] === char;
        });
        if (same) {
          marks.push([positions[i], positions[i + wanted.length], g]);
        }
      }
    });
  }

  /* Marks of the query words in one raw token of the text (called for
     every word of every shown result: plain loops, no closures). */
  function markToken(raw, start, groups, marks) {
    var ascii = ASCII.test(raw);
    if (!ascii && HAS_CJK.test(raw)) {
      var before = marks.length;
      cjkMarks(raw, start, groups, marks);
      if (marks.length > before) {
        return;
      }
    }
    var found = ascii ? [raw.toLowerCase()] : words(fold(raw));
    for (var g = 0; g < groups.length; g += 1) {
      for (var w = 0; w < found.length; w += 1) {
        if (matches(groups[g], found[w])) {
          marks.push([start, start + raw.length, g]);
          break;
        }
      }
    }
  }

  var ASCII_WORD = new Uint8Array(128); // 0-9, A-Z, a-z
  for (var c = 0; c < 128; c += 1) {
    ASCII_WORD[c] = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 0;
  }
  var wordChars = new Map(); // code point beyond ASCII → is it a WORD_CHAR?

  function isWordChar(code) {
    var found = wordChars.get(code);
    if (found === undefined) {
      found = WORD_CHAR.test(String.fromCodePoint(code));
      wordChars.set(code, found);
    }
    return found;
  }

  /* Which ASCII character codes start a query term or prefix (lower case). */
  function firstLetters(groups) {
    var firsts = new Uint8Array(128);
    groups.forEach(function (group) {
      [group.exact, group.prefix].forEach(function (term) {
        if (term && term.charCodeAt(0) < 128) {
          firsts[term.charCodeAt(0)] = 1;
        }
      });
    });
    return firsts;
  }

  /* An excerpt of `text` of `size` words around the part with the most
     distinct query words (then the most matches; the earliest wins):
     [[string, marked], ...], with "…" where text was cut. Without a match
     in the text, its start, unmarked. */
  function excerpt(text, groups, size) {
    size = size || 30;
    var starts = [];
    var ends = [];
    var marks = [];
    var markToken_ = []; // token number of each mark
    var firsts = firstLetters(groups);
    // Raw tokens (runs of WORD_CHAR), scanned by character code: a page of
    // results has some 20,000 of them. An ASCII token is only looked at
    // when it starts with the first letter of a query term or prefix (no
    // other can match: see matches).
    var start = -1;
    var ascii = true;
    for (var at = 0; at <= text.length; ) {
      var code = at < text.length ? text.codePointAt(at) : -1;
      var inWord = code >= 0 && (code < 128 ? ASCII_WORD[code] === 1 : isWordChar(code));
      if (inWord && start < 0) {
        start = at;
        ascii = true;
      }
      if (inWord && code >= 128) {
        ascii = false;
      }
      if (!inWord && start >= 0) {
        var first = text.charCodeAt(start);
        var lower = first >= 65 && first <= 90 ? first + 32 : first;
        if (!ascii || firsts[lower]) {
          var before = marks.length;
          markToken(text.slice(start, at), start, groups, marks);
          for (var k = before; k < marks.length; k += 1) {
            markToken_.push(starts.length);
          }
        }
        starts.push(start);
        ends.push(at);
        start = -1;
      }
      at += code > 0xffff ? 2 : 1;
    }
    if (!starts.length) {
      return [];
    }
    var lead = Math.floor(size / 4);
    var first = 0;
    var bestRank = -1;
    var low = 0;
    markToken_.forEach(function (token) {
      var from = Math.max(0, token - lead);
      while (markToken_[low] < from) {
        low += 1;
      }
      var distinct = new Set();
      var total = 0;
      for (var i = low; i < markToken_.length && markToken_[i] < from + size; i += 1) {
        distinct.add(marks[i][2]);
        total += 1;
      }
      var rank = distinct.size * 100000 + total;
      if (rank > bestRank) {
        bestRank = rank;
        first = from;
      }
    });
    var last = Math.min(starts.length, first + size) - 1;
    var from = first === 0 ? 0 : starts[first];
    var to = last === starts.length - 1 ? text.length : ends[last];
    var segments = from > 0 ? [["… ", false]] : [];
    var at = from;
    marks.forEach(function (mark) {
      if (mark[0] >= at && mark[1] <= to) {
        segments.push([text.slice(at, mark[0]), false], [text.slice(mark[0], mark[1]), true]);
        at = mark[1];
      }
    });
    segments.push([text.slice(at, to), false]);
    if (to < text.length) {
      segments.push([" …", false]);
    }
    var before = ""; // the last segment with text, without its trailing spaces
    return segments
      .map(function (segment) {
        var shown = segment[0]
          .replace(BLOCK_GAP, function (gap, at, text) {
            return blockGap(at > 0 ? text.slice(0, at) : before);
          })
          .replace(/\s+/g, " ");
        if (shown.trim()) {
          before = shown.trimEnd();
        }
        return [shown, segment[1]];
      })
      .filter(function (segment) {
        return segment[0];
      });
  }

  /* The text has one line per block (a paragraph, a heading, a list item, a
     table row). Where a block ends without a sentence's end (a heading, a
     key point), a middle dot keeps it from running into the next one
     ("Water · Brine extraction works..."); after one, a space, or nothing
     after a full-width one, which holds its own space ("した。次の"). */
  var BLOCK_GAP = /\s*\n\s*/g;
  var SENTENCE_END = /[.!?…:;。！？：；][\s"'”’»」』)\]]*$/u;
  var WIDE_SENTENCE_END = /[。！？：；][」』）]*$/u;

  function blockGap(text) {
    if (!text) {
      return " ";
    }
    if (WIDE_SENTENCE_END.test(text)) {
      return "";
    }
    return SENTENCE_END.test(text) ? " " : " · ";
  }

  root.BriefsSearchCore = {
    fold: fold,
    words: words,
    stem: stem,
    terms: terms,
    parseQuery: parseQuery,
    decode: decode,
    shardOf: shardOf,
    shardsFor: shardsFor,
    match: match,
    hitsOf: hitsOf,
    byRank: byRank,
    best: best,
    readFacet: readFacet,
    filter: filter,
    excerpt: excerpt,
  };
})(this);
