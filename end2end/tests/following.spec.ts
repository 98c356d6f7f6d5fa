import { expect, test } from "@playwright/test";
import { gmAndPlayer, messageWithBody, say } from "./helpers";

test("the timeline follows live messages at the bottom, and stays put with 'jump to latest' when scrolled up", async ({
  browser,
}) => {
  const { gm, player } = await gmAndPlayer(browser, "Follow Me");
  for (const page of [gm, player]) {
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  }
  // Twenty lines 300 ms apart: after each, the newest is on the player's screen.
  for (let n = 1; n <= 20; n++) {
    await say(gm, `Line ${n} of the tale`);
    await expect(messageWithBody(player, `Line ${n} of the tale`)).toBeInViewport();
    await gm.waitForTimeout(300);
  }
  await expect(player.getByTestId("jump-to-latest")).toHaveCount(0);

  // Scrolled up to read, the reader is not dragged down; a button offers the way back.
  const timeline = player.getByTestId("timeline");
  await timeline.hover();
  await player.mouse.wheel(0, -5_000);
  await expect(messageWithBody(player, "Line 20 of the tale")).not.toBeInViewport();
  const top = await timeline.evaluate((el) => el.scrollTop);
  await say(gm, "While you were reading");
  await expect(messageWithBody(player, "While you were reading")).toHaveCount(1);
  await expect(messageWithBody(player, "While you were reading")).not.toBeInViewport();
  expect(Math.abs((await timeline.evaluate((el) => el.scrollTop)) - top)).toBeLessThan(5);
  await player.getByTestId("jump-to-latest").click();
  await expect(messageWithBody(player, "While you were reading")).toBeInViewport();
  await expect(player.getByTestId("jump-to-latest")).toHaveCount(0);
});

test("drafts and unsent messages stay with their channel, and #general sees a session start live", async ({
  browser,
}) => {
  const { gm, player } = await gmAndPlayer(browser, "Two Rooms");
  await gm.getByTestId("session-title").fill("Night One");
  await gm.getByTestId("session-create").click();
  const playerSession = player.getByTestId("session-link").filter({ hasText: "Night One" });
  await expect(playerSession).toHaveAttribute("data-status", "scheduled");

  // The player sits in #general while the GM starts the session: the sidebar follows without a reload.
  await player.getByTestId("channel-link").filter({ hasText: "general" }).click();
  await expect(player.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await gm.getByTestId("session-link").filter({ hasText: "Night One" }).click();
  await gm.getByTestId("session-start").click();
  await expect(playerSession).toHaveAttribute("data-status", "active");

  // A draft belongs to the channel it was written in.
  await playerSession.click();
  await expect(player.getByTestId("channel-title")).toHaveText("# Night One");
  const input = player.getByTestId("composer-input");
  await input.fill("Half a thought for the room");
  await player.getByTestId("channel-link").filter({ hasText: "general" }).click();
  await expect(player.getByTestId("channel-title")).toHaveText("# general");
  await expect(input).toHaveValue("");
  await input.fill("Out of character draft");
  await playerSession.click();
  await expect(player.getByTestId("channel-title")).toHaveText("# Night One");
  await expect(input).toHaveValue("Half a thought for the room");
  await player.getByTestId("channel-link").filter({ hasText: "general" }).click();
  await expect(input).toHaveValue("Out of character draft");

  // A message waiting to be sent shows only in its own channel (two table channels share one page and feed).
  await gm.getByTestId("channel-name").fill("loot");
  await gm.getByTestId("channel-create").click();
  const loot = player.getByTestId("channel-link").filter({ hasText: "loot" });
  await expect(loot).toBeVisible();
  await expect(player.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await player.context().setOffline(true);
  await say(player, "Sent while the line was down");
  await expect(player.getByTestId("pending-message")).toContainText("Sent while the line was down");
  await loot.click();
  await expect(player.getByTestId("channel-title")).toHaveText("# loot");
  await expect(player.getByTestId("pending-message")).toHaveCount(0);
  await player.getByTestId("channel-link").filter({ hasText: "general" }).click();
  await expect(player.getByTestId("channel-title")).toHaveText("# general");
  await expect(player.getByTestId("pending-message")).toHaveCount(1);
  await player.context().setOffline(false);
  await expect(messageWithBody(gm, "Sent while the line was down")).toHaveCount(0);
  await gm.getByTestId("channel-link").filter({ hasText: "general" }).click();
  await expect(messageWithBody(gm, "Sent while the line was down")).toBeVisible();
  await expect(player.getByTestId("pending-message")).toHaveCount(0);
});
