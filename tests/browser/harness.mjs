// The browser-journey harness: starts the real `tongban` binary on a fresh demo database
// and a free port, and opens Debian's Chromium through playwright-core. Screenshots of
// every journey are saved under artifacts/ for CI.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
export const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });

const binary = process.env.TONGBAN_BIN ?? join(root, "target/debug/tongban");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function waitUntilReady(url, process, log) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (process.exitCode !== null) throw new Error(`tongban exited early:\n${log()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`tongban did not become ready:\n${log()}`);
}

/**
 * Starts a server on the demo city and a browser; returns both and a stop function.
 * Options: `port` to listen on, more `env` for the server (its settings), and `allowOrigins`
 * the pages may reach besides the server (an identity provider started by the test).
 */
export async function start({ port: chosenPort, env = {}, allowOrigins = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tongban-journey-"));
  const port = chosenPort ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const server = spawn(binary, ["serve", "--demo", "--db", `sqlite://${join(dir, "demo.sqlite")}`, "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
    // The data key file is created in the working directory: keep it with the database.
    cwd: dir,
    env: { ...process.env, TONGBAN_LOG: "warn", ...env },
  });
  server.stdout.on("data", (d) => (output += d));
  server.stderr.on("data", (d) => (output += d));
  let browser;
  try {
    await waitUntilReady(url, server, () => output);
    browser = await chromium.launch({
      executablePath: browserPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  } catch (error) {
    // Without this the running server keeps node alive and the suite hangs instead of failing.
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const external = [];
  // Every context is guarded: no page may reach outside the server (no CDN, no web fonts).
  const newContext = async (options = {}) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    // A page that breaks the server's Content-Security-Policy counts as reaching outside.
    context.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
        external.push(`CSP: ${message.text()}`);
      }
    });
    await context.route("**/*", (route) => {
      const target = route.request().url();
      const allowed = [url, ...allowOrigins].some((origin) => target.startsWith(origin));
      if (allowed || target.startsWith("data:")) return route.continue();
      external.push(target);
      return route.abort();
    });
    return context;
  };
  const context = await newContext();
  const stop = async () => {
    await browser.close();
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, browser, context, newContext, external, stop };
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

export async function signIn(page, url, username) {
  await page.goto(`${url}/login`);
  await page.fill("#username", username);
  await page.fill("#password", "demo12345");
  await Promise.all([page.waitForNavigation(), page.click("form.stack button[type=submit]")]);
}

/** How far the page scrolls sideways, in CSS pixels (0 or less: it fits the screen). */
export async function sideScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Clicks a case page's act button and waits for the answer, failing on a refusal. */
export async function act(page, testid) {
  await Promise.all([page.waitForNavigation(), page.click(`[data-testid=${testid}]`)]);
  const error = page.locator("[data-testid=act-error]");
  if ((await error.count()) > 0) throw new Error(`${testid} refused: ${await error.textContent()}`);
}
