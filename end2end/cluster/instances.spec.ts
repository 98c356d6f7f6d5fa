import { Browser, expect, Page, test } from "@playwright/test";
import {
  createCampaign,
  hydrated,
  inviteCode,
  joinWithCode,
  messageWithBody,
  register,
  say,
  startSession,
  uniqueName,
} from "../tests/helpers";

// Three `tabletalk serve` processes on one Postgres and one Redis behind HAProxy (scripts/e2e-cluster.sh).
// HAProxy sends a browser whose `tt_pin` cookie names an instance to that one while it is up, so each person
// here sits on the instance the story needs; without the cookie it balances round-robin.
test.describe.configure({ mode: "serial" });

/** A browser whose requests and socket go to instance `instance` (i0, i1, i2) while it is up. */
async function pinnedTo(browser: Browser, instance: string): Promise<Page> {
  const base = new URL(process.env.BASE_URL ?? "http://127.0.0.1:3000");
  const context = await browser.newContext();
  await context.addCookies([{ name: "tt_pin", value: instance, domain: base.hostname, path: "/" }]);
  return context.newPage();
}

/** The instance that served this page's last request, as HAProxy names it. */
async function servedBy(page: Page): Promise<string | null> {
  return page.evaluate(async () => (await fetch("/healthz")).headers.get("x-served-by"));
}

/** Every text frame this page's sockets receive. */
function framesOf(page: Page): string[] {
  const frames: string[] = [];
  page.on("websocket", (socket) => socket.on("framereceived", (frame) => frames.push(String(frame.payload))));
  return frames;
}

/** A GM and two players, each on an instance of their own, at one live session. */
async function tableAcrossInstances(browser: Browser) {
  const gm = await pinnedTo(browser, "i0");
  const alice = await pinnedTo(browser, "i1");
  const bob = await pinnedTo(browser, "i2");
  const gmFrames = framesOf(gm);
  const names = { gm: uniqueName("gm"), alice: uniqueName("alice"), bob: uniqueName("bob") };
  await register(gm, names.gm);
  const url = await createCampaign(gm, "Three Towers");
  await startSession(gm, "Night One");
  const code = await inviteCode(gm);
  await joinWithCode(alice, names.alice, code, url);
  await joinWithCode(bob, names.bob, code, url);
  await gm.reload();
  await hydrated(gm);
  for (const [page, instance] of [
    [gm, "i0"],
    [alice, "i1"],
    [bob, "i2"],
  ] as const) {
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    expect(await servedBy(page)).toBe(instance);
  }
  return { gm, alice, bob, names, gmFrames };
}

test("people on different instances talk, and a whisper never reaches the third instance's browser", async ({
  browser,
}) => {
  const { gm, alice, bob, names, gmFrames } = await tableAcrossInstances(browser);

  await say(alice, "Hello from the second tower.");
  await expect(messageWithBody(gm, "Hello from the second tower.")).toBeVisible();
  await expect(messageWithBody(bob, "Hello from the second tower.")).toBeVisible();
  await say(gm, "The first tower hears you.");
  await expect(messageWithBody(alice, "The first tower hears you.")).toBeVisible();

  // Alice (instance two) whispers to Bob (instance three); the GM, on instance one, gets none of it (GMs do not
  // read whispers they are not part of unless the campaign says so).
  await alice.getByTestId("audience-select").selectOption("targets");
  await alice.getByRole("checkbox", { name: names.bob, exact: true }).check();
  await say(alice, "The bell rope is cut.");
  await expect(messageWithBody(bob, "The bell rope is cut.")).toBeVisible();
  await alice.getByTestId("audience-select").selectOption("all");
  await say(alice, "Everyone caught up.");
  await expect(messageWithBody(gm, "Everyone caught up.")).toBeVisible();
  await expect(messageWithBody(bob, "Everyone caught up.")).toBeVisible();
  await expect(messageWithBody(gm, "The bell rope is cut.")).toHaveCount(0);
  expect(gmFrames.join("\n")).not.toContain("bell rope");
  expect(gmFrames.join("\n")).toContain("Everyone caught up.");
});

test("a browser whose instance is killed resumes on another with exactly what it missed", async ({ browser }) => {
  const { gm, alice } = await tableAcrossInstances(browser);
  await say(gm, "Before the fall.");
  await expect(messageWithBody(alice, "Before the fall.")).toBeVisible();

  // Instance two (Alice's) is killed with SIGKILL; her page reconnects through HAProxy to a live instance.
  const pids = (process.env.TABLETALK_CLUSTER_PIDS ?? "").split(" ").filter(Boolean);
  expect(pids).toHaveLength(3);
  process.kill(Number(pids[1]), "SIGKILL");
  await expect(alice.getByTestId("connection")).not.toHaveAttribute("data-state", "live");
  for (const n of [1, 2, 3]) await say(gm, `While you were away ${n}.`);
  await expect(alice.getByTestId("connection")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  expect(["i0", "i2"]).toContain(await servedBy(alice));
  for (const n of [1, 2, 3]) await expect(messageWithBody(alice, `While you were away ${n}.`)).toHaveCount(1);
  const bodies = await alice.getByTestId("message").getByTestId("body").allInnerTexts();
  const missed = bodies.filter((body) => body.startsWith("While you were away"));
  expect(missed).toEqual(["While you were away 1.", "While you were away 2.", "While you were away 3."]);
  expect(bodies.filter((body) => body === "Before the fall.")).toHaveLength(1);

  // And it talks again from its new instance.
  await say(alice, "Back on my feet.");
  await expect(messageWithBody(gm, "Back on my feet.")).toBeVisible();
});
