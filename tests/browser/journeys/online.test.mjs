// Whole journeys across the portal and the clerks' pages, in the demo city: a company
// applies online with its files and the case runs to delivery by mail; a clerk refuses an
// application with its reason and legal basis; a township hall receives for a city
// department (跨区通办) and hands the result over at its window; a citizen applies once for
// a bundle (一件事) whose two licences start in parallel once the company is registered.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { act, shot, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

const SCAN = Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n");

async function itemCode(name) {
  const response = await fetch(`${app.url}/api/v1/implementations?status=published&q=${encodeURIComponent(name)}`);
  const { items } = await response.json();
  const item = items.find((i) => i.name === name && i.department === "云溪市市场监督管理局");
  assert.ok(item, `the demo item ${name}`);
  return item.implementation_code;
}


/** The department passes the three steps of the standard process on the case page. */
async function decide(page, path) {
  await signIn(page, app.url, "reviewer");
  await page.goto(`${app.url}${path}`);
  await act(page, "approve-undertake");
  await act(page, "approve-review");
  await signIn(page, app.url, "approver");
  await page.goto(`${app.url}${path}`);
  await act(page, "approve-approve");
}

test("a company applies online with its files and the result is mailed", async () => {
  const code = await itemCode("食品经营许可");
  const page = await app.context.newPage();
  await signIn(page, app.url, "enterprise");
  await page.goto(`${app.url}/catalog/items/${code}`);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=apply-online]")]);
  assert.match(await page.textContent("h1"), /网上申请/);
  assert.match(await page.textContent("form[enctype=\"multipart/form-data\"]"), /营业执照：由数据共享获取/);
  await page.fill("#name", "云溪市青禾餐饮有限公司");
  await page.fill("#id_number", "91110000600037341L");
  await page.fill("#phone", "13800138000");
  const required = page.locator("input[type=file][data-required]");
  assert.equal(await required.count(), 3, "three files to upload; shared ones are not asked");
  for (let i = 0; i < 3; i++) {
    await required.nth(i).setInputFiles({ name: `材料${i}.pdf`, mimeType: "application/pdf", buffer: SCAN });
  }
  await shot(page, "online-01-apply");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=submit-application]")]);
  assert.match(await page.textContent("[data-testid=case-phase]"), /待受理/);
  const path = new URL(page.url()).pathname;
  const file = page.locator("[data-testid=case-materials] a").first();
  const served = await page.request.get(`${app.url}${await file.getAttribute("href")}`);
  assert.equal(served.status(), 200);
  assert.equal(served.headers()["content-type"], "application/pdf");
  assert.deepEqual(Buffer.from(await served.body()), SCAN);
  await shot(page, "online-02-submitted");

  await signIn(page, app.url, "clerk");
  await page.goto(`${app.url}${path}`);
  await act(page, "accept");
  await decide(page, path);
  await signIn(page, app.url, "clerk");
  await page.goto(`${app.url}${path}`);
  await page.selectOption("#close-kind", "licence");
  await page.fill("#close-number", "JY15199000000123");
  await act(page, "close");
  await page.selectOption("#deliver-kind", "mail");
  await page.fill("#deliver-tracking", "EMS1234567890");
  await act(page, "deliver");
  assert.match(await page.textContent("[data-testid=case-phase]"), /已送达/);

  await signIn(page, app.url, "enterprise");
  await page.goto(`${app.url}${path}`);
  assert.match(await page.textContent("[data-testid=case-phase]"), /已送达/);
  assert.match(await page.textContent("[data-testid=case-history]"), /受理[\s\S]*办结[\s\S]*送达/);
  await shot(page, "online-03-delivered");
  assert.deepEqual(app.external, [], "no request left the server");
});

