import { expect, Page, test } from "@playwright/test";
import { flush, messageWithBody, say, threeAtTheTable } from "./helpers";

/** Types like a person, key by key, into an empty composer. */
async function type(page: Page, text: string) {
  const input = page.getByTestId("composer-input");
  await input.fill("");
  await input.pressSequentially(text);
}

const items = (page: Page) => page.getByTestId("autocomplete-item");

test("@ autocomplete in each mode offers the right names first and inserts a name with a space", async ({ browser }) => {
  const { gm, alice, bob, names } = await threeAtTheTable(browser, ["Lyra Vance", "Sir Brynn"]);

  // Out of character, members come first; Up/Down move, Escape closes.
  await type(alice, "hello @");
  await expect(alice.getByTestId("autocomplete")).toBeVisible();
  await expect(items(alice).first()).toContainText(names.alice);
  await expect(items(alice).first()).toHaveAttribute("aria-selected", "true");
  await alice.getByTestId("composer-input").press("ArrowDown");
  await expect(items(alice).nth(1)).toHaveAttribute("aria-selected", "true");
  await alice.getByTestId("composer-input").press("ArrowUp");
  await expect(items(alice).first()).toHaveAttribute("aria-selected", "true");
  await alice.getByTestId("composer-input").press("Escape");
  await expect(alice.getByTestId("autocomplete")).toBeHidden();
  // Typing filters; Tab accepts, name with its space and all.
  await alice.getByTestId("composer-input").pressSequentially("Sir B");
  await expect(items(alice)).toHaveCount(1);
  await expect(items(alice).first()).toContainText("Sir Brynn");
  await alice.getByTestId("composer-input").press("Tab");
  await expect(alice.getByTestId("composer-input")).toHaveValue("hello @Sir Brynn ");
  await alice.getByTestId("composer-input").pressSequentially("duck!");
  await alice.getByTestId("composer-input").press("Enter");
  // Bob controls Sir Brynn, so the message is highlighted for him and not for the GM.
  const forBob = messageWithBody(bob, "hello @Sir Brynn duck!");
  await expect(forBob).toHaveAttribute("data-mentioned", "true");
  await expect(messageWithBody(gm, "hello @Sir Brynn duck!")).toHaveAttribute("data-mentioned", "false");

  // In character, characters come first; Enter accepts.
  await alice.getByTestId("mode-select").selectOption({ label: "Lyra Vance" });
  await type(alice, "@");
  await expect(items(alice).first()).toContainText("Lyra Vance");
  await alice.getByTestId("composer-input").pressSequentially("Sir");
  await alice.getByTestId("composer-input").press("Enter");
  await expect(alice.getByTestId("composer-input")).toHaveValue("@Sir Brynn ");

  // The GM's voice and an NPC's voice put characters first too.
  for (const mode of ["gm", "narrator"]) {
    await gm.getByTestId("mode-select").selectOption(mode);
    if (mode === "narrator") await gm.getByTestId("npc-name").fill("Old Fisher");
    await type(gm, "Watch out, @");
    await expect(items(gm).first()).toContainText("Lyra Vance");
    await gm.getByTestId("composer-input").pressSequentially("Lyra");
    await gm.getByTestId("composer-input").press("Enter");
    await expect(gm.getByTestId("composer-input")).toHaveValue("Watch out, @Lyra Vance ");
  }
  await gm.getByTestId("composer-input").press("Enter");
  await expect(messageWithBody(alice, "Watch out, @Lyra Vance")).toHaveAttribute("data-mentioned", "true");

  // An unknown name is refused with a typed error, and the text stays.
  await alice.getByTestId("mode-select").selectOption("participant");
  await say(alice, "hi @nobody-here");
  await expect(alice.getByTestId("composer-error")).toContainText("@nobody-here");
  await expect(alice.getByTestId("composer-input")).toHaveValue("hi @nobody-here");
});

