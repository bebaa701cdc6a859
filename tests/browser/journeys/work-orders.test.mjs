// A grandmother is unhappy with a window: from the guide page she sends a complaint without
// an account (the form tells her what is missing and keeps what she wrote), gets a number and
// a query password; the department reads it with her phone masked and answers; she reads
// the answer on the progress page with the number and password, on a phone-sized screen.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, sideScroll, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

const COMPLAINT = "上周二在市民中心办理，窗口要求提供房屋产权证明，办事指南里没有这一项。";

test("a complaint from a guide page is answered by the department and read with the password", async () => {
  const found = await (await fetch(`${app.url}/api/v1/search?q=${encodeURIComponent("食品经营许可")}`)).json();
  const guideUrl = found.results[0].guide_url;
  const page = await app.context.newPage();
  await page.goto(`${app.url}${guideUrl}`);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=contact-about-item]")]);
  assert.match(await page.textContent("[data-testid=contact-item]"), /食品经营许可/);
  await page.check("input[name=kind][value=complaint]");
  await page.fill("#subject", "窗口要求提交指南以外的材料");
  await page.fill("#text", COMPLAINT);
  await page.fill("#contact_name", "赵丽");
  await page.fill("#contact_phone", "1370013");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=contact-send]")]);
  // one mistake: the phone is named, nothing typed is lost
  assert.match(await page.textContent("[data-testid=contact-error]"), /手机号码/);
  assert.equal(await page.getAttribute("#contact_phone", "aria-invalid"), "true");
  assert.equal(await page.inputValue("#text"), COMPLAINT);
  await shot(page, "work-orders-01-one-mistake");
  await page.fill("#contact_phone", "137 0013 7001");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=contact-send]")]);
  const number = (await page.textContent("[data-testid=work-order-number]")).trim();
  const password = (await page.textContent("[data-testid=work-order-password]")).trim();
  assert.match(number, /^GD\d{16}$/);
  assert.match(await page.textContent("[data-testid=work-order-department]"), /市场监督管理局/);
  await shot(page, "work-orders-02-sent");

  // the department's reviewer answers from the work-order list
  const office = await (await app.newContext()).newPage();
  await signIn(office, app.url, "reviewer");
  await Promise.all([office.waitForNavigation(), office.click("[data-testid=nav-work-orders]")]);
  await Promise.all([office.waitForNavigation(), office.click(`[data-testid=work-orders] a:text-is('${number}')`)]);
  assert.match(await office.textContent("[data-testid=work-order-contact]"), /137\*\*\*\*7001/);
  await office.fill("#answer", "经核查，房屋产权证明不是申请材料，已对窗口人员批评教育，请您重新提交。");
  await Promise.all([office.waitForNavigation(), office.click("[data-testid=answer-send]")]);
  assert.match(await office.textContent("[data-testid=work-order-saved]"), /已答复/);
  await shot(office, "work-orders-03-answered");

  // she reads it with the number and password, on her phone
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`${app.url}/progress`);
  await page.fill("#number", number);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("form.stack button[type=submit]")]);
  assert.match(await page.textContent("[data-testid=progress-work-order-answer]"), /批评教育/);
  const overflow = await sideScroll(page);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await shot(page, "work-orders-04-answer-360px");
  assert.deepEqual(app.external, [], "no request left the server");
});