test("a clerk refuses an application with its reason and legal basis", async () => {
  const page = await app.context.newPage();
  await signIn(page, app.url, "clerk");
  await page.goto(`${app.url}/inbox`);
  const intake = page.locator("[data-testid=inbox] tbody tr", { hasText: "受理决定" }).first();
  await Promise.all([page.waitForNavigation(), intake.locator("a").click()]);
  // a common reason from the reform office's list fills reason and basis, then is edited
  await page.selectOption("[data-testid=refuse-template]", { index: 2 });
  assert.match(await page.inputValue("#refuse-reason"), /不属于本行政机关职权范围/);
  assert.match(await page.inputValue("#refuse-basis"), /第三十二条第一款第（二）项/);
  await page.fill("#refuse-reason", `${await page.inputValue("#refuse-reason")}（属地市场监管部门）`);
  await act(page, "refuse");
  const id = new URL(page.url()).pathname.split("/")[2];
  const stored = await (await page.request.get(`${app.url}/api/v1/cases/${id}`)).json();
  assert.match(JSON.stringify(stored.timeline), /不属于本行政机关职权范围.*属地市场监管部门/);
  assert.match(await page.textContent("[data-testid=case-phase]"), /不予受理/);
  const notice = await page.request.get(`${app.url}${await page.getAttribute("[data-testid=notice-refusal]", "href")}`);
  assert.equal(notice.status(), 200);
  assert.equal(notice.headers()["content-type"], "application/pdf");
  await shot(page, "online-04-refused");
});

test("a township hall receives for the city and hands the result over at its window", async () => {
  const code = await itemCode("食品经营许可");
  const page = await app.context.newPage();
  await signIn(page, app.url, "songxi");
  await page.goto(`${app.url}/intake?code=${code}`);
  await page.selectOption("#kind", "organisation");
  await page.fill("#name", "松溪县松风茶业有限公司");
  await page.fill("#id_number", "91110000600037341L");
  await page.fill("#phone", "13800138000");
  for (const box of await page.locator("input[name=material]").all()) await box.check();
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=take-in]")]);
  const path = new URL(page.url()).pathname;
  assert.ok((await page.locator("[data-testid=cross-region]").count()) === 1, "received in another region");
  await act(page, "accept");
  await decide(page, path);
  await signIn(page, app.url, "songxi");
  await page.goto(`${app.url}${path}`);
  await page.selectOption("#close-kind", "licence");
  await page.fill("#close-number", "JY15199000000124");
  await act(page, "close");
  await page.selectOption("#deliver-kind", "window");
  await page.fill("#deliver-signed", "王松风");
  await act(page, "deliver");
  assert.match(await page.textContent("[data-testid=case-phase]"), /已送达/);
  await shot(page, "online-05-handed-over-at-the-hall");
});

test("a citizen applies once for a bundle; two departments start in parallel after the registration", async () => {
  const page = await app.context.newPage();
  await signIn(page, app.url, "citizen");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=nav-bundles]")]);
  await Promise.all([page.waitForNavigation(), page.click("text=开办餐饮店一件事")]);
  assert.match(await page.textContent("[data-testid=bundle-members]"), /食品经营许可[\s\S]*公司设立登记/);
  await page.fill("#name", "刘市民");
  await page.fill("#id_number", "11010519491231002X");
  await page.fill("#phone", "13800138000");
  const files = page.locator("input[type=file][data-required]");
  const count = await files.count();
  assert.ok(count >= 2, "each material once, for all three items");
  for (let i = 0; i < count; i++) {
    await files.nth(i).setInputFiles({ name: `材料${i}.pdf`, mimeType: "application/pdf", buffer: SCAN });
  }
  await shot(page, "online-06-bundle-apply");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=submit-bundle-application]")]);
  const progress = new URL(page.url()).pathname;
  assert.match(await page.textContent("[data-testid=bundle-progress]"), /0 \/ 3/);
  const started = page.locator("[data-testid=bundle-members] tr[data-state=submitted] a");
  assert.equal(await started.count(), 1, "only the registration starts at once");
  const registration = await started.getAttribute("href");

  await signIn(page, app.url, "clerk");
  await page.goto(`${app.url}${registration}`);
  await act(page, "accept");
  await decide(page, registration);

  await signIn(page, app.url, "citizen");
  await page.goto(`${app.url}${progress}`);
  const parallel = page.locator("[data-testid=bundle-members] tr[data-state=submitted]");
  assert.equal(await parallel.count(), 2, "the food and the hygiene licence start together");
  assert.match(await parallel.allTextContents().then((t) => t.join(" ")), /食品经营许可[\s\S]*卫生许可|卫生许可[\s\S]*食品经营许可/);
  await shot(page, "online-07-bundle-parallel");
  assert.deepEqual(app.external, [], "no request left the server");
});
