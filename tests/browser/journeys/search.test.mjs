// A grandmother types how she would say it, not the official name: the search box offers
// completions, finds the right item and its guide; a query that finds nothing gets help and
// themes instead of an empty page, and the reform office sees it among the failed queries.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, sideScroll, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

test("a citizen searches colloquially and reaches the right guide", async () => {
  const page = await app.context.newPage();
  await page.goto(app.url);
  // completions while typing come from the API into the native list
  await page.fill("[data-testid=home-search]", "居民身份");
  await page.waitForFunction(() => document.querySelectorAll("#home-suggestions option").length > 0);
  const offered = await page.$$eval("#home-suggestions option", (options) => options.map((o) => o.value));
  assert.ok(offered.some((name) => name.startsWith("居民身份证")), `completions: ${offered}`);

  await page.fill("[data-testid=home-search]", "开饭馆要办什么证");
  await Promise.all([page.waitForNavigation(), page.press("[data-testid=home-search]", "Enter")]);
  assert.match(page.url(), /\/search\?q=/);
  const first = page.locator("[data-testid=search-results] a.name").first();
  assert.equal(await first.textContent(), "食品经营许可");
  await shot(page, "search-01-colloquial");

  // the district resident sees the district's office first
  await page.click("details.card > summary");
  await page.selectOption("[data-testid=search-near]", { label: "临江区" });
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=search-filters] button[type=submit]")]);
  assert.match(await page.textContent("[data-testid=search-results] li >> nth=0"), /临江区/);

  await Promise.all([page.waitForNavigation(), first.click()]);
  await page.waitForSelector("[data-testid=guide]");
  assert.match(await page.textContent("[data-testid=item-name]"), /食品经营许可/);
  await shot(page, "search-02-guide");

  // from the district's sub-portal (分厅) the district's own office comes first
  await page.goto(app.url);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=region-switcher] a:text-is('临江区')")]);
  assert.match(await page.textContent("[data-testid=region-name]"), /临江区/);
  await page.fill("[data-testid=home-search]", "开饭馆");
  await Promise.all([page.waitForNavigation(), page.press("[data-testid=home-search]", "Enter")]);
  assert.match(await page.textContent("[data-testid=search-results] li >> nth=0"), /临江区/);
  await shot(page, "search-03-sub-portal");

  // pinyin initials in the header's link to search
  await page.goto(`${app.url}/search?q=sbk`);
  assert.equal(await page.locator("[data-testid=search-results] a.name").first().textContent(), "社会保障卡补领");

  // nothing found: help, themes, and the theme leads somewhere
  await page.goto(`${app.url}/search?q=${encodeURIComponent("量子纠缠")}`);
  assert.match(await page.textContent("[data-testid=search-nothing]"), /没有找到/);
  await shot(page, "search-04-nothing");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=search-themes] a:text-is('出生')")]);
  const names = await page.$$eval("[data-testid=search-results] a.name", (links) => links.map((a) => a.textContent));
  assert.ok(names.includes("出生登记"), `theme 出生: ${names}`);

  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await sideScroll(page);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await shot(page, "search-05-360px");

  // the reform office sees what people could not find
  const office = await (await app.browser.newContext()).newPage();
  await signIn(office, app.url, "reform");
  await Promise.all([office.waitForNavigation(), office.click("[data-testid=nav-search-admin]")]);
  assert.match(await office.textContent("[data-testid=search-misses]"), /量子纠缠/);
  await shot(office, "search-06-misses");
  assert.deepEqual(app.external, [], "no request left the server");
});
