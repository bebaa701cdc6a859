// The whole way, as a newcomer with only the README walks it, each step as the right user:
// a company owner on a phone finds the licence by how she would say it, starts the
// application, saves a draft and comes back to send it with a file submitted before; the
// general window accepts it and hands over the query password; the department checks the
// materials beside the guide and approves; the supervisor finds the case by its number on
// the dashboard; the window closes it and delivers it electronically; anyone with number and
// password sees its progress; the owner downloads the result and reads the whole timeline.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { act, shot, sideScroll, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

const SCAN = Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n");

async function fitsThePhone(page, what) {
  const overflow = await sideScroll(page);
  assert.ok(overflow <= 0, `${what}: no horizontal scrolling at 360 px (overflow ${overflow}px)`);
}


test("from a colloquial search to the delivered result, each as the right user", async () => {
  // The owner, on a phone: search as she would say it, the city's office, its guide.
  const phone = await (await app.newContext({ viewport: { width: 360, height: 780 } })).newPage();
  await signIn(phone, app.url, "enterprise");
  await phone.goto(app.url);
  await phone.fill("[data-testid=home-search]", "开饭馆要办什么证");
  await Promise.all([phone.waitForNavigation(), phone.press("[data-testid=home-search]", "Enter")]);
  await fitsThePhone(phone, "search results");
  const hit = phone
    .locator("[data-testid=search-results] li", { hasText: "云溪市市场监督管理局" })
    .filter({ has: phone.locator("a.name", { hasText: /^食品经营许可$/ }) })
    .first();
  await Promise.all([phone.waitForNavigation(), hit.locator("a.name").click()]);
  await phone.waitForSelector("[data-testid=guide]");
  await fitsThePhone(phone, "guide");
  await shot(phone, "newcomer-01-guide-360px");

  // Halfway through the form she saves a draft; the upload goes with its progress bar.
  await Promise.all([phone.waitForNavigation(), phone.click("[data-testid=apply-online]")]);
  await fitsThePhone(phone, "application form");
  await phone.fill("#name", "云溪市青禾餐饮有限公司");
  // A mistyped number is said as she leaves the field, and cleared once it is right.
  await phone.fill("#id_number", "9111000060003");
  await phone.focus("#phone");
  assert.equal(await phone.getAttribute("#id_number", "aria-invalid"), "true");
  assert.match(await phone.textContent("#id_number-invalid"), /18位/);
  await phone.fill("#id_number", "91110000600037341L");
  assert.equal(await phone.getAttribute("#id_number", "aria-invalid"), null);
  const files = phone.locator("input[type=file][data-required]");
  assert.ok((await files.count()) >= 2, "several files to upload");
  await files.nth(0).setInputFiles({ name: "食品安全管理制度.pdf", mimeType: "application/pdf", buffer: SCAN });
  await Promise.all([phone.waitForNavigation(), phone.click("[data-testid=save-draft]")]);
  assert.match(await phone.textContent("[data-testid=draft-notice]"), /草稿已保存/);

  // Later: the draft is back; the other files are chosen from what she submitted before.
  await phone.goto(app.url);
  await Promise.all([phone.waitForNavigation(), phone.click("[data-testid=nav-account]")]);
  await Promise.all([phone.waitForNavigation(), phone.click("[data-testid=my-drafts] a")]);
  assert.match(await phone.textContent("[data-testid=draft-notice]"), /已恢复/);
  assert.equal(await phone.inputValue("#name"), "云溪市青禾餐饮有限公司");
  assert.match(await phone.textContent("fieldset"), /已上传：食品安全管理制度\.pdf/);
  await phone.fill("#phone", "13800138000");
  const earlier = phone.locator(".material:has(input[data-required]) select[name^='reuse.']");
  assert.ok((await earlier.count()) >= 1, "the rest can be chosen from earlier files");
  for (const choice of await earlier.all()) await choice.selectOption({ label: "申请材料.pdf" });
  await shot(phone, "newcomer-02-apply-360px");
  await Promise.all([phone.waitForNavigation(), phone.click("[data-testid=submit-application]")]);
  assert.match(await phone.textContent("[data-testid=case-phase]"), /待受理/);
  const path = new URL(phone.url()).pathname;
  await fitsThePhone(phone, "case page");

  // The general window accepts and hands the query password over.
  const desk = await app.context.newPage();
  await signIn(desk, app.url, "clerk");
  await Promise.all([desk.waitForNavigation(), desk.click("[data-testid=nav-inbox]")]);
  await Promise.all([desk.waitForNavigation(), desk.click(`[data-testid=inbox] a[href='${path}']`)]);
  assert.match(await desk.textContent("[data-testid=case-materials]"), /指南要求/);
  await act(desk, "accept");
  const done = await desk.textContent("[data-testid=act-done]");
  const password = done.match(/查询密码：([0-9A-Za-z]{6})/)?.[1];
  assert.ok(password, `the query password is shown once: ${done}`);
  const number = (await desk.textContent("[data-testid=case-number]")).trim();
  const notice = await desk.request.get(`${app.url}${await desk.getAttribute("[data-testid=notice-acceptance]", "href")}`);
  assert.equal(notice.headers()["content-type"], "application/pdf");
  assert.match(await desk.textContent("[data-testid=case-clock]"), /剩余工作日/);
  await shot(desk, "newcomer-03-accepted");
  await Promise.all([desk.waitForNavigation(), desk.click("[data-testid=nav-intake]")]);
  assert.match(await desk.textContent("[data-testid=intake-today]"), new RegExp(`${number}[\\s\\S]*受理`));

  // The department: its inbox, the materials beside the guide, three approvals.
  await signIn(desk, app.url, "reviewer");
  await Promise.all([desk.waitForNavigation(), desk.click("[data-testid=nav-inbox]")]);
  const task = desk.locator(`[data-testid=inbox] tr[data-case='${path.split("/")[2]}']`).first();
  await Promise.all([desk.waitForNavigation(), task.locator("a").first().click()]);
  const materials = await desk.textContent("[data-testid=case-materials]");
  assert.match(materials, /原件|复印件/, "the guide's requirement beside each material");
  assert.match(materials, /上传文件/);
  await desk.fill("#opinion-undertake", "材料齐全，符合要求");
  await act(desk, "approve-undertake");
  await act(desk, "approve-review");
  await signIn(desk, app.url, "approver");
  await desk.goto(`${app.url}${path}`);
  await act(desk, "approve-approve");
  await shot(desk, "newcomer-04-approved");

  // The supervisor finds it by its number and reads its clock and timeline.
  await signIn(desk, app.url, "supervisor");
  await Promise.all([desk.waitForNavigation(), desk.click("nav.main a[href='/supervision']")]);
  await desk.fill("#find-case", "TB0000000000000000");
  await Promise.all([desk.waitForNavigation(), desk.click("[data-testid=find-case] button")]);
  assert.match(await desk.textContent("[data-testid=find-case]"), /没有这个编号的办件/);
  await desk.fill("#find-case", number);
  await Promise.all([desk.waitForNavigation(), desk.click("[data-testid=find-case] button")]);
  assert.equal(await desk.textContent("[data-testid=case-number]"), number);
  assert.match(await desk.textContent("[data-testid=timeline]"), /受理[\s\S]*通过/);
  await shot(desk, "newcomer-05-supervision");

  // The window closes it with the licence and delivers it electronically.
  await signIn(desk, app.url, "clerk");
  await desk.goto(`${app.url}${path}`);
  await desk.selectOption("#close-kind", "licence");
  await desk.fill("#close-number", "JY15199000000777");
  await act(desk, "close");
  await desk.selectOption("#deliver-kind", "electronic");
  await act(desk, "deliver");
  assert.match(await desk.textContent("[data-testid=case-phase]"), /已送达/);

  // Anyone with number and password sees the progress, without signing in.
  const visitor = await (await app.newContext({ viewport: { width: 360, height: 780 } })).newPage();
  await visitor.goto(`${app.url}/progress`);
  await visitor.fill("#number", number);
  await visitor.fill("#password", password);
  await Promise.all([visitor.waitForNavigation(), visitor.click("form[action='/progress'] button")]);
  assert.match(await visitor.textContent("main"), /已送达/);
  await fitsThePhone(visitor, "progress");

  // The owner: her cases, the result to download, the whole timeline, the messages.
  await Promise.all([phone.waitForNavigation(), phone.click("[data-testid=nav-account]")]);
  assert.match(await phone.textContent("[data-testid=my-cases]"), new RegExp(`${number}[\\s\\S]*已送达`));
  assert.match(await phone.textContent("[data-testid=my-messages]"), /电子结果已可下载/);
  await Promise.all([phone.waitForNavigation(), phone.click(`[data-testid=my-cases] a:text-is('${number}')`)]);
  const history = await phone.textContent("[data-testid=case-history]");
  assert.match(history, /提交申请[\s\S]*受理[\s\S]*通过[\s\S]*办结[\s\S]*送达/);
  const result = await phone.request.get(`${app.url}${await phone.getAttribute("[data-testid=notice-result]", "href")}`);
  assert.equal(result.status(), 200);
  assert.equal(result.headers()["content-type"], "application/pdf");
  await fitsThePhone(phone, "delivered case");
  await shot(phone, "newcomer-06-delivered-360px");
  assert.deepEqual(app.external, [], "no request left the server");
});