test("/w to a quoted name reaches only its targets; a player's /desc is refused; /help answers the asker", async ({
  browser,
}) => {
  const { gm, alice, bob } = await threeAtTheTable(browser, ["Lyra Vance", "Sir Brynn"]);

  // `/` lists the commands Alice may use, with their usage.
  await type(alice, "/");
  await expect(items(alice).filter({ hasText: "/roll" })).toContainText("/roll 1d20+5 [label]");
  await expect(items(alice).filter({ hasText: "/desc" })).toHaveCount(0);
  await alice.getByTestId("composer-input").pressSequentially("wh");
  await expect(items(alice)).toHaveCount(1);
  await alice.getByTestId("composer-input").press("Tab");
  await expect(alice.getByTestId("composer-input")).toHaveValue("/w ");

  await alice.getByTestId("composer-input").pressSequentially('"Sir Brynn" the bridge is rotten');
  await expect(alice.getByTestId("composer-preview")).toContainText("Whisper to");
  await alice.getByTestId("composer-input").press("Enter");
  const whisper = messageWithBody(bob, "the bridge is rotten");
  await expect(whisper).toHaveAttribute("data-audience", "targets");
  await expect(messageWithBody(alice, "the bridge is rotten")).toBeVisible();
  await flush(alice, [gm, bob], "Public line after the whisper.");
  await expect(messageWithBody(gm, "the bridge is rotten")).toHaveCount(0);

  // Up in the empty composer opens the last message for editing; Escape leaves it as it was.
  await alice.getByTestId("composer-input").press("ArrowUp");
  await expect(alice.getByTestId("edit-input")).toHaveValue("Public line after the whisper.");
  await alice.getByTestId("edit-input").press("Escape");
  await expect(alice.getByTestId("edit-input")).toHaveCount(0);
  // A roll cannot be edited: Up brings its text back to roll again.
  await say(alice, "/roll 1d6");
  await expect(alice.getByTestId("message").last()).toHaveAttribute("data-kind", "roll");
  await alice.getByTestId("composer-input").press("ArrowUp");
  await expect(alice.getByTestId("composer-input")).toHaveValue("/roll 1d6");

  // A player's /desc: the preview warns, the send is refused in composer-error, the text stays.
  await type(alice, "/desc The walls bleed.");
  await expect(alice.getByTestId("composer-preview")).toContainText("is for game masters");
  await alice.getByTestId("composer-input").press("Enter");
  await expect(alice.getByTestId("composer-error")).toContainText("/desc is for game masters");
  await expect(alice.getByTestId("composer-input")).toHaveValue("/desc The walls bleed.");

  // /help is answered to Alice alone.
  await type(alice, "/help");
  await alice.getByTestId("composer-input").press("Enter");
  const help = alice.getByTestId("notice");
  await expect(help).toContainText("Commands you can use here");
  await expect(help).toContainText("/roll 1d20+5 [label]");
  await expect(help).toContainText("Only you can see this");
  await flush(alice, [gm, bob], "After help.");
  await expect(gm.getByTestId("notice")).toHaveCount(0);
  await expect(bob.getByTestId("notice")).toHaveCount(0);
  await expect(messageWithBody(bob, "/help")).toHaveCount(0);
});

test("/blindroll shows the result to the GM and not to the roller; /gmroll to roller and GM", async ({ browser }) => {
  const { gm, alice, bob } = await threeAtTheTable(browser, ["Lyra Vance", "Sir Brynn"]);

  await type(alice, "/blindroll 1d20+2 Stealth");
  await expect(alice.getByTestId("composer-preview")).toContainText("you will not see the result");
  await alice.getByTestId("composer-input").press("Enter");
  const gmCard = gm.locator('[data-kind="roll"]').first();
  await expect(gmCard).toHaveAttribute("data-audience", "gm_only");
  const total = Number(await gm.locator('[data-kind="roll"]').first().getByTestId("roll-total").innerText());
  expect(total).toBeGreaterThanOrEqual(3);
  expect(total).toBeLessThanOrEqual(22);
  await expect(gm.locator('[data-kind="roll"]').first().getByTestId("die")).toHaveCount(1);
  const notice = alice.locator('[data-kind="notification"]');
  await expect(notice).toContainText("You rolled 1d20+2 Stealth blind; only the GMs see the result.");
  await expect(alice.locator('[data-kind="roll"]')).toHaveCount(0);

  await type(alice, "/gmroll 4d6kh3 Strength");
  await alice.getByTestId("composer-input").press("Enter");
  for (const page of [alice, gm]) {
    const card = page.locator('[data-kind="roll"]').filter({ hasText: "Strength" });
    await expect(card.getByTestId("die")).toHaveCount(4);
    await expect(card.locator('[data-testid="die"][data-kept="false"]')).toHaveCount(1);
  }
  await flush(gm, [alice, bob], "Rolls done.");
  await expect(bob.locator('[data-kind="roll"]')).toHaveCount(0);
  await expect(bob.locator('[data-kind="notification"]')).toHaveCount(0);

  // After a reload the roller still sees the notice and never the result.
  await alice.reload();
  await expect(alice.locator('[data-kind="notification"]')).toHaveCount(1);
  await expect(alice.locator('[data-kind="roll"]')).toHaveCount(1);
});
