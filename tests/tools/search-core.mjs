// Run theme/static/js/search-core.js (with the vendored Snowball stemmer) in
// Node, as the browser loads them: classic scripts sharing one global.
// Usage: node tests/tools/search-core.mjs < calls.json, where calls.json is
// [[functionName, arg, ...], ...]; prints the JSON list of results.
// Functions are BriefsSearchCore's, plus "stemWord" (the Snowball stemmer)
// and JSON-friendly forms of those that take functions or Sets:
// "matchIn"(groups, meta, {shardNumber: shard}), "hitsOfIn" (the same) and
// "filterIn"(briefs, metaFacets, count, [[selected value ids], ...]).
import { readFileSync } from "node:fs";
import { createContext, runInContext } from "node:vm";

const js = new URL("../../theme/static/js/", import.meta.url);
const context = createContext({});
for (const name of ["snowball-english.js", "search-core.js"]) {
  runInContext(readFileSync(new URL(name, js), "utf8"), context, { filename: name });
}
const core = context.BriefsSearchCore;
const stemmer = new context.EnglishStemmer();
const functions = {
  ...core,
  stemWord: (word) => stemmer.stemWord(word),
  matchIn: (groups, meta, shards) => core.match(groups, meta, (n) => shards[n]),
  hitsOfIn: (groups, meta, shards) => core.hitsOf(groups, meta, (n) => shards[n]),
  filterIn: (briefs, facets, count, selected) =>
    core.filter(
      briefs,
      facets.map((facet) => core.readFacet(facet, count)),
      selected.map((ids) => new Set(ids))
    ),
};

// Typed arrays and Sets become plain JSON lists.
const plain = (value) =>
  JSON.parse(
    JSON.stringify(value, (key, item) =>
      ArrayBuffer.isView(item) || item instanceof Set ? Array.from(item) : item
    )
  );

const calls = JSON.parse(readFileSync(0, "utf8"));
const results = calls.map(([name, ...args]) => plain(functions[name](...args)));
process.stdout.write(JSON.stringify(results));
