// A department clerk edits a guide; the linter blocks a vague material and a proof outside
// the retained-proof catalogue; the reform office publishes the fixed version; the guide then
// reads the same on the web, on a phone, at the kiosk, in the PDFs and in the JSON API.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, sideScroll, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

const VAGUE = "其他相关材料"; // G002: a catch-all names no document
const PROOF = "经营场所无违章建筑证明"; // G003: a proof not in 保留证明事项目录 of the demo city
const FIXED = ["从业人员食品安全培训计划", "经营场所租赁合同"];

/** The material names of a web guide page, in order (the name is each row's first text). */
const webMaterials = (page) =>
  page.$$eval("[data-testid=materials] tbody tr td:first-child", (cells) => cells.map((td) => td.firstChild?.textContent ?? ""));

test("a clerk's guide edit is linted, fixed, approved and published on every channel", async () => {
  const listing = await (await fetch(`${app.url}/api/v1/implementations?limit=500`)).json();
  const market = listing.items.filter((i) => i.department.includes("市场监督管理局") && i.exercise_level === 3 && i.status === "published");
  const item = market.find((i) => i.name === "食品经营许可") ?? market[0];
  assert.ok(item, "a published market-regulation item");
  const code = item.implementation_code;
  const itemUrl = `${app.url}/catalog/items/${encodeURIComponent(code)}`;
  const api = `${app.url}/api/v1/implementations/${encodeURIComponent(code)}`;
  const original = (await (await fetch(api)).json()).guide;
  assert.ok(original?.materials?.length > 0, "the item has a published guide with materials");
  const before = original.materials.length;

  // What the public channels print before the edit.
  const publicPage = await app.context.newPage();
  const oldGuidePdf = await (await publicPage.request.get(`${itemUrl}/guide.pdf`)).body();
  const oldNoticePdf = await (await publicPage.request.get(`${itemUrl}/notice.pdf`)).body();
  await publicPage.goto(itemUrl);
  assert.equal(await publicPage.locator("[data-testid=edit-guide]").count(), 0, "the public cannot edit");

  // The clerk opens the editor from the item page; the published guide passes every check.
  const department = await app.browser.newContext();
  const page = await department.newPage();
  await signIn(page, app.url, "reviewer");
  await page.goto(itemUrl);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=edit-guide]")]);
  assert.equal(new URL(page.url()).pathname, `/catalog/items/${code}/guide/edit`);
  await page.waitForSelector("[data-testid=no-findings]");
  const rows = `input[name^="materials."][name$=".name"]`;
  assert.equal(await page.locator(rows).count(), before + 2, "two blank material rows to fill in");
  const nameAt = (i) => `input[name="materials.${i}.name"]`;
  assert.equal(await page.inputValue(nameAt(before)), "");
  assert.equal(await page.inputValue(nameAt(before + 1)), "");

  // A vague catch-all and a proof outside the catalogue: saving keeps them and shows findings.
  await page.fill(nameAt(before), VAGUE);
  await page.fill(nameAt(before + 1), PROOF);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=save-draft]")]);
  await page.waitForSelector("[data-testid=saved]");
  const findings = await page.textContent("[data-testid=findings]");
  assert.match(findings, /G002/);
  assert.match(findings, /G003/);
  assert.ok(findings.includes(VAGUE) && findings.includes(PROOF), findings);
  await shot(page, "guide-01-editor-findings");

  // Proposing is refused with both rule ids, and the draft is kept.
  await page.fill("#reason", "补充申请材料");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=propose-guide]")]);
  const error = await page.textContent("[data-testid=editor-error]");
  assert.match(error, /G002/);
  assert.match(error, /G003/);
  assert.equal(await page.inputValue(nameAt(before)), VAGUE);
  assert.equal(await page.inputValue(nameAt(before + 1)), PROOF);
  await shot(page, "guide-02-propose-refused");
  await page.goto(`${itemUrl}/guide/edit`);
  assert.equal(await page.inputValue(nameAt(before)), VAGUE, "the draft survives a reload");
  assert.equal(await page.inputValue(nameAt(before + 1)), PROOF);

  // Concrete documents instead; the proposal goes to the reform office.
  await page.fill(nameAt(before), FIXED[0]);
  await page.fill(nameAt(before + 1), FIXED[1]);
  await page.fill("#reason", "补充申请材料，删除模糊兜底表述和目录外证明");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=propose-guide]")]);
  assert.match(new URL(page.url()).pathname, /^\/changes\/\d+$/);
  assert.match(await page.textContent("[data-testid=change-status]"), /待审核/);
  const requestUrl = page.url();

  // Nothing is published before the reform office decides.
  await publicPage.goto(itemUrl);
  assert.ok(!(await webMaterials(publicPage)).includes(FIXED[0]), "a proposal is not yet public");

  const reform = await app.browser.newContext();
  const review = await reform.newPage();
  await signIn(review, app.url, "reform");
  await review.goto(requestUrl);
  const diff = await review.textContent("[data-testid=proposal-diff]");
  assert.ok(diff.includes(FIXED[0]) && diff.includes(FIXED[1]), "the diff shows the new materials");
  assert.ok(!diff.includes(VAGUE) && !diff.includes(PROOF));
  await review.fill("#comment", "同意发布");
  await Promise.all([review.waitForNavigation(), review.click("[data-testid=approve]")]);
  assert.match(await review.textContent("[data-testid=change-status]"), /已批准/);

  // JSON: the published guide, the source every channel is drawn from.
  const published = (await (await fetch(api)).json()).guide;
  const names = published.materials.map((m) => m.name);
  assert.deepEqual(names, [...original.materials.map((m) => m.name), ...FIXED]);

  // Web.
  await publicPage.goto(itemUrl);
  assert.deepEqual(await webMaterials(publicPage), names);

  // Mobile: the same page on a phone, with the materials table stacked into cards.
  const phone = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const mobile = await phone.newPage();
  await mobile.goto(itemUrl);
  assert.deepEqual(await webMaterials(mobile), names);
  const stacked = await mobile.$eval("[data-testid=materials] tbody tr", (tr) => getComputedStyle(tr).display);
  assert.equal(stacked, "block", "the materials table stacks on a phone");
  const overflow = await sideScroll(mobile);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
  await mobile.locator(`[data-testid=materials] td:has-text("${FIXED[1]}")`).scrollIntoViewIfNeeded();
  await shot(mobile, "guide-03-mobile");

  // Kiosk: each entry is the name followed by its form and copies.
  await publicPage.goto(`${itemUrl}/kiosk`);
  const kiosk = await publicPage.$$eval("[data-testid=kiosk-materials] > li", (items) => items.map((li) => li.firstChild?.textContent ?? ""));
  assert.equal(kiosk.length, names.length);
  names.forEach((name, i) => assert.ok(kiosk[i].startsWith(`${name}（`), `kiosk entry ${i + 1}: ${kiosk[i]}`));
  await shot(publicPage, "guide-04-kiosk");

  // PDFs: both printed sheets are real PDFs drawn from the new version (their text is
  // checked by the Rust tests of tongban-publish).
  for (const [sheet, old] of [["guide.pdf", oldGuidePdf], ["notice.pdf", oldNoticePdf]]) {
    const response = await publicPage.request.get(`${itemUrl}/${sheet}`);
    assert.equal(response.status(), 200, sheet);
    assert.match(response.headers()["content-type"], /^application\/pdf/, sheet);
    const body = await response.body();
    assert.equal(body.subarray(0, 5).toString("latin1"), "%PDF-", sheet);
    assert.ok(!body.equals(old), `${sheet} is printed from the published version`);
  }

  assert.deepEqual(app.external, [], "no request left the server");
});
