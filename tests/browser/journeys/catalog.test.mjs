// A citizen browses the catalog: portal → catalog → filter → item guide → English.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, sideScroll, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

test("a citizen browses the catalog, opens a guide and switches language", async () => {
  const page = await app.context.newPage();
  await page.goto(app.url);
  assert.match(await page.title(), /通办/);
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  const published = Number(await page.textContent("[data-testid=published-count]"));
  assert.ok(published >= 60, `published items: ${published}`);
  await shot(page, "catalog-01-home");

  await page.click("[data-testid=department-list] a >> nth=0");
  await page.waitForSelector("[data-testid=results]");
  const count = Number(await page.textContent("[data-testid=result-count]"));
  assert.ok(count > 0);
  await shot(page, "catalog-02-department");

  await page.goto(`${app.url}/catalog`);
  await page.fill("input[name=q]", "食品经营许可");
  await Promise.all([page.waitForNavigation(), page.click(".filters button[type=submit]")]);
  await page.click("[data-testid=results] a.name >> nth=0");
  await page.waitForSelector("[data-testid=guide]");
  assert.match(await page.textContent("[data-testid=item-name]"), /食品经营许可/);
  assert.ok((await page.locator("[data-testid=materials] tbody tr").count()) > 0, "the guide lists its materials");
  await shot(page, "catalog-03-item");

  await Promise.all([page.waitForNavigation(), page.click("[data-testid=switch-language]")]);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.match(await page.textContent("body"), /Service guide/);
  await shot(page, "catalog-04-item-en");

  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await sideScroll(page);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await shot(page, "catalog-05-item-360px");
  assert.deepEqual(app.external, [], "no request left the server");
});
