import { expect, test } from "@playwright/test";
import { messageWithBody, say, threeAtTheTable } from "./helpers";

test("markdown and a spoiler revealed by a click", async ({ browser }) => {
  const { alice, bob } = await threeAtTheTable(browser);
  await say(alice, "**Bold** and *soft* and ~~gone~~ and `x < y` ||the butler did it|| see https://example.org");
  const body = bob.getByTestId("message").last().getByTestId("body");
  await expect(body.locator("strong")).toHaveText("Bold");
  await expect(body.locator("em")).toHaveText("soft");
  await expect(body.locator("s")).toHaveText("gone");
  await expect(body.locator("code")).toHaveText("x < y");
  const link = body.getByRole("link", { name: "https://example.org" });
  await expect(link).toHaveAttribute("href", "https://example.org");
  await expect(link).toHaveAttribute("rel", "noopener noreferrer nofollow");
  const spoiler = body.getByTestId("spoiler");
  await expect(spoiler).toHaveAttribute("data-revealed", "false");
  await expect(spoiler.getByText("the butler did it")).toBeHidden();
  await spoiler.click();
  await expect(spoiler).toHaveAttribute("data-revealed", "true");
  await expect(spoiler.getByText("the butler did it")).toBeVisible();
  // A quote and a code block.
  await say(alice, "> The mayor said so.\n\n```\nnot **bold** here\n```");
  const last = bob.getByTestId("message").last().getByTestId("body");
  await expect(last.locator("blockquote")).toHaveText("The mayor said so.");
  await expect(last.locator("pre")).toHaveText("not **bold** here");
});

test("an inline roll is thrown by the server and shows its card on hover", async ({ browser }) => {
  const { gm, alice } = await threeAtTheTable(browser);
  await say(alice, "I swing at the ogre: [[1d20+5]]");
  const line = gm.getByTestId("message").last();
  const chip = line.getByTestId("inline-roll");
  await expect(chip).toBeVisible();
  const total = Number(await chip.getByTestId("inline-roll-total").innerText());
  expect(total).toBeGreaterThanOrEqual(6);
  expect(total).toBeLessThanOrEqual(25);
  await chip.hover();
  await expect(line.getByTestId("roll-card")).toBeVisible();
  await expect(line.getByTestId("roll-card").getByTestId("roll-total")).toHaveText(String(total));
  // Alice sees the same result: it was rolled once, on the server.
  await expect(alice.getByTestId("message").last().getByTestId("inline-roll-total")).toHaveText(String(total));
  // Something that is not a roll is refused and the text stays.
  await alice.getByTestId("composer-input").fill("I cast [[fireball]]");
  await expect(alice.getByTestId("composer-preview")).toContainText("[[fireball]] is not a roll");
  await alice.getByTestId("composer-input").press("Enter");
  await expect(alice.getByTestId("composer-error")).toContainText("[[fireball]] is not a roll");
  await expect(alice.getByTestId("composer-input")).toHaveValue("I cast [[fireball]]");
});

test("the XSS corpus is shown as text: no dialog, no injected element", async ({ browser }) => {
  const { gm, alice, bob } = await threeAtTheTable(browser, ["<img src=x onerror=alert('name')>", "<b>Brom</b>"]);
  let dialogs = 0;
  for (const page of [gm, alice, bob]) page.on("dialog", async (dialog) => { dialogs++; await dialog.dismiss(); });
  const corpus = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "[click me](javascript:alert(3))",
    "<svg onload=alert(4)>",
    "[x](data:text/html,<script>alert(5)</script>)",
    "**<iframe src=javascript:alert(6)>**",
  ];
  for (const text of corpus) await say(alice, text);
  await alice.getByTestId("mode-select").selectOption({ index: 1 });
  await say(alice, "/roll 1d20 <img src=y onerror=alert(7)>");
  await say(alice, "As my character: ||<svg onload=alert(8)>||");
  await expect(bob.getByTestId("message").last().getByTestId("author")).toContainText("<img src=x onerror=alert('name')>");
  await expect(messageWithBody(bob, "<img src=x onerror=alert(1)>")).toBeVisible();
  await expect(messageWithBody(bob, "<script>alert(2)</script>")).toBeVisible();
  await expect(bob.getByTestId("message").filter({ hasText: "click me" }).getByRole("link")).toHaveCount(0);
  for (const page of [gm, bob]) {
    const timeline = page.getByTestId("timeline");
    await expect(timeline.locator("img, script, iframe, b, svg:not([aria-hidden=true])")).toHaveCount(0);
    await expect(timeline.locator("a[href^='javascript'], a[href^='data']")).toHaveCount(0);
    await page.getByTestId("spoiler").last().click();
  }
  expect(dialogs).toBe(0);
});
