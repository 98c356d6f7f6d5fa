import { expect, test } from "@playwright/test";
import { createCampaign, hydrated, messageWithBody, register, say, startSession, uniqueName, login } from "./helpers";

test("logging out in one tab closes the other tab's live socket within two seconds", async ({ browser }) => {
  const context = await browser.newContext();
  const first = await context.newPage();
  const name = uniqueName("gm");
  await register(first, name);
  const url = await createCampaign(first, "One Cookie");
  await startSession(first, "Night One");
  // A second window of the same browser: the same login, its own socket.
  const second = await (await browser.newContext({ storageState: await context.storageState() })).newPage();
  const frames: string[] = [];
  second.on("websocket", (socket) => socket.on("framereceived", (frame) => frames.push(String(frame.payload))));
  await second.goto(url);
  await hydrated(second);
  await expect(second.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await say(second, "Before the logout");
  await expect(messageWithBody(first, "Before the logout")).toBeVisible();

  await first.getByTestId("logout").click();
  await expect(first).toHaveURL(/\/login$/);
  const loggedOutAt = Date.now();
  // The other window's socket is closed by the server and the page says why, instead of retrying.
  await expect(second.getByTestId("connection")).toHaveAttribute("data-state", "logged_out", { timeout: 2_000 });
  expect(Date.now() - loggedOutAt).toBeLessThan(2_000);
  await expect(second.getByTestId("connection")).toContainText("Logged out");

  // Its next send goes nowhere: the old cookie opens no socket, and nothing typed reaches the room.
  await say(second, "After the logout");
  const upgrade = await second.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(`ws://${location.host}/ws`);
        socket.onopen = () => resolve("open");
        socket.onerror = () => resolve("refused");
      }),
  );
  expect(upgrade).toBe("refused");
  const framesAfter = frames.length;
  await second.waitForTimeout(500);
  expect(frames.slice(framesAfter).join("")).not.toContain("After the logout");

  // Logged in again, the room has the line from before and not the one from after.
  await login(first, name);
  await expect(first).toHaveURL(/\/campaigns$/);
  await first.goto(url);
  await hydrated(first);
  await expect(messageWithBody(first, "Before the logout")).toBeVisible();
  await expect(messageWithBody(first, "After the logout")).toHaveCount(0);
});
