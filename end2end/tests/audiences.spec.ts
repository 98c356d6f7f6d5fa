import { expect, test } from "@playwright/test";
import { flush, hydrated, messageWithBody, say, threeAtTheTable } from "./helpers";

test("GM-only messages and whispers reach only their audience, live and after reload", async ({ browser }) => {
  const { gm, alice, bob, names } = await threeAtTheTable(browser);

  // Players are offered only their own voices; GMs also the GM and NPCs.
  const aliceModes = await alice.getByTestId("mode-select").locator("option").allInnerTexts();
  expect(aliceModes).toEqual([`Yourself (${names.alice})`, "Lyra"]);
  const gmModes = await gm.getByTestId("mode-select").locator("option").allInnerTexts();
  expect(gmModes).toEqual([`Yourself (${names.gm})`, "GM", "NPC…"]);

  // Alice writes to the GM only.
  await alice.getByTestId("audience-select").selectOption("gm_only");
  await expect(alice.getByTestId("composer-preview")).toHaveText(`As ${names.alice} → GM only`);
  await say(alice, "I pocket the silver key.");
  const toGm = messageWithBody(gm, "I pocket the silver key.");
  await expect(toGm).toHaveAttribute("data-audience", "gm_only");
  await expect(toGm.getByTestId("visibility")).toHaveText("GM only");
  await expect(toGm.getByTestId("visibility")).toHaveAttribute("aria-label", "Visible to: GM only");

  // Alice, as Lyra, whispers to Bob; the GM cannot read it (the setting is off, and the composer says so).
  await alice.getByTestId("mode-select").selectOption({ label: "Lyra" });
  await alice.getByTestId("audience-select").selectOption("targets");
  await expect(alice.getByTestId("whisper-notice")).toHaveText("GMs cannot read whispers they are not part of.");
  await alice.getByRole("checkbox", { name: names.bob, exact: true }).check();
  await expect(alice.getByTestId("composer-preview")).toHaveText(`As Lyra (${names.alice}) → Whisper to ${names.bob}`);
  await say(alice, "Psst, the mayor lies.");
  const whisper = messageWithBody(bob, "Psst, the mayor lies.");
  await expect(whisper).toHaveAttribute("data-actor", "character");
  await expect(whisper.getByTestId("author")).toHaveText(`Lyra (${names.alice})`);
  await expect(whisper.getByTestId("visibility")).toHaveText(`Whisper to ${names.bob}`);

  // The GM speaks as an NPC to everyone.
  await gm.getByTestId("mode-select").selectOption("narrator");
  await gm.getByTestId("npc-name").fill("Mayor Hollin");
  await expect(gm.getByTestId("composer-preview")).toHaveText("As Mayor Hollin (NPC) → Everyone");
  await say(gm, "Welcome, travellers.");
  for (const page of [alice, bob]) {
    const npc = messageWithBody(page, "Welcome, travellers.");
    await expect(npc).toHaveAttribute("data-actor", "narrator");
    await expect(npc.getByTestId("author")).toHaveText("Mayor Hollin (NPC)");
  }

  await flush(gm, [alice, bob], "Everyone caught up.");
  await expect(messageWithBody(bob, "I pocket the silver key.")).toHaveCount(0);
  await expect(messageWithBody(gm, "Psst, the mayor lies.")).toHaveCount(0);
  await expect(messageWithBody(alice, "Psst, the mayor lies.")).toHaveCount(1);

  // The same after a reload: history applies the same rule.
  for (const page of [gm, alice, bob]) {
    await page.reload();
    await hydrated(page);
    await expect(messageWithBody(page, "Everyone caught up.")).toBeVisible();
  }
  await expect(messageWithBody(gm, "I pocket the silver key.")).toHaveCount(1);
  await expect(messageWithBody(bob, "I pocket the silver key.")).toHaveCount(0);
  await expect(messageWithBody(gm, "Psst, the mayor lies.")).toHaveCount(0);
  await expect(messageWithBody(bob, "Psst, the mayor lies.").getByTestId("visibility")).toHaveText(
    `Whisper to ${names.bob}`,
  );

  // Filters: private messages only, then out of character only.
  await bob.getByTestId("filter-whispers").click();
  await expect(messageWithBody(bob, "Psst, the mayor lies.")).toBeVisible();
  await expect(messageWithBody(bob, "Welcome, travellers.")).toHaveCount(0);
  await bob.getByTestId("filter-ic").click();
  await expect(messageWithBody(bob, "Welcome, travellers.")).toBeVisible();
  await expect(messageWithBody(bob, "Everyone caught up.")).toHaveCount(0);
  await bob.getByTestId("filter-all").click();
  await expect(messageWithBody(bob, "Everyone caught up.")).toBeVisible();
});

test("with the setting on, the GM reads new whispers and players are told", async ({ browser }) => {
  const { gm, alice, bob, names } = await threeAtTheTable(browser);
  await alice.getByTestId("audience-select").selectOption("targets");
  await expect(alice.getByTestId("whisper-notice")).toHaveText("GMs cannot read whispers they are not part of.");
  // The GM turns the setting on; Alice's composer learns it live, without a reload.
  await gm.getByTestId("gm-sees-whispers").check();
  await expect(alice.getByTestId("whisper-notice")).toHaveText("The GM can read whispers in this campaign.");
  await alice.getByRole("checkbox", { name: names.bob, exact: true }).check();
  await say(alice, "Meet me at the well.");
  for (const page of [gm, bob]) {
    await expect(messageWithBody(page, "Meet me at the well.").getByTestId("visibility")).toHaveText(
      `Whisper to ${names.bob} (GM can read)`,
    );
  }
});

test("a hint the UI does not offer is refused when hand-crafted", async ({ browser }) => {
  const { alice, bob } = await threeAtTheTable(browser);
  await expect(alice.getByTestId("mode-select").locator("option[value=gm]")).toHaveCount(0);
  // A raw socket from the player's own page, with the player's own cookie, asking for what the UI never offers.
  const codes = await alice.evaluate(async () => {
    const channelId = (document.querySelector("[data-testid=timeline]") as HTMLElement).dataset.channel!;
    const socket = new WebSocket(`ws://${location.host}/ws`);
    const errors: [string, string][] = [];
    await new Promise((resolve) => (socket.onopen = resolve));
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "chat.error") errors.push([frame.client_message_id, frame.code]);
    };
    const send = (extra: object, key: string) =>
      socket.send(
        JSON.stringify({ type: "chat.send", channel_id: channelId, client_message_id: key, body: "sneaky", ...extra }),
      );
    send({ mode: "gm" }, "h1");
    send({ mode: "narrator", npc_name: "Fake Mayor" }, "h2");
    send({ mode: "character", character_id: "01AAAAAAAAAAAAAAAAAAAAAAAA" }, "h3");
    send({ audience: { scope: "targets", targets: [{ kind: "user", id: "01BBBBBBBBBBBBBBBBBBBBBBBB" }] } }, "h4");
    send({ mode: "system" }, "h5");
    for (let i = 0; i < 50 && errors.length < 5; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    return errors;
  });
  expect(codes).toEqual([
    ["h1", "mode_not_allowed"],
    ["h2", "mode_not_allowed"],
    ["h3", "character_not_controlled"],
    ["h4", "unknown_target"],
    ["h5", "mode_not_allowed"],
  ]);
  await expect(bob.getByText("sneaky")).toHaveCount(0);
});
