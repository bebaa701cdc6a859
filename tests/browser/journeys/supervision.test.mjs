// The supervisor watches the demo city: live alerts on the dashboard, the overdue list, a
// case's timeline, resolving an alert with a note, in Chinese and English, on a phone-sized
// screen too.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shot, sideScroll, signIn, start } from "../harness.mjs";

let app;
before(async () => (app = await start()));
after(async () => app && (await app.stop()));

test("the supervisor sees live alerts and drills down to a case", async () => {
  const page = await app.context.newPage();
  await signIn(page, app.url, "supervisor");
  await Promise.all([page.waitForNavigation(), page.click("nav.main a[href='/supervision']")]);
  assert.match(await page.textContent("h1"), /电子监察/);
  const open = Number(await page.textContent("[data-testid=open-cases]"));
  assert.ok(open > 50, `open cases under watch: ${open}`);
  const alerted = ["warning-count", "yellow-count", "red-count"].map(async (id) =>
    Number(await page.textContent(`[data-testid=${id}]`)));
  const [warning, yellow, red] = await Promise.all(alerted);
  assert.ok(warning + yellow + red > 0, `live alerts: ${warning}/${yellow}/${red}`);
  assert.ok(await page.locator("[data-testid=departments-chart] svg[role=img]").count() === 1);
  assert.ok(await page.locator("[data-testid=trend-chart] svg[role=img]").count() === 1);
  await shot(page, "supervision-01-dashboard");

  const list = (await page.locator("[data-testid=overdue] a").count()) > 0 ? "overdue" : "open-alerts";
  await Promise.all([page.waitForNavigation(), page.click(`[data-testid=${list}] a >> nth=0`)]);
  assert.match(await page.textContent("[data-testid=case-number]"), /^TB\d{16}$/);
  const timeline = await page.textContent("[data-testid=timeline]");
  assert.match(timeline, /提交申请/);
  assert.match(timeline, /受理/);
  assert.ok((await page.locator("[data-testid=case-alerts] tbody tr").count()) > 0, "the case's alerts");
  await shot(page, "supervision-02-case");

  // The supervisor deals with an open alert and leaves a note, which the case keeps.
  const resolve = page.locator("[data-testid=case-alerts] form >> nth=0");
  await resolve.locator("input[name=note]").fill("已督办，部门承诺三日内办结");
  await Promise.all([page.waitForNavigation(), resolve.locator("button[type=submit]").click()]);
  assert.match(await page.textContent("[data-testid=case-alerts]"), /已核处：已督办，部门承诺三日内办结/);

  await Promise.all([page.waitForNavigation(), page.click("[data-testid=switch-language]")]);
  assert.match(await page.textContent("body"), /Timeline/);
  await page.goto(`${app.url}/supervision`);
  assert.match(await page.textContent("h1"), /Electronic supervision/);
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await sideScroll(page);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await shot(page, "supervision-03-360px-en");
  assert.deepEqual(app.external, [], "no request left the server");
});
