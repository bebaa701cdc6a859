// Every page type, as the user who sees it, checked by axe-core (WCAG 2.1 A and AA) in
// headless Chromium: any serious or critical violation fails. The portal's pages must also fit
// a 360 px phone without horizontal scrolling, in normal and in large type, and each page's
// transfer (document, styles, scripts, images; cache off) is measured: a guide page must stay
// under 100 KB. Keyboard alone reaches the skip link, the content, the search box and the
// large-type switch. The figures are written to artifacts/accessibility.json.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { artifacts, shot, sideScroll, signIn, start } from "../harness.mjs";

const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const GUIDE_PAGE_BUDGET = 100 * 1024;

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

const findings = [];
const pages = [];

/** Opens `path`, runs axe over it and records serious or critical violations and the transfer. */
async function scan(page, path, name) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const response = await page.goto(`${app.url}${path}`);
  assert.ok(response.ok(), `${name}: ${path} answered ${response.status()}`);
  await page.waitForLoadState("load");
  const transferred = await page.evaluate(() =>
    [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
      .reduce((sum, entry) => sum + entry.transferSize, 0));
  await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  for (const violation of result.violations) {
    if (violation.impact !== "serious" && violation.impact !== "critical") continue;
    findings.push({ page: name, path, rule: violation.id, impact: violation.impact, help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")) });
  }
  pages.push({ name, path, transferred });
  await cdp.detach();
  return transferred;
}

/** At 360 px the page must not scroll sideways. */
async function fitsPhone(page, name) {
  const overflow = await sideScroll(page);
  if (overflow > 0) findings.push({ page: name, rule: "360px", impact: "serious", help: `scrolls sideways by ${overflow}px` });
}

const firstLink = (page, selector) => page.locator(selector).first().getAttribute("href");

test("every page type passes axe, portal pages fit 360 px, a guide page stays under 100 KB", async () => {
  const listing = await (await fetch(`${app.url}/api/v1/implementations?limit=50`)).json();
  const item = listing.items.find((i) => i.status === "published" && i.name === "食品经营许可") ?? listing.items[0];
  const code = encodeURIComponent(item.implementation_code);

  // The portal, anonymous, on a desktop and on a phone, in normal and large type.
  const portal = await app.newContext({ bypassCSP: true });
  const visitor = await portal.newPage();
  const portalPages = [
    ["/", "home"],
    ["/regions/519921000000", "county sub-portal"],
    ["/catalog", "catalog"],
    [`/catalog/items/${code}`, "guide"],
    [`/catalog/items/${code}/history`, "item-history"],
    [`/catalog/items/${code}/kiosk`, "kiosk"],
    [`/search?q=${encodeURIComponent("开饭馆")}`, "search"],
    [`/search?q=${encodeURIComponent("量子纠缠")}`, "search-nothing"],
    ["/progress", "case-lookup"],
    ["/bundles", "bundles"],
    ["/login", "login"],
    ["/register", "register"],
    [`/contact?item=${code}`, "contact"],
  ];
  await visitor.goto(`${app.url}/bundles`);
  portalPages.push([await firstLink(visitor, "[data-testid=bundles] a"), "bundle"]);
  const guideBytes = await scan(visitor, portalPages[2][0], "guide");
  for (const [path, name] of portalPages) {
    if (name !== "guide") await scan(visitor, path, name);
  }
  await visitor.setViewportSize({ width: 360, height: 800 });
  for (const [path, name] of portalPages) {
    await visitor.goto(`${app.url}${path}`);
    await fitsPhone(visitor, `${name} at 360px`);
  }
  await shot(visitor, "accessibility-01-bundle-360px");
  await visitor.goto(`${app.url}/preferences?large=1&back=/`);
  for (const [path, name] of portalPages) {
    await scan(visitor, path, `${name} in large type at 360px`);
    await fitsPhone(visitor, `${name} in large type at 360px`);
  }
  await visitor.goto(`${app.url}/catalog/items/${code}`);
  await shot(visitor, "accessibility-02-guide-large-type-360px");

  // Keyboard only: the first Tab reaches the skip link, which takes focus to the content; the
  // search box and the large-type switch are reached by Tab alone.
  const keys = await (await app.newContext()).newPage();
  await keys.goto(app.url);
  await keys.keyboard.press("Tab");
  assert.equal(await keys.evaluate(() => document.activeElement.className), "skip");
  await keys.keyboard.press("Enter");
  assert.equal(await keys.evaluate(() => document.activeElement.id), "content");
  const reached = new Set();
  for (let i = 0; i < 40; i++) {
    await keys.keyboard.press("Tab");
    reached.add(await keys.evaluate(() => document.activeElement.getAttribute("data-testid") ?? ""));
  }
  await keys.goto(app.url);
  for (let i = 0; i < 40 && !reached.has("large-type"); i++) {
    await keys.keyboard.press("Tab");
    reached.add(await keys.evaluate(() => document.activeElement.getAttribute("data-testid") ?? ""));
  }
  assert.ok(reached.has("home-search") && reached.has("large-type"), `reached by Tab: ${[...reached]}`);

  // Each signed-in user's pages.
  const as = async (username, paths) => {
    const context = await app.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, app.url, username);
    for (const [path, name] of await paths(page)) await scan(page, path, `${name} (${username})`);
    return page;
  };
  const citizen = await as("citizen", async (page) => {
    await page.goto(`${app.url}/account`);
    const own = await firstLink(page, "[data-testid=my-cases] a");
    return [["/account", "user centre"], [`/catalog/items/${code}/apply`, "apply"], ...(own ? [[own, "own case"]] : [])];
  });
  await citizen.setViewportSize({ width: 360, height: 800 });
  for (const path of ["/account", `/catalog/items/${code}/apply`]) {
    await citizen.goto(`${app.url}${path}`);
    await fitsPhone(citizen, `${path} (citizen) at 360px`);
  }
  await as("clerk", async (page) => {
    await page.goto(`${app.url}/inbox`);
    return [["/inbox", "inbox"], ["/intake", "intake"], [await firstLink(page, "[data-testid=inbox] tbody a"), "case"]];
  });
  await as("reviewer", async (page) => {
    await page.goto(`${app.url}/changes`);
    const change = await firstLink(page, "[data-testid=change-requests] tbody a");
    await page.goto(`${app.url}/work-orders`);
    const order = await firstLink(page, "[data-testid=work-orders] tbody a");
    return [["/changes", "changes"], ["/changes/new", "new change"], ...(change ? [[change, "change"]] : []),
      [`/catalog/items/${code}/guide/edit`, "guide editor"], ["/work-orders", "work orders"],
      ...(order ? [[order, "work order"]] : [])];
  });
  await as("hotline", async () => [["/work-orders", "work orders"], ["/contact", "contact signed in"]]);
  await as("reform", async () => [
    ["/guides/standardization", "standardization"],
    ["/guides/consistency", "consistency"],
    ["/guides/lists", "reference lists"],
    ["/calendar", "calendar"],
    ["/admin/search", "failed searches"],
    ["/admin/settings", "settings"],
  ]);
  await as("supervisor", async (page) => {
    await page.goto(`${app.url}/supervision`);
    const drill = await firstLink(page, "main a[href^='/supervision/cases/']");
    return [["/supervision", "supervision"], ...(drill ? [[drill, "case timeline"]] : [])];
  });
  await as("admin", async () => [
    ["/admin/users", "users"],
    ["/admin/users/reviewer", "user"],
    ["/admin/access-log", "access log"],
  ]);

  const heaviest = pages.reduce((a, b) => (b.transferred > a.transferred ? b : a));
  writeFileSync(join(artifacts, "accessibility.json"),
    JSON.stringify({ scanned: pages.length, heaviest, guideBytes, pages, findings }, null, 2));
  console.log(`axe: ${pages.length} pages scanned; heaviest ${heaviest.name} ${heaviest.transferred} bytes; guide page ${guideBytes} bytes`);
  assert.deepEqual(findings, [], "no serious or critical accessibility violation, nothing scrolls sideways at 360 px");
  assert.ok(guideBytes > 0 && guideBytes < GUIDE_PAGE_BUDGET, `guide page transfer ${guideBytes} bytes`);
  assert.deepEqual(app.external, [], "no request left the server");
});
