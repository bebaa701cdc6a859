// A department proposes a catalog change; the reform office approves; the portal shows it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

test("a department proposes a change and the reform office approves and publishes it", async () => {
  const listing = await (await fetch(`${app.url}/api/v1/implementations?limit=500`)).json();
  const item = listing.items.find((i) => i.department.includes("市场监督管理局") && i.exercise_level === 3);
  assert.ok(item, "a market-regulation item");
  const newName = `${item.name}（浏览器旅程）`;

  const department = await app.browser.newContext();
  const page = await department.newPage();
  await signIn(page, app.url, "reviewer");
  await page.goto(`${app.url}/changes/new?kind=change&code=${encodeURIComponent(item.implementation_code)}`);
  await page.fill("#name", newName);
  await page.fill("#reason", "规范事项名称，与省级目录一致");
  await shot(page, "change-01-proposal");
  await Promise.all([page.waitForNavigation(), page.click("form.stack button[type=submit]")]);
  assert.match(await page.textContent("[data-testid=change-status]"), /待审核/);
  const requestUrl = page.url();

  // A proposal that fails the rules is refused with the reason, and nothing is lost.
  await page.goto(`${app.url}/changes/new?kind=cancel&code=NO-SUCH-CODE`);
  await page.fill("#reason", "测试");
  await page.click("form.stack button[type=submit]");
  await page.waitForSelector("[role=alert]");
  assert.equal(await page.inputValue("#reason"), "测试");
  await shot(page, "change-02-refused");

  const reform = await app.browser.newContext();
  const review = await reform.newPage();
  await signIn(review, app.url, "reform");
  await review.goto(requestUrl);
  assert.match(await review.textContent("[data-testid=proposal-diff]"), /浏览器旅程/);
  await shot(review, "change-03-review");
  await review.fill("#comment", "同意发布");
  await Promise.all([review.waitForNavigation(), review.click("[data-testid=approve]")]);
  assert.match(await review.textContent("[data-testid=change-status]"), /已批准/);

  await review.goto(`${app.url}/catalog/items/${encodeURIComponent(item.implementation_code)}`);
  assert.equal(await review.textContent("[data-testid=item-name]"), newName);
  await review.goto(`${app.url}/catalog/items/${encodeURIComponent(item.implementation_code)}/history`);
  assert.ok((await review.locator("[data-testid=version]").count()) >= 2);
  await shot(review, "change-04-history");

  // The department cannot approve, and a citizen cannot reach the change pages at all.
  const citizen = await (await app.browser.newContext()).newPage();
  await signIn(citizen, app.url, "citizen");
  const denied = await citizen.goto(`${app.url}/changes`);
  assert.equal(denied.status(), 403);
  await shot(citizen, "change-05-denied");
});
