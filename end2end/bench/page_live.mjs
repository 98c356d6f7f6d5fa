// Time until a loaded page is live: from navigation start to the moment the campaign page has hydrated and
// its live feed has joined the session (`[data-testid=connection][data-state=live]`), in Debian's Chromium.
// "Cold" runs start from an empty cache each time; "warm" runs reload with the browser cache filled.
// Prints JSON. Used by scripts/bench.sh (page scenario) against a server seeded with the demo campaign.
import { chromium } from "@playwright/test";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const runs = Number(process.env.PAGE_RUNS ?? 15);
const live = '[data-testid="connection"][data-state="live"]';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

/** Logs in as the demo GM in a fresh context; returns the context and the campaign page's address. */
async function loggedIn() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.waitForSelector("body[data-hydrated]");
  await page.getByTestId("login-username").fill("gamemaster");
  await page.getByTestId("login-password").fill("tabletalk-demo");
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/campaigns$/);
  const link = page.locator('a[href^="/campaigns/"]').first();
  const href = await link.getAttribute("href");
  await page.close();
  return { context, url: `${base}${href}` };
}

/** Milliseconds from navigation start until the page is live. */
async function timeToLive(page, url) {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForSelector(live, { timeout: 30_000 });
  return page.evaluate(() => performance.now());
}

const percentile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};

const { context: session, url } = await loggedIn();
const cookies = await session.cookies();
const cold = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  await context.addCookies(cookies);
  const page = await context.newPage();
  cold.push(await timeToLive(page, url));
  await context.close();
}
const warm = [];
const page = await session.newPage();
await timeToLive(page, url);
for (let i = 0; i < runs; i++) {
  warm.push(await timeToLive(page, url));
}
await browser.close();

const summary = (values) => ({
  p50_ms: Math.round(percentile(values, 0.5)),
  p95_ms: Math.round(percentile(values, 0.95)),
  max_ms: Math.round(Math.max(...values)),
});
console.log(JSON.stringify({ runs, cold: summary(cold), warm: summary(warm) }));
