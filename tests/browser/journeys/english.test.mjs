// The portal in English, on a phone: a visitor switches language once and every portal page
// (and the applicant's own pages after signing in) speaks English in its headings, labels,
// buttons, table headers and navigation; only the data (item names, departments, materials)
// stays as the catalog writes it. No page scrolls sideways at 360 px.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, sideScroll, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

/** The page's own words: headings, labels, buttons, table headers, legends, navigation. */
async function chineseChrome(page) {
  return page.$$eval(
    "main h1, main h2, main label, main button, main th, main legend, main summary, nav.main a:not([data-testid=nav-account]), nav.main button",
    (elements) =>
      elements
        // data the catalog writes in Chinese: marked lang="zh-CN", or a material, a result
        .filter((e) => !e.closest(".material, [data-material], [lang^=zh], .results"))
        .map((e) => {
          const copy = e.cloneNode(true);
          copy.querySelectorAll("[lang^=zh], .code, .count, .tag, select, datalist, input").forEach((d) => d.remove());
          return copy.textContent.trim();
        })
        .filter((text) => /\p{Script=Han}/u.test(text)),
  );
}

async function inEnglish(page, path) {
  const response = await page.goto(`${app.url}${path}`);
  assert.ok(response.ok(), `${path}: ${response.status()}`);
  assert.equal(await page.getAttribute("html", "lang"), "en", path);
  const left = await chineseChrome(page);
  assert.deepEqual(left, [], `${path} has words left in Chinese`);
  const overflow = await sideScroll(page);
  assert.ok(overflow <= 0, `${path}: no horizontal scrolling at 360 px (overflow ${overflow}px)`);
}

test("every portal page speaks English once the visitor switches", async () => {
  const page = await (await app.newContext({ viewport: { width: 360, height: 780 } })).newPage();
  await page.goto(app.url);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=switch-language]")]);

  const guide = await page.evaluate(async () => {
    const response = await fetch("/api/v1/implementations?status=published&q=%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5%E8%AE%B8%E5%8F%AF");
    const { items } = await response.json();
    return items.find((i) => i.department === "云溪市市场监督管理局").implementation_code;
  });
  const bundle = await page.evaluate(async () => {
    const response = await fetch("/api/v1/bundles");
    const body = await response.json();
    return (body.bundles ?? body.items ?? body)[0].key;
  });
  const region = await page.getAttribute("[data-testid=region-switcher] a[href^='/regions/'] >> nth=0", "href");
  const visitorPages = [
    region,
    "/",
    "/search?q=sfz",
    "/search?q=%E9%87%8F%E5%AD%90%E7%BA%A0%E7%BC%A0",
    "/catalog",
    `/catalog/items/${guide}`,
    "/bundles",
    `/bundles/${encodeURIComponent(bundle)}`,
    "/contact",
    "/progress",
    "/calendar",
    "/login",
    "/register",
  ];
  for (const path of visitorPages) await inEnglish(page, path);
  await shot(page, "english-01-guide-360px");

  await signIn(page, app.url, "enterprise");
  assert.equal(await page.getAttribute("html", "lang"), "en", "the language survives signing in");
  for (const path of ["/account", `/catalog/items/${guide}/apply`, `/bundles/${encodeURIComponent(bundle)}`]) {
    await inEnglish(page, path);
  }
  await page.goto(`${app.url}/account`);
  const mine = page.locator("[data-testid=my-cases] a").first();
  assert.equal(await mine.count(), 1, "the demo company has cases");
  await Promise.all([page.waitForNavigation(), mine.click()]);
  await inEnglish(page, new URL(page.url()).pathname);
  await shot(page, "english-02-apply-360px");
  assert.deepEqual(app.external, [], "no request left the server");
});
