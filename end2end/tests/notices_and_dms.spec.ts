import { expect, test } from "@playwright/test";
import { readFileSync } from "fs";
import { gmAndPlayer, hydrated, messageWithBody, say, threeAtTheTable } from "./helpers";

test("the GM starts a session from the UI and players see the notice, off-game and in the room", async ({ browser }) => {
  const { gm, player, names } = await gmAndPlayer(browser, "Notice Board");
  await expect(player.getByTestId("channel-title")).toHaveText("# general");
  // The player picks #general (a campaign's bare address would follow the session once one is live).
  await player.getByTestId("channel-link").filter({ hasText: "general" }).click();
  await expect(player).toHaveURL(/\/channels\//);
  await expect(player.getByTestId("connection")).toHaveAttribute("data-state", "live");
  // The GM's #general already tells of the player joining, from the system.
  const joined = messageWithBody(gm, `${names.player} joined the campaign as a player.`);
  await expect(joined).toHaveAttribute("data-actor", "system");

  await gm.getByTestId("session-title").fill("Night One");
  await gm.getByTestId("session-create").click();
  await gm.getByTestId("session-link").filter({ hasText: "Night One" }).click();
  await gm.getByTestId("session-start").click();
  await expect(gm.getByTestId("session-status")).toHaveAttribute("data-status", "active");

  // The player, still in #general, hears it live; the room has its own notice.
  const offGame = messageWithBody(player, "The session “Night One” has started; its room is open.");
  await expect(offGame).toBeVisible();
  await expect(offGame).toHaveAttribute("data-actor", "system");
  await expect(offGame.getByTestId("author")).toContainText("Tabletalk");
  await player.getByTestId("session-link").filter({ hasText: "Night One" }).click();
  const inRoom = messageWithBody(player, "The session “Night One” has started.");
  await expect(inRoom).toBeVisible();
  await expect(inRoom).toHaveAttribute("data-kind", "system");
  await expect(inRoom).toHaveAttribute("data-audience", "all");
  await expect(messageWithBody(gm, "The session “Night One” has started.")).toBeVisible();

  // The GM adds #scheduling; the player's sidebar lists it and the two talk there.
  await gm.getByTestId("channel-name").fill("Scheduling");
  await gm.getByTestId("channel-create").click();
  await expect(gm.getByTestId("channel-title")).toHaveText("# scheduling");
  await player.getByTestId("channel-link").filter({ hasText: "scheduling" }).click();
  await expect(player.getByTestId("channel-title")).toHaveText("# scheduling");
  await expect(player.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await say(player, "Friday at eight?");
  await expect(messageWithBody(gm, "Friday at eight?")).toBeVisible();

  // A character is created and renamed from the sidebar; #general tells the table.
  await gm.getByTestId("channel-link").filter({ hasText: "general" }).click();
  await expect(gm.getByTestId("channel-title")).toHaveText("# general");
  await player.getByTestId("character-name").fill("Wren");
  await player.getByTestId("character-create").click();
  const wren = player.getByTestId("character").filter({ hasText: "Wren" });
  await wren.getByTestId("character-rename").click();
  await wren.getByTestId("character-rename-input").fill("Wren Ashdown");
  await wren.getByTestId("character-rename-save").click();
  await expect(player.getByTestId("character").filter({ hasText: "Wren Ashdown" })).toBeVisible();
  await expect(messageWithBody(gm, `${names.player} created the character Wren.`)).toBeVisible();
  const renamed = messageWithBody(gm, `${names.player} renamed the character Wren to Wren Ashdown.`);
  await expect(renamed).toHaveAttribute("data-kind", "notification");
});

test("two players talk in a DM that the GM does not see, and download it", async ({ browser }) => {
  const { gm, alice, bob, names } = await threeAtTheTable(browser, ["Vex", "Pip"]);
  await alice.getByTestId("dm-new").locator("summary").click();
  await alice.locator(`[data-testid="dm-member"][data-name="${names.bob}"]`).check();
  await alice.getByTestId("dm-open").click();
  await expect(alice.getByTestId("channel-title")).toHaveText(`@ ${names.bob}`);
  await expect(alice.getByTestId("channel-lane")).toContainText("only the people in it");
  await expect(alice.getByTestId("connection")).toHaveAttribute("data-state", "live");
  // Off-game: no character voices in a DM.
  expect(await alice.getByTestId("mode-select").locator("option").allInnerTexts()).toEqual([
    `Yourself (${names.alice})`,
  ]);
  await say(alice, "Meet me behind the inn.");
  await expect(messageWithBody(alice, "Meet me behind the inn.")).toBeVisible();

  const dm = bob.getByTestId("dm-link").filter({ hasText: names.alice });
  await dm.click();
  await expect(bob.getByTestId("channel-title")).toHaveText(`@ ${names.alice}`);
  await expect(messageWithBody(bob, "Meet me behind the inn.")).toBeVisible();
  await say(bob, "I'll bring the rope.");
  await expect(messageWithBody(alice, "I'll bring the rope.")).toBeVisible();

  // The GM has no such conversation, and opening its address shows none of it.
  await gm.reload();
  await hydrated(gm);
  await expect(gm.getByTestId("dm-link")).toHaveCount(0);
  await gm.goto(alice.url());
  await hydrated(gm);
  await expect(gm.getByTestId("channel-title")).not.toHaveText(`@ ${names.bob}`);
  await expect(messageWithBody(gm, "Meet me behind the inn.")).toHaveCount(0);
  await expect(messageWithBody(gm, "I'll bring the rope.")).toHaveCount(0);

  // Alice downloads the conversation as Markdown: both lines, nothing else.
  const [download] = await Promise.all([alice.waitForEvent("download"), alice.getByTestId("export-markdown").click()]);
  const path = await download.path();
  const text = readFileSync(path, "utf8");
  expect(text).toContain("Meet me behind the inn.");
  expect(text).toContain("I'll bring the rope.");
  expect(text).toContain(`Exported for ${names.alice}`);
});
