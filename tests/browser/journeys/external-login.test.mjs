// Signing in through a unified-identity platform (统一身份认证): a real OpenID Connect
// provider runs beside the portal. A person new to the portal signs in there and comes
// back with a real-name account opened from what the provider vouches for; a person who
// registered on the portal before comes back into that same account; a person who
// cancels at the provider is told so on the sign-in page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { freePort, shot, start } from "../harness.mjs";
import { startIdentityProvider } from "../identity-provider.mjs";

const NEW_PERSON = { name: "王芳", id_number: "44030519900101123X", phone_number: "13812345678" };
const REGISTERED = { name: "陈建国", id_number: "110102198503150044", phone_number: "13987654321" };

let app;
let provider;
before(async () => {
  const port = await freePort();
  provider = await startIdentityProvider({
    port: await freePort(),
    redirectUri: `http://127.0.0.1:${port}/login/external/callback`,
    people: { wangfang: NEW_PERSON, chenjianguo: REGISTERED },
  });
  app = await start({
    port,
    env: {
      TONGBAN_OIDC_ISSUER: provider.issuer,
      TONGBAN_OIDC_CLIENT_ID: provider.client.id,
      TONGBAN_OIDC_CLIENT_SECRET: provider.client.secret,
      TONGBAN_OIDC_DISPLAY_NAME: "省政务服务统一身份认证平台",
      TONGBAN_OIDC_SCOPES: "profile phone realname",
    },
    allowOrigins: [provider.issuer],
  });
});
after(async () => {
  if (app) await app.stop();
  if (provider) await provider.stop();
});

/** At the provider's own pages: sign in as `login`, then allow Tongban what it asks. */
async function signInAtProvider(page, login) {
  await page.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", "any");
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  if (page.url().startsWith(provider.issuer)) {
    // the consent page
    await Promise.all([page.waitForURL(new RegExp(`^${app.url}`)), page.click("button[type=submit]")]);
  }
}

async function leaveForProvider(page, next = "/account") {
  await page.goto(`${app.url}/login?next=${encodeURIComponent(next)}`);
  const button = page.locator("[data-testid=external-login]");
  assert.match(await button.textContent(), /省政务服务统一身份认证平台/);
  await button.click();
}

test("a person new to the portal comes back from the provider with a real-name account", async () => {
  const page = await app.context.newPage();
  await leaveForProvider(page);
  await shot(page, "external-01-provider-login");
  await signInAtProvider(page, "wangfang");
  await page.waitForURL(`${app.url}/account`);
  assert.equal(await page.textContent("[data-testid=current-user]"), "王芳");
  assert.equal(await page.textContent("[data-testid=profile-id-number]"), "440305********123X");
  assert.equal(await page.textContent("[data-testid=profile-phone]"), "138****5678");
  assert.ok(!(await page.content()).includes(NEW_PERSON.id_number), "the full id number is never on the page");
  await shot(page, "external-02-account-opened");

  // Out, and in again through the provider: the same account, not a second one.
  await Promise.all([page.waitForNavigation(), page.click("form[action='/logout'] button")]);
  await leaveForProvider(page);
  // The provider remembers the person: no second sign-in there.
  if (page.url().startsWith(provider.issuer)) await signInAtProvider(page, "wangfang");
  await page.waitForURL(`${app.url}/account`);
  const me = await page.evaluate(async () => (await fetch("/api/v1/account")).json());
  assert.equal(me.display_name ?? me.name, "王芳");
  const again = await page.evaluate(async () => (await fetch("/api/v1/account")).json());
  assert.equal(again.username, me.username);
  await page.close();
});

test("a person who registered on the portal comes back into that account", async () => {
  const registered = await fetch(`${app.url}/api/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "chenjg", password: "Songxi-2026", name: REGISTERED.name, id_number: REGISTERED.id_number, phone: REGISTERED.phone_number }),
  });
  assert.equal(registered.status, 201, await registered.text());
  const context = await app.browser.newContext();
  await context.route("**/*", (route) => {
    const target = route.request().url();
    return target.startsWith(app.url) || target.startsWith(provider.issuer) ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  await leaveForProvider(page);
  await signInAtProvider(page, "chenjianguo");
  await page.waitForURL(`${app.url}/account`);
  const me = await page.evaluate(async () => (await fetch("/api/v1/account")).json());
  assert.equal(me.username, "chenjg");
  await shot(page, "external-03-linked");
  await context.close();
});

test("a person who cancels at the provider is told so and can sign in another way", async () => {
  const context = await app.browser.newContext();
  await context.route("**/*", (route) => {
    const target = route.request().url();
    return target.startsWith(app.url) || target.startsWith(provider.issuer) ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  await leaveForProvider(page);
  await page.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
  await Promise.all([page.waitForURL(new RegExp(`^${app.url}`)), page.click("text=Cancel")]);
  assert.match(await page.textContent("#login-error"), /统一身份认证平台未完成登录/);
  assert.equal(await page.locator("#username").count(), 1, "the password form is still there");
  await shot(page, "external-04-cancelled");
  await context.close();
});
