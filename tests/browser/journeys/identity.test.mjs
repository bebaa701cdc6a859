// A citizen registers under their real name, is told exactly what is wrong with a mistyped
// id number, lands in their user centre with the id and phone masked, signs out and in
// again, sees only their own data, and is refused a staff page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

const ID = "11010519491231002X";

async function fillRegistration(page, idNumber) {
  await page.fill("#username", "liumin");
  await page.fill("#name", "刘敏");
  await page.fill("#id_number", idNumber);
  await page.fill("#phone", "139 1234 5678");
  await page.fill("#password", "Qinghe-2026");
  await page.fill("#password_again", "Qinghe-2026");
}

test("a citizen registers, signs in and sees only their own, masked", async () => {
  const page = await app.context.newPage();
  await page.goto(`${app.url}/`);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=nav-register]")]);
  assert.match(await page.textContent("h1"), /实名注册/);

  // The check character is wrong: the page says so and keeps what was typed.
  await fillRegistration(page, "110105194912310021");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=register-form] button[type=submit]")]);
  assert.match(await page.textContent("[data-testid=register-error]"), /校验码/);
  assert.equal(await page.getAttribute("#id_number", "aria-invalid"), "true");
  assert.equal(await page.inputValue("#name"), "刘敏");
  await shot(page, "identity-01-register-error");

  await fillRegistration(page, ID);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=register-form] button[type=submit]")]);
  assert.match(page.url(), /\/account$/);
  assert.equal(await page.textContent("[data-testid=profile-id-number]"), "110105********002X");
  assert.equal(await page.textContent("[data-testid=profile-phone]"), "139****5678");
  assert.ok(!(await page.content()).includes(ID), "the full id number is never on the page");
  await shot(page, "identity-02-user-centre");

  // Out and in again with the new password.
  await Promise.all([page.waitForNavigation(), page.click("form[action='/logout'] button")]);
  await page.goto(`${app.url}/login`);
  await page.fill("#username", "liumin");
  await page.fill("#password", "Qinghe-2026");
  await Promise.all([page.waitForNavigation(), page.click("form.stack button[type=submit]")]);
  assert.equal(await page.textContent("[data-testid=current-user]"), "刘敏");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=nav-account]")]);
  assert.match(await page.textContent("[data-testid=my-sessions]"), /当前/);
  assert.equal(await page.locator("[data-testid=my-cases]").count(), 0, "another person's cases are not here");

  // A staff page is refused, and the API agrees about whose account this is.
  const refused = await page.goto(`${app.url}/supervision`);
  assert.equal(refused.status(), 403);
  await shot(page, "identity-03-refused");
  const me = await page.evaluate(async () => (await fetch("/api/v1/account")).json());
  assert.equal(me.username, "liumin");
  assert.equal(me.id_number, "110105********002X");
  await page.close();
});
