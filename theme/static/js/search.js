/* The search page: query and filters from the URL, index files loaded on
   demand through <script> elements (they work from file:// and under any
   sub-path; fetch and modules do not), results drawn with DOM methods and
   textContent only (nothing from the index becomes markup).

   Index files call BriefsSearch.receive(kind, key, data): "meta" once (it
   is a script of the page), "terms" per shard, "doc" per shown result.
   History: submitting or changing a filter adds an entry, typing replaces
   the current one; Back restores the previous search (see remember). */
(function () {
  "use strict";

  var core = window.BriefsSearchCore;
  var SHOWN_VALUES = 8; // facet values shown before "Show all"
  var FACET_LABELS = { region: "Region", author: "Author", topic: "Topic", year: "Year" };
  var PLURAL = { region: "regions", author: "authors", topic: "topics", year: "years" };
  var SAFE_URL = /^[a-z0-9][a-z0-9_\-./]*\.html$/i;

  var form = document.getElementById("pb:search-form");
  var input = document.getElementById("pb:search-q");
  var status = document.getElementById("pb:search-status");
  var filtersBox = document.getElementById("pb:search-filters");
  var facetsBox = document.getElementById("pb:search-facets");
  var list = document.getElementById("pb:search-results");
  var more = document.getElementById("pb:search-more");
  var baseTitle = document.title;
  var utf8 = new TextDecoder();

  var meta = null;
  var facets = [];
  var facetViews = [];
  var shards = new Map(); // number → {term: postings}
  var docs = new Map(); // id → display data
  var pending = new Map(); // src → Promise
  var run = 0; // the latest search; older ones stop drawing
  var state = { q: "", selected: {} };
  var results = []; // ids: in rank order, or a query's in id order while `ranking` is kept
  var ranking = null; // a query's results as hits ({id, tier, score}), not yet sorted
  var shown = 0;
  var listed = 0; // the search whose results the list shows
  var addingPage = false; // a "More results" page is loading

  window.BriefsSearch = {
    receive: function (kind, key, data) {
      if (kind === "meta") {
        start(data);
      } else if (kind === "terms") {
        shards.set(key, data);
      } else if (kind === "doc") {
        docs.set(key, data);
      }
    },
  };

  // meta.js is a deferred script of the page: by "load" it has run.
  window.addEventListener("load", function () {
    if (!meta) {
      failed(new Error("search/meta.js did not load"));
    }
  });

  function load(src) {
    if (!pending.has(src)) {
      pending.set(
        src,
        new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = src;
          script.async = true;
          script.onload = resolve;
          script.onerror = function () {
            pending.delete(src);
            reject(new Error("could not load " + src));
          };
          document.head.appendChild(script);
        })
      );
    }
    return pending.get(src);
  }

  function indexFile(kind, number) {
    return meta.files[kind].replace("{}", String(number));
  }

  /* --- State and URL ---------------------------------------------------- */

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    var selected = {};
    facets.forEach(function (facet) {
      var slugs = facet.values.map(function (value) {
        return value[0];
      });
      selected[facet.key] = params.getAll(facet.key).filter(function (slug, i, all) {
        return slugs.indexOf(slug) >= 0 && all.indexOf(slug) === i;
      });
    });
    return { q: params.get("q") || "", selected: selected };
  }

  function urlOf(current) {
    var params = new URLSearchParams();
    if (current.q) {
      params.append("q", current.q);
    }
    facets.forEach(function (facet) {
      current.selected[facet.key].slice().sort().forEach(function (slug) {
        params.append(facet.key, slug);
      });
    });
    var query = params.toString();
    return window.location.pathname.split("/").pop() + (query ? "?" + query : "");
  }

  /* Each history entry keeps, in its state, the search it was made for
     ("committed"); typing shows the typed query in the current entry's URL
     (replace), and a submit or a filter change first puts the committed
     search back into the current entry, then adds an entry for the new one
     (push), so Back returns to the previous search. */
  function remember(push) {
    var url = urlOf(state);
    var saved = window.history.state && window.history.state.briefsSearch;
    var committed = typeof saved === "string" ? saved : url;
    try {
      if (push && url !== committed) {
        window.history.replaceState({ briefsSearch: committed }, "", committed);
        window.history.pushState({ briefsSearch: url }, "", url);
      } else {
        window.history.replaceState({ briefsSearch: push ? url : committed }, "", url);
      }
    } catch (error) {
      // Some browsers refuse history changes for file:// pages; search on.
    }
  }

  /* --- Start ------------------------------------------------------------ */

  function start(data) {
    meta = data;
    facets = meta.facets.map(function (facet) {
      return core.readFacet(facet, meta.count);
    });
    facetViews = facets.map(buildFacet);
    filtersBox.hidden = false;
    state = readUrl();
    input.value = state.q;
    remember(true); // this entry's search, with the URL in canonical form
    input.addEventListener("input", function () {
      state.q = input.value;
      search(); // first: it requests the index files the query needs
      remember(false);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      state.q = input.value;
      remember(true);
      search();
    });
    more.addEventListener("click", showMore);
    window.addEventListener("popstate", function () {
      state = readUrl();
      input.value = state.q;
      search();
    });
    search();
  }

  /* --- Searching -------------------------------------------------------- */

  function search() {
    var mine = (run += 1);
    var groups = core.parseQuery(state.q);
    var needed = new Set();
    groups.forEach(function (group) {
      core.shardsFor(meta, group).forEach(function (n) {
        needed.add(n);
      });
    });
    Promise.all(
      Array.from(needed).map(function (n) {
        return load(indexFile("terms", n));
      })
    )
      .then(function () {
        if (mine !== run) {
          return null;
        }
        var ids;
        var hits = null;
        if (groups.length) {
          hits = core.hitsOf(groups, meta, function (n) {
            return shards.get(n);
          });
          ids = hits.map(idOf);
        } else if (state.q.trim() || anySelected()) {
          ids = state.q.trim() ? [] : allIds();
        } else {
          ids = null; // nothing asked yet: counts over every brief, no list
        }
        var filtered = core.filter(ids || allIds(), facets, selectedIds());
        results = ids ? filtered.ids : [];
        ranking = hits && passing(hits, results);
        shown = 0;
        var drawn = draw(mine, groups, ids !== null, true); // starts loading
        updateFacets(filtered.counts);
        return drawn;
      })
      .catch(failed);
  }

  function idOf(hit) {
    return hit.id;
  }

  /* The hits whose briefs are among `ids` (the filters' choice of them). */
  function passing(hits, ids) {
    if (ids.length === hits.length) {
      return hits;
    }
    var passed = new Uint8Array(meta.count);
    ids.forEach(function (id) {
      passed[id] = 1;
    });
    return hits.filter(function (hit) {
      return passed[hit.id];
    });
  }

  /* Results from..to - 1 in rank order: the first page picked from the
     hits, the next ones after sorting them all once. */
  function resultsBetween(from, to) {
    if (ranking && from === 0) {
      return core.best(ranking, to).map(idOf);
    }
    if (ranking) {
      results = ranking.sort(core.byRank).map(idOf);
      ranking = null;
    }
    return results.slice(from, to);
  }

  function allIds() {
    var ids = [];
    for (var id = 0; id < meta.count; id += 1) {
      ids.push(id);
    }
    return ids;
  }

  function anySelected() {
    return facets.some(function (facet) {
      return state.selected[facet.key].length > 0;
    });
  }

  function selectedIds() {
    return facets.map(function (facet) {
      var chosen = new Set();
      facet.values.forEach(function (value, id) {
        if (state.selected[facet.key].indexOf(value[0]) >= 0) {
          chosen.add(id);
        }
      });
      return chosen;
    });
  }

  /* The next page of the results on screen, once: a second press while it
     loads, or a press while a new search loads, would draw a page twice. */
  function showMore() {
    if (addingPage || listed !== run) {
      return;
    }
    addingPage = true;
    var first = shown;
    draw(run, core.parseQuery(state.q), true, false)
      .then(function () {
        var link = list.children[first] && list.children[first].querySelector("a.result__link");
        if (link) {
          link.focus();
        }
      })
      .catch(failed)
      .then(function () {
        addingPage = false;
      });
  }

  /* Load the next page of results, then draw it (all at once). Each
     result's item is made as its file arrives, while the others load. */
  function draw(mine, groups, asked, fresh) {
    var page = resultsBetween(shown, shown + meta.pageSize);
    return Promise.all(
      page.map(function (id) {
        return load(indexFile("docs", id)).then(function () {
          return mine === run ? resultItem(id, textOf(id), groups) : null;
        });
      })
    ).then(function (items) {
      if (mine !== run) {
        return;
      }
      if (fresh) {
        list.replaceChildren();
        listed = mine;
      }
      items.forEach(function (item) {
        list.appendChild(item);
      });
      shown += page.length;
      more.hidden = shown >= results.length;
      announce(asked);
    });
  }

  function failed(error) {
    status.textContent = "Search is unavailable: its index could not be loaded.";
    if (window.console) {
      window.console.error(error);
    }
  }

  /* The text of a brief (zlib data in base64), decompressed once. */
  function textOf(id) {
    var doc = docs.get(id);
    if (doc.plain === undefined) {
      doc.plain = "";
      try {
        doc.plain = inflate(fromBase64(doc.text));
      } catch (error) {
        if (window.console) {
          window.console.error(error); // the result shows without an excerpt
        }
      }
    }
    return doc.plain;
  }

  /* zlib data → text. Without the output's length, inflate into a buffer
     four times the input and, when that fills, try one twice as long. */
  function inflate(bytes) {
    var deflated = bytes.subarray(2); // the zlib header; the checksum is ignored
    for (var size = deflated.length * 4 + 64; ; size *= 2) {
      var plain = window.tinyInflate(deflated, new Uint8Array(size));
      if (plain.length < size) {
        return utf8.decode(plain);
      }
    }
  }

  function fromBase64(text) {
    if (Uint8Array.fromBase64) {
      return Uint8Array.fromBase64(text);
    }
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  /* --- Drawing ---------------------------------------------------------- */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function link(url, text, className) {
    if (!SAFE_URL.test(url) || url.indexOf("..") >= 0) {
      return element("span", className, text);
    }
    var anchor = element("a", className, text);
    anchor.href = url;
    return anchor;
  }

  function facetByKey(key) {
    return facets.filter(function (facet) {
      return facet.key === key;
    })[0];
  }

  function pageOf(facetKey, slug) {
    var pattern = meta.pages[facetKey];
    return pattern && /^[a-z0-9-]+$/.test(slug) ? pattern.replace("{slug}", slug) : "";
  }

  function resultItem(id, text, groups) {
    var doc = docs.get(id);
    var item = element("li", "result");
    var card = element("article", "card result__card");
    var regions = facetByKey("region");
    var kicker = element("ul", "kicker");
    for (var k = regions.start[id]; k < regions.start[id + 1]; k += 1) {
      var value = regions.values[regions.ids[k]];
      var entry = element("li");
      entry.appendChild(link(pageOf("region", value[0]), value[1]));
      kicker.appendChild(entry);
    }
    if (kicker.children.length) {
      card.appendChild(kicker);
    }
    var title = element("h3", "card__title");
    title.appendChild(inLanguage(link(doc.url, doc.title, "result__link"), doc));
    card.appendChild(title);
    if (doc.summary) {
      card.appendChild(inLanguage(element("p", "card__dek", doc.summary), doc));
    }
    var byline = element("p", "byline");
    byline.appendChild(document.createTextNode("By "));
    byline.appendChild(element("span", "byline__names", names(doc.authors)));
    var separator = element("span", "byline__sep", "|");
    separator.setAttribute("aria-hidden", "true");
    byline.appendChild(separator);
    var time = element("time", "", doc.dateText);
    time.setAttribute("datetime", doc.date);
    byline.appendChild(time);
    card.appendChild(byline);
    var segments = text ? core.excerpt(text, groups) : [];
    if (segments.length) {
      var quote = element("p", "result__excerpt");
      segments.forEach(function (segment) {
        quote.appendChild(
          segment[1] ? element("mark", "", segment[0]) : document.createTextNode(segment[0])
        );
      });
      card.appendChild(inLanguage(quote, doc));
    }
    item.appendChild(card);
    return item;
  }

  /* A brief's own words marked in its language, when not the site's. */
  function inLanguage(node, doc) {
    if (doc.lang) {
      node.setAttribute("lang", doc.lang);
    }
    return node;
  }

  function names(list) {
    if (list.length < 2) {
      return list.join("");
    }
    return list.slice(0, -1).join(", ") + " and " + list[list.length - 1];
  }

  function announce(asked) {
    var q = state.q.trim();
    var n = results.length;
    var text;
    if (!asked) {
      text = "Type a word to search the briefs, or choose a filter.";
    } else if (!n) {
      text = !q
        ? "No briefs match these filters."
        : "No results for “" + q + "”" + (anySelected() ? " with these filters." : ".");
    } else {
      text =
        n + (n === 1 ? " result" : " results") + (q ? " for “" + q + "”" : "") +
        (anySelected() ? " (filtered)" : "") + "." +
        (shown < n ? " Showing " + shown + "." : "");
    }
    status.textContent = text;
    document.title = q ? "“" + q + "” – " + baseTitle : baseTitle;
  }

  /* --- Facets ----------------------------------------------------------- */

  /* One fieldset per facet, built once; counts and order change in place so
     that a focused checkbox keeps its focus. */
  function buildFacet(facet, f) {
    var box = element("fieldset", "facet");
    box.appendChild(element("legend", "facet__title", FACET_LABELS[facet.key] || facet.key));
    var values = element("ul", "facet__list");
    box.appendChild(values);
    var toggle = element("button", "facet__more");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    box.appendChild(toggle);
    var view = { box: box, list: values, toggle: toggle, open: false, items: [] };
    facet.values.forEach(function (value, id) {
      var item = element("li", "facet__value");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.id = "pb:facet-" + facet.key + "-" + id;
      box.value = value[0];
      box.addEventListener("change", function () {
        var chosen = state.selected[facet.key];
        var at = chosen.indexOf(value[0]);
        if (box.checked && at < 0) {
          chosen.push(value[0]);
        } else if (!box.checked && at >= 0) {
          chosen.splice(at, 1);
        }
        remember(true);
        search();
      });
      var label = element("label", "facet__label");
      label.htmlFor = box.id;
      label.appendChild(element("span", "facet__name", value[1]));
      var count = element("span", "facet__count");
      var number = document.createTextNode("");
      count.appendChild(number);
      var unit = element("span", "visually-hidden");
      count.appendChild(unit);
      label.appendChild(count);
      item.appendChild(box);
      item.appendChild(label);
      view.items.push({ id: id, item: item, box: box, number: number, unit: unit, name: value[1] });
    });
    rankByName(view.items);
    toggle.addEventListener("click", function () {
      view.open = !view.open;
      updateFacet(f, view.counts);
    });
    facetsBox.appendChild(box);
    return view;
  }

  /* Each entry's place in the order of names (equal names share one), so
     that a search sorts hundreds of authors without comparing names. */
  function rankByName(entries) {
    var sorted = entries.slice().sort(function (a, b) {
      return a.name.localeCompare(b.name);
    });
    sorted.forEach(function (entry, i) {
      var before = sorted[i - 1];
      entry.rank = before && before.name.localeCompare(entry.name) === 0 ? before.rank : i;
    });
  }

  function updateFacets(counts) {
    facetViews.forEach(function (view, f) {
      view.counts = counts[f];
      updateFacet(f, counts[f]);
    });
  }

  function updateFacet(f, counts) {
    var facet = facets[f];
    var view = facetViews[f];
    var chosen = state.selected[facet.key];
    var focused = document.activeElement;
    var order = view.items
      .filter(function (entry) {
        entry.box.checked = chosen.indexOf(entry.box.value) >= 0;
        return counts[entry.id] > 0 || entry.box.checked;
      })
      .sort(function (a, b) {
        if (facet.key === "year") {
          return a.id - b.id; // newest first
        }
        return counts[b.id] - counts[a.id] || a.rank - b.rank;
      });
    var visible = order.filter(function (entry, i) {
      return view.open || i < SHOWN_VALUES || entry.box.checked;
    });
    view.list.replaceChildren.apply(
      view.list,
      visible.map(function (entry) {
        var n = counts[entry.id];
        entry.number.data = String(n);
        entry.unit.textContent = n === 1 ? " brief" : " briefs";
        return entry.item;
      })
    );
    view.box.hidden = order.length === 0;
    view.toggle.hidden = order.length <= SHOWN_VALUES;
    view.toggle.textContent = view.open
      ? "Show fewer " + PLURAL[facet.key]
      : "Show all " + order.length + " " + PLURAL[facet.key];
    view.toggle.setAttribute("aria-expanded", String(view.open));
    if (focused && view.box.contains(focused) && document.activeElement !== focused) {
      focused.focus();
    }
  }
})();
