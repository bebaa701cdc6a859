// A window clerk takes in an application from the inbox and the department reviews it, on
// the case pages alone, in the demo city; the case page also fits a phone-sized screen.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, sideScroll, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

test("a clerk accepts from the inbox and the reviewer passes the first step", async () => {
  const page = await app.context.newPage();
  await signIn(page, app.url, "clerk");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=nav-inbox]")]);
  assert.match(await page.textContent("h1"), /我的待办/);
  const intake = page.locator("[data-testid=inbox] tbody tr", { hasText: "受理决定" }).first();
  assert.ok((await intake.count()) === 1, "an application waits for intake");
  await shot(page, "cases-01-inbox");
  await Promise.all([page.waitForNavigation(), intake.locator("a").click()]);
  const path = new URL(page.url()).pathname;
  assert.match(await page.textContent("[data-testid=case-phase]"), /待受理/);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=accept]")]);
  assert.match(await page.textContent("[data-testid=act-done]"), /已办理/);
  assert.match(await page.textContent("[data-testid=case-phase]"), /办理中/);
  assert.match(await page.textContent("[data-testid=case-number]"), /^TB\d{16}$/);
  assert.ok((await page.locator("[data-testid=notice-acceptance]").count()) === 1, "the acceptance notice");
  await shot(page, "cases-02-accepted");

  await signIn(page, app.url, "reviewer");
  await page.goto(`${app.url}${path}`);
  // The same case open twice (a second tab left open): what the first tab did wins, the
  // second is told and nothing is done twice.
  const stale = await app.context.newPage();
  await stale.goto(`${app.url}${path}`);
  const approve = page.locator("[data-testid=approve-undertake]");
  assert.ok((await approve.count()) === 1, "the reviewer may pass 承办");
  await page.fill("input[name=text] >> nth=0", "材料齐全，同意");
  await Promise.all([page.waitForNavigation(), approve.click()]);
  assert.match(await page.textContent("[data-testid=case-history]"), /通过 · reviewer/);
  await Promise.all([stale.waitForNavigation(), stale.click("[data-testid=approve-undertake]")]);
  assert.ok((await stale.locator("[data-testid=act-error]").count()) === 1, "the stale tab is refused");
  const approvals = (await stale.textContent("[data-testid=case-history]")).match(/通过 · reviewer/g);
  assert.equal(approvals.length, 1, "approved once");
  await shot(stale, "cases-03a-stale-tab-refused");
  await stale.close();
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await sideScroll(page);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await shot(page, "cases-03-reviewed-360px");
  assert.deepEqual(app.external, [], "no request left the server");
});

test("a general window takes in for the health department, asks once for a correction and accepts", async () => {
  const page = await app.context.newPage();
  await signIn(page, app.url, "clerk");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=nav-intake]")]);
  // the applicant says what they are opening; the clerk searches in their words and chooses
  await page.fill("#q", "开理发店");
  await Promise.all([page.waitForNavigation(), page.press("#q", "Enter")]);
  const found = page.locator("[data-testid=intake-found] li", { hasText: "云溪市卫生健康委员会" }).first();
  assert.match(await found.textContent(), /公共场所卫生许可/);
  await Promise.all([page.waitForNavigation(), found.locator("a").click()]);
  await page.selectOption("#kind", "organisation");
  await page.fill("#name", "云溪市清泉浴场有限公司");
  // a code whose check character is wrong: refused naming it, nothing typed is lost
  await page.fill("#id_number", "91110000600037341A");
  await page.fill("#phone", "13800138000");
  for (const material of ["公共场所卫生许可申请表", "公共场所卫生管理制度文本"]) {
    await page.check(`input[name=material][value="${material}"]`);
  }
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=take-in]")]);
  assert.match(await page.textContent("[data-testid=intake-error]"), /统一社会信用代码|身份证|校验/);
  assert.equal(await page.inputValue("#name"), "云溪市清泉浴场有限公司");
  assert.ok(await page.isChecked('input[name=material][value="公共场所卫生管理制度文本"]'), "the ticks are kept");
  await page.fill("#id_number", "91110000600037341L");
  await shot(page, "cases-04-intake");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=take-in]")]);
  assert.match(await page.textContent("[data-testid=case-phase]"), /待受理/);

  await page.fill("#corrections-items", "公共场所从业人员健康合格证明：未提交\n公共场所地址方位示意图、平面图和卫生设施平面布局图：未提交");
  await page.fill("#corrections-deadline", "2026-12-18");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=request-corrections]")]);
  assert.match(await page.textContent("[data-testid=case-phase]"), /待补正/);
  assert.ok((await page.locator("[data-testid=notice-corrections]").count()) === 1, "the correction notice");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=supply-corrections]")]);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=accept]")]);
  assert.match(await page.textContent("[data-testid=case-phase]"), /办理中/);
  assert.match(await page.textContent("[data-testid=case-history]"), /一次性告知补正[\s\S]*补正材料[\s\S]*受理/);
  await shot(page, "cases-05-accepted-after-corrections");
  assert.deepEqual(app.external, [], "no request left the server");
});
