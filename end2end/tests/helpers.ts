import { Browser, expect, Page } from "@playwright/test";

export const PASSWORD = "correct horse battery";

/** A username no other test (or earlier run against the same database) uses. */
export function uniqueName(prefix: string): string {
  const suffix = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  return `${prefix}_${suffix}`.slice(0, 32);
}

/** Waits until the wasm app has hydrated the server-rendered page. */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForSelector("body[data-hydrated]");
}

/** Registers through the form, as a person would, and waits for the page it leads to. */
export async function register(page: Page, username: string, next?: string): Promise<void> {
  await page.goto(next ? `/register?next=${next}` : "/register");
  await hydrated(page);
  await page.getByTestId("register-username").fill(username);
  await page.getByTestId("register-password").fill(PASSWORD);
  await page.getByTestId("register-submit").click();
  await page.waitForURL(next ? new RegExp(next.replace(/[/?]/g, "\\$&")) : /\/campaigns$/);
}

/** Logs in through the form. */
export async function login(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto("/login");
  await hydrated(page);
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
}

/** Creates a campaign from the campaign list and waits for its page. */
export async function createCampaign(page: Page, name: string): Promise<string> {
  await page.goto("/campaigns");
  await hydrated(page);
  await page.getByTestId("campaign-name").fill(name);
  await page.getByTestId("campaign-create").click();
  await page.waitForURL(/\/campaigns\/[0-9A-Z]{26}$/);
  await hydrated(page);
  await expect(page.getByTestId("campaign-title")).toHaveText(name);
  return page.url();
}

/** Creates a session from the GM panel and starts it. */
export async function startSession(page: Page, title: string): Promise<void> {
  await page.getByTestId("session-title").fill(title);
  await page.getByTestId("session-create").click();
  await expect(page.getByTestId("session-link").filter({ hasText: title })).toBeVisible();
  await page.getByTestId("session-start").click();
  await expect(page.getByTestId("session-status")).toHaveAttribute("data-status", "active");
}

/** Types a message into the composer and presses Enter. */
export async function say(page: Page, text: string): Promise<void> {
  const input = page.getByTestId("composer-input");
  await input.fill(text);
  await input.press("Enter");
}

/** The timeline message whose body is exactly `text`. */
export function messageWithBody(page: Page, text: string) {
  return page.getByTestId("message").filter({ has: page.getByTestId("body").getByText(text, { exact: true }) });
}

/** Registers `name` and joins a campaign with invite `code` through the join form, landing on `url`. */
export async function joinWithCode(page: Page, name: string, code: string, url: string): Promise<void> {
  await register(page, name);
  await page.getByTestId("join-code").fill(code);
  await page.getByTestId("join-submit").click();
  await expect(page).toHaveURL(url);
  await hydrated(page);
}

/** The GM's invite code, made from the GM panel. */
export async function inviteCode(gm: Page): Promise<string> {
  await gm.getByTestId("invite-create").click();
  return gm.getByTestId("invite-code").innerText();
}

/** A GM with a new campaign (no session yet) and one player who joined it by invite, each in a browser. */
export async function gmAndPlayer(browser: Browser, campaign: string) {
  const gm = await (await browser.newContext()).newPage();
  const player = await (await browser.newContext()).newPage();
  const names = { gm: uniqueName("gm"), player: uniqueName("pc") };
  await register(gm, names.gm);
  const url = await createCampaign(gm, campaign);
  await joinWithCode(player, names.player, await inviteCode(gm), url);
  return { gm, player, names, url };
}

/** A GM and two players in one campaign with an active session; each player has a character. */
export async function threeAtTheTable(browser: Browser, characters: [string, string] = ["Lyra", "Brom"]) {
  const pages: Page[] = [];
  for (let i = 0; i < 3; i++) pages.push(await (await browser.newContext()).newPage());
  const [gm, alice, bob] = pages;
  const names = { gm: uniqueName("gm"), alice: uniqueName("alice"), bob: uniqueName("bob") };
  await register(gm, names.gm);
  const url = await createCampaign(gm, "Whispering Woods");
  await startSession(gm, "Night One");
  const code = await inviteCode(gm);
  for (const [page, name, character] of [
    [alice, names.alice, characters[0]],
    [bob, names.bob, characters[1]],
  ] as const) {
    await joinWithCode(page, name, code, url);
    await page.getByTestId("character-name").fill(character);
    await page.getByTestId("character-create").click();
    await expect(page.getByTestId("character").filter({ hasText: character })).toBeVisible();
  }
  await gm.reload();
  for (const page of pages) {
    await hydrated(page);
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  }
  return { gm, alice, bob, names };
}

/** Sends a public line from `from` and waits until `others` have it: everything sent before has arrived too. */
export async function flush(from: Page, others: Page[], text: string) {
  await from.getByTestId("mode-select").selectOption("participant");
  await from.getByTestId("audience-select").selectOption("all");
  await say(from, text);
  for (const page of others) await expect(messageWithBody(page, text)).toBeVisible();
}
