// Search in Firefox: Debian's firefox-esr driven over WebDriver BiDi by
// puppeteer-core (pinned in package.json; it never downloads a browser).
// Usage: node tests/tools/search-firefox.mjs FIREFOX BASE_URL... ; for each
// site address (file:// or http://…/sub-path/) it runs the same searches on
// search.html in one browser and prints what the page showed, as JSON, for
// tests/test_search_firefox.py to check.
import puppeteer from "puppeteer-core";

const [executablePath, ...bases] = process.argv.slice(2);

const STATUS = "#pb\\:search-status";

async function waitForStatus(page, pattern) {
  await page.waitForFunction(
    (selector, source) => new RegExp(source).test(document.querySelector(selector).textContent),
    { timeout: 15000 },
    STATUS,
    pattern
  );
}

// What the page shows: the status line, and per result its title, link,
// region kicker and excerpt (marked words apart).
function shown(page) {
  return page.evaluate((selector) => ({
    status: document.querySelector(selector).textContent,
    url: location.href,
    results: Array.from(document.querySelectorAll("#pb\\:search-results > li")).map((item) => ({
      title: item.querySelector(".card__title").textContent,
      href: item.querySelector("a.result__link")?.getAttribute("href") ?? null,
      kicker: item.querySelector(".kicker")?.textContent.trim() ?? "",
      excerpt: item.querySelector(".result__excerpt")?.textContent ?? "",
      marks: Array.from(item.querySelectorAll(".result__excerpt mark"), (m) => m.textContent),
    })),
  }), STATUS);
}

// The checkbox and count shown beside a facet value, by its name.
async function facet(page, key, name) {
  return page.evaluate(
    (key, name) => {
      for (const label of document.querySelectorAll(`#pb\\:search-facets label[for^="pb:facet-${key}-"]`)) {
        if (label.querySelector(".facet__name").textContent === name) {
          return { id: label.htmlFor, count: parseInt(label.querySelector(".facet__count").textContent, 10) };
        }
      }
      return null;
    },
    key,
    name
  );
}

async function searches(browser, base) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("requestfailed", (request) => errors.push(`${request.url()}: failed`));
  const open = async (query) => {
    await page.goto(base + "search.html?q=" + encodeURIComponent(query));
    await waitForStatus(page, `“${query}”`);
    return shown(page);
  };

  const cobalt = await open("cobalt");
  const japan = await open("japan");
  const region = await facet(page, "region", "Northeast Asia");
  await page.click(`[id="${region.id}"]`);
  await waitForStatus(page, "\\(filtered\\)");
  const filtered = await shown(page);
  const royalties = await open("royalties");
  await page.close();
  return { base, cobalt, japan, region, filtered, royalties, errors };
}

const browser = await puppeteer.launch({ browser: "firefox", executablePath, headless: true });
try {
  const sites = [];
  for (const base of bases) {
    sites.push(await searches(browser, base));
  }
  process.stdout.write(JSON.stringify({ version: await browser.version(), sites }));
} finally {
  await browser.close();
}
