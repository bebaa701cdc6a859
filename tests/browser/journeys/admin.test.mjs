// The system administrator opens an account for a new window clerk (after being told
// exactly what is wrong with a weak first password), the clerk signs in and finds the
// intake; the administrator then sees the clerk's sign-in on the access-monitoring page
// and disables the account with a reason.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

test("an administrator opens a clerk's account, watches access and disables it", async () => {
  const admin = await app.context.newPage();
  await signIn(admin, app.url, "admin");
  await Promise.all([admin.waitForNavigation(), admin.click("[data-testid=nav-users]")]);
  assert.match(await admin.textContent("h1"), /用户与角色/);

  const form = admin.locator("[data-testid=staff-form]");
  await form.locator("#new-username").fill("lichuang");
  await form.locator("#new-name").fill("李窗口");
  await form.locator("input[name=roles][value=window_clerk]").check();
  await form.locator("#new-password").fill("abcdefgh");
  await Promise.all([admin.waitForNavigation(), form.locator("button[type=submit]").click()]);
  assert.match(await admin.textContent("[data-testid=staff-error]"), /两类/);
  assert.equal(await admin.getAttribute("#new-password", "aria-invalid"), "true");
  assert.equal(await admin.inputValue("#new-username"), "lichuang");
  await shot(admin, "admin-01-weak-password");

  await admin.fill("#new-password", "Window-2026");
  await admin.locator("[data-testid=staff-form] input[name=roles][value=window_clerk]").check();
  await Promise.all([admin.waitForNavigation(), admin.click("[data-testid=staff-form] button[type=submit]")]);
  assert.match(await admin.textContent("[data-testid=user-notice]"), /已开通/);
  assert.match(await admin.textContent("[data-testid=user-roles]"), /综合窗口/);
  await shot(admin, "admin-02-account-opened");

  // The clerk signs in with the first password and finds the intake.
  const context = await app.browser.newContext();
  await context.route("**/*", (route) => (route.request().url().startsWith(app.url) ? route.continue() : route.abort()));
  const clerk = await context.newPage();
  await clerk.goto(`${app.url}/login`);
  await clerk.fill("#username", "lichuang");
  await clerk.fill("#password", "Window-2026");
  await Promise.all([clerk.waitForNavigation(), clerk.click("form.stack button[type=submit]")]);
  assert.equal(await clerk.locator("[data-testid=nav-intake]").count(), 1);
  assert.equal(await clerk.locator("[data-testid=nav-users]").count(), 0, "no administration for a clerk");

  // The administrator sees the sign-in, then disables the account with a reason.
  await admin.goto(`${app.url}/admin/access-log?kind=logins`);
  assert.match(await admin.textContent("[data-testid=access-entries]"), /lichuang/);
  await shot(admin, "admin-03-access-log");
  await admin.goto(`${app.url}/admin/users/lichuang`);
  await admin.check("input[name=disabled]");
  await admin.fill("#reason", "调岗，账号停用");
  await Promise.all([admin.waitForNavigation(), admin.click("[data-testid=change-form] button[type=submit]")]);
  assert.match(await admin.textContent("[data-testid=user-state]"), /已停用/);

  // The clerk's session has ended.
  const after = await clerk.goto(`${app.url}/intake`);
  assert.match(clerk.url(), /\/login/, `status ${after.status()}`);
  await context.close();
});
