import { expect, test } from "@playwright/test";
import { gmAndPlayer, hydrated, messageWithBody, say } from "./helpers";

test("#general works while no session is active, and offers only off-game voices", async ({ browser }) => {
  const { gm, player, names } = await gmAndPlayer(browser, "Between Sessions");
  await player.getByTestId("character-name").fill("Lyra");
  await player.getByTestId("character-create").click();
  await expect(player.getByTestId("character").filter({ hasText: "Lyra" })).toBeVisible();

  // With no session at all, both land in #general and talk.
  await gm.reload();
  for (const page of [gm, player]) {
    await hydrated(page);
    await expect(page.getByTestId("channel-title")).toHaveText("# general");
    await expect(page.getByTestId("channel-link")).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  }
  await expect(gm.getByTestId("session-link")).toHaveCount(0);
  // Off-game: the player may not speak as Lyra, the GM has no NPC voice.
  expect(await player.getByTestId("mode-select").locator("option").allInnerTexts()).toEqual([
    `Yourself (${names.player})`,
  ]);
  expect(await gm.getByTestId("mode-select").locator("option").allInnerTexts()).toEqual([
    `Yourself (${names.gm})`,
    "GM",
  ]);
  await say(player, "Same time next week?");
  await expect(messageWithBody(gm, "Same time next week?")).toBeVisible();
  await say(gm, "Yes, Thursday.");
  await expect(messageWithBody(player, "Yes, Thursday.")).toBeVisible();
  // Commands for session rooms are not offered here, and refused if typed.
  await gm.getByTestId("composer-input").fill("/");
  await expect(gm.getByTestId("autocomplete-item").filter({ hasText: "/desc" })).toHaveCount(0);
  await say(gm, "/desc The tavern empties.");
  await expect(gm.getByTestId("composer-error")).toContainText("works only in session rooms");
});
