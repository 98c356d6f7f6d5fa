import { expect, Page, test } from "@playwright/test";
import { flush, hydrated, messageWithBody, say, threeAtTheTable } from "./helpers";

/** Opens a message's menu the way a person does (hovering it) and clicks `action`. */
async function act(page: Page, message: ReturnType<typeof messageWithBody>, action: string) {
  await message.hover();
  await message.getByTestId(action).click();
}

/** The message whose id is `id`, whatever its body is now. */
const byId = (page: Page, id: string) => page.locator(`[data-testid=message][data-message-id="${id}"]`);

test("every message shows its time, and the day starts with a divider", async ({ browser }) => {
  const { alice, bob } = await threeAtTheTable(browser);
  const before = Date.now();
  await say(alice, "What time is it?");
  const line = messageWithBody(bob, "What time is it?");
  await expect(line).toBeVisible();
  const time = line.getByTestId("time");
  await expect(time).toHaveText(/^\d{2}:\d{2}$/);
  const stamp = Date.parse((await time.getAttribute("datetime")) ?? "");
  expect(Math.abs(stamp - before)).toBeLessThan(60_000);
  await expect(time).toHaveAttribute("title", /(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d+ \w+ \d{4} \d{2}:\d{2}/);
  await expect(bob.getByTestId("day-divider").last()).toHaveText("Today");
});

test("an edit is seen live by the other player, and only the GM sees the earlier text", async ({ browser }) => {
  const { gm, alice, bob } = await threeAtTheTable(browser);
  await say(alice, "The door is lokced.");
  const mine = messageWithBody(alice, "The door is lokced.");
  await expect(mine).toBeVisible();
  const id = (await mine.getAttribute("data-message-id")) ?? "";
  await act(alice, mine, "action-edit");
  const editor = alice.getByTestId("edit-input");
  await expect(editor).toBeFocused();
  await editor.fill("The door is locked.");
  await editor.press("Enter");

  for (const page of [bob, gm, alice]) {
    await expect(byId(page, id).getByTestId("body")).toHaveText("The door is locked.");
    await expect(byId(page, id).getByTestId("edited")).toBeVisible();
  }
  await expect(byId(bob, id).getByTestId("versions")).toHaveCount(0);
  await byId(gm, id).getByTestId("versions").locator("summary").click();
  await expect(byId(gm, id).getByTestId("version")).toContainText("The door is lokced.");

  // The keyboard way: Up in the empty composer edits the last message; markup stays text.
  await alice.getByTestId("composer-input").press("ArrowUp");
  await expect(editor).toHaveValue("The door is locked.");
  await editor.fill("<img src=x onerror=alert(1)> locked <b>tight</b>");
  await editor.press("Enter");
  let dialogs = 0;
  for (const page of [alice, bob]) page.on("dialog", () => dialogs++);
  await expect(byId(bob, id).getByTestId("body")).toHaveText("<img src=x onerror=alert(1)> locked <b>tight</b>");
  await expect(byId(bob, id).locator("img, b")).toHaveCount(0);
  expect(dialogs).toBe(0);

  // After a reload, the page brings the message as it is now; the GM's still has every version.
  await bob.reload();
  await hydrated(bob);
  await expect(byId(bob, id).getByTestId("edited")).toBeVisible();
  await gm.reload();
  await hydrated(gm);
  await byId(gm, id).getByTestId("versions").locator("summary").click();
  await expect(byId(gm, id).getByTestId("version")).toHaveCount(2);
});

test("a player deletes a message and the GM reviews it; the GM hides a player's message", async ({ browser }) => {
  const { gm, alice, bob, names } = await threeAtTheTable(browser);
  await say(alice, "Oops, wrong room: the cultist is the mayor.");
  const mine = messageWithBody(alice, "Oops, wrong room: the cultist is the mayor.");
  await expect(mine).toBeVisible();
  const id = (await mine.getAttribute("data-message-id")) ?? "";
  await act(alice, mine, "action-delete");
  await byId(alice, id).getByTestId("action-delete-confirm").click();
  await expect(byId(bob, id).getByTestId("body")).toHaveText("Message deleted");
  await expect(byId(alice, id).getByTestId("body")).toHaveText("Message deleted");
  await expect(byId(gm, id).getByTestId("body")).toHaveText("Oops, wrong room: the cultist is the mayor.");
  await expect(byId(gm, id).getByTestId("deleted-note")).toContainText(`Deleted by ${names.alice}`);
  await bob.reload();
  await hydrated(bob);
  await expect(byId(bob, id).getByTestId("body")).toHaveText("Message deleted");
  await expect(bob.getByText("the cultist is the mayor")).toHaveCount(0);

  // The GM removes Bob's line; Alice, a player, is not offered that.
  await say(bob, "spam spam spam");
  const spam = messageWithBody(gm, "spam spam spam");
  await expect(spam).toBeVisible();
  const spamId = (await spam.getAttribute("data-message-id")) ?? "";
  await expect(messageWithBody(alice, "spam spam spam")).toBeVisible();
  await expect(messageWithBody(alice, "spam spam spam").getByTestId("action-delete")).toHaveCount(0);
  await act(gm, spam, "action-delete");
  await byId(gm, spamId).getByTestId("action-delete-confirm").click();
  for (const page of [alice, bob]) await expect(byId(page, spamId).getByTestId("body")).toHaveText("Message deleted");
  await expect(byId(gm, spamId).getByTestId("deleted-note")).toContainText(`Deleted by ${names.gm}`);
});

test("reactions from two browsers count live for everyone", async ({ browser }) => {
  const { gm, alice, bob, names } = await threeAtTheTable(browser);
  await say(gm, "The dragon wakes.");
  const line = messageWithBody(alice, "The dragon wakes.");
  await expect(line).toBeVisible();
  const id = (await line.getAttribute("data-message-id")) ?? "";
  await act(alice, line, "action-react");
  await alice.getByTestId("emoji-search").fill("scream");
  await alice.getByTestId("emoji-option").first().click();
  const chip = (page: Page) => byId(page, id).getByTestId("reaction").filter({ hasText: "😱" });
  await expect(chip(bob).getByTestId("reaction-count")).toHaveText("1");
  await expect(chip(alice)).toHaveAttribute("aria-pressed", "true");
  await expect(chip(bob)).toHaveAttribute("aria-pressed", "false");
  await chip(bob).click();
  for (const page of [gm, alice, bob]) await expect(chip(page).getByTestId("reaction-count")).toHaveText("2");
  await expect(chip(gm)).toHaveAttribute("title", `${names.alice}, ${names.bob}`);
  // A shortcode typed in the picker, and the recent list remembers the last one used.
  await act(bob, byId(bob, id), "action-react");
  await bob.getByTestId("emoji-search").fill(":owl:");
  await bob.getByTestId("emoji-search").press("Enter");
  await expect(byId(gm, id).getByTestId("reaction").filter({ hasText: "🦉" })).toBeVisible();
  await act(bob, byId(bob, id), "action-react");
  await expect(bob.getByTestId("emoji-recent").first()).toHaveText("🦉");
  await bob.keyboard.press("Escape");
  // Taking a reaction back.
  await chip(alice).click();
  await expect(chip(gm).getByTestId("reaction-count")).toHaveText("1");
});

test("a reaction and a pin on a whisper never reach the player outside it, not even on the socket", async ({ browser }) => {
  const { gm, alice, bob, names } = await threeAtTheTable(browser);
  const frames: string[] = [];
  bob.on("websocket", (socket) => socket.on("framereceived", (frame) => frames.push(String(frame.payload))));
  await bob.reload();
  await hydrated(bob);
  await expect(bob.getByTestId("connection")).toHaveAttribute("data-state", "live");

  await gm.getByTestId("audience-select").selectOption("targets");
  await gm.getByRole("checkbox", { name: names.alice, exact: true }).check();
  await say(gm, "Only you hear the bells.");
  const whisper = messageWithBody(alice, "Only you hear the bells.");
  await expect(whisper).toBeVisible();
  const id = (await whisper.getAttribute("data-message-id")) ?? "";
  await act(alice, whisper, "action-react");
  await alice.getByTestId("emoji-search").fill("eyes");
  await alice.getByTestId("emoji-option").first().click();
  await expect(byId(gm, id).getByTestId("reaction")).toBeVisible();
  await act(gm, byId(gm, id), "action-pin");
  await expect(byId(alice, id).getByTestId("pinned-mark")).toBeVisible();
  await flush(gm, [alice, bob], "Everyone hears this.");

  const seen = frames.join("\n");
  expect(seen).toContain("Everyone hears this.");
  expect(seen).not.toContain(id);
  expect(seen).not.toContain("chat.change");
  expect(seen).not.toContain("👀");
  await expect(bob.getByTestId("pinned-mark")).toHaveCount(0);
});

test("the GM pins a message and every member sees the pin", async ({ browser }) => {
  const { gm, alice } = await threeAtTheTable(browser);
  await say(alice, "The map is under the altar.");
  const line = messageWithBody(gm, "The map is under the altar.");
  await expect(line).toBeVisible();
  await expect(messageWithBody(alice, "The map is under the altar.").getByTestId("action-pin")).toHaveCount(0);
  await act(gm, line, "action-pin");
  await expect(messageWithBody(alice, "The map is under the altar.").getByTestId("pinned-mark")).toBeVisible();
  await act(gm, line, "action-unpin");
  await expect(messageWithBody(alice, "The map is under the altar.").getByTestId("pinned-mark")).toHaveCount(0);
});
