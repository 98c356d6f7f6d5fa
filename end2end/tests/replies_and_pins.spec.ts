import { expect, Page, test } from "@playwright/test";
import { flush, hydrated, messageWithBody, say, threeAtTheTable } from "./helpers";

/** Opens a message's menu the way a person does (hovering it) and clicks `action`. */
async function act(message: ReturnType<typeof messageWithBody>, action: string) {
  await message.hover();
  await message.getByTestId(action).click();
}

/** Posts `count` numbered lines from `page` over a socket of its own (as a bot or a busy table would), paced
 * under the send budget, and resolves once every one was acknowledged. */
async function postLines(page: Page, prefix: string, count: number) {
  const channel = await page.getByTestId("timeline").getAttribute("data-channel");
  await page.evaluate(
    async ({ channel, prefix, count }) => {
      const socket = new WebSocket(`${location.origin.replace("http", "ws")}/ws`);
      await new Promise((ready) => socket.addEventListener("open", ready));
      let acked = 0;
      const done = new Promise<void>((resolve) =>
        socket.addEventListener("message", (event) => {
          const frame = JSON.parse(String(event.data));
          if (frame.type === "chat.ack" && ++acked === count) resolve();
        }),
      );
      for (let n = 0; n < count; n++) {
        socket.send(JSON.stringify({ type: "chat.send", channel_id: channel, client_message_id: `${prefix}-${n}-${Date.now()}`, body: `${prefix} line ${n}` }));
        await new Promise((wait) => setTimeout(wait, 110));
      }
      await done;
      socket.close();
    },
    { channel, prefix, count },
  );
}

test("a reply quotes what it answers, jumps to it 300 lines up, and hides a whisper from the player outside it", async ({ browser }) => {
  test.setTimeout(180_000);
  const { gm, alice, bob, names } = await threeAtTheTable(browser);
  await say(gm, "The password is swordfish.");
  await gm.getByTestId("audience-select").selectOption("targets");
  await gm.getByRole("checkbox", { name: names.alice, exact: true }).check();
  await say(gm, "Only you know the vault is empty.");
  const whisper = messageWithBody(alice, "Only you know the vault is empty.");
  await expect(whisper).toBeVisible();

  // Alice answers the whisper in the open: Bob sees her answer, and nothing of what it answers.
  await act(whisper, "action-reply");
  await expect(alice.getByTestId("reply-bar")).toContainText(names.gm);
  await expect(alice.getByTestId("composer-input")).toBeFocused();
  await say(alice, "Then we should not bother.");
  const answer = messageWithBody(bob, "Then we should not bother.");
  await expect(answer.getByTestId("reply-quote")).toHaveText(/a message you cannot see/);
  await expect(messageWithBody(gm, "Then we should not bother.").getByTestId("reply-excerpt")).toHaveText(
    "Only you know the vault is empty.",
  );
  await expect(alice.getByTestId("reply-bar")).toHaveCount(0);

  // 300 lines later, Alice replies to the password; Bob, fresh from a reload, jumps back to it.
  await Promise.all([postLines(gm, "gm", 100), postLines(alice, "alice", 100), postLines(bob, "bob", 100)]);
  await flush(gm, [alice], "That was a lot of talk.");
  const password = messageWithBody(alice, "The password is swordfish.");
  await act(password, "action-reply");
  await say(alice, "Swordfish, got it.");
  const frames: string[] = [];
  bob.on("websocket", (socket) => socket.on("framereceived", (frame) => frames.push(String(frame.payload))));
  await bob.reload();
  await hydrated(bob);
  const reply = messageWithBody(bob, "Swordfish, got it.");
  await expect(reply.getByTestId("reply-excerpt")).toHaveText("The password is swordfish.");
  await expect(messageWithBody(bob, "The password is swordfish.")).toHaveCount(0);
  await reply.getByTestId("reply-quote").click();
  const original = messageWithBody(bob, "The password is swordfish.");
  await expect(original).toHaveAttribute("data-highlighted", "true");
  await expect(original).toBeInViewport();
  // Everything between is there: no hole in the timeline.
  await expect(messageWithBody(bob, "gm line 0")).toHaveCount(1);
  await expect(messageWithBody(bob, "bob line 99")).toHaveCount(1);
  await expect(bob.getByTestId("reply-quote").filter({ hasText: "a message you cannot see" })).toHaveCount(1);
  const seen = frames.join("\n");
  expect(seen).toContain("Swordfish, got it.");
  expect(seen).not.toContain("vault is empty");
});

test("the GM pins messages and the pinned list follows live and jumps to each", async ({ browser }) => {
  const { gm, alice } = await threeAtTheTable(browser);
  await say(alice, "The map is under the altar.");
  await say(alice, "The priest lied about the bells.");
  await act(messageWithBody(gm, "The map is under the altar."), "action-pin");
  await expect(messageWithBody(alice, "The map is under the altar.").getByTestId("pinned-mark")).toBeVisible();

  await alice.getByTestId("pins-toggle").click();
  const panel = alice.getByTestId("pinned-panel");
  await expect(panel.getByTestId("pinned-entry")).toHaveCount(1);
  await expect(panel.getByTestId("pinned-entry").first()).toContainText("The map is under the altar.");
  // A pin made while the list is open shows up in it, newest first; an unpin takes it away.
  await act(messageWithBody(gm, "The priest lied about the bells."), "action-pin");
  await expect(panel.getByTestId("pinned-entry")).toHaveCount(2);
  await expect(panel.getByTestId("pinned-entry").first()).toContainText("The priest lied about the bells.");
  await act(messageWithBody(gm, "The priest lied about the bells."), "action-unpin");
  await expect(panel.getByTestId("pinned-entry")).toHaveCount(1);

  await panel.getByTestId("pinned-entry").first().click();
  await expect(messageWithBody(alice, "The map is under the altar.")).toHaveAttribute("data-highlighted", "true");
  await alice.getByTestId("pins-toggle").click();
  await expect(panel).toHaveCount(0);
});

test("the GM turns editing off and lets players pin, and the players' menus follow", async ({ browser }) => {
  const { gm, alice } = await threeAtTheTable(browser);
  await say(alice, "Teh dragon sleeps.");
  const line = messageWithBody(alice, "Teh dragon sleeps.");
  await line.hover();
  await expect(line.getByTestId("action-edit")).toBeVisible();
  await expect(line.getByTestId("action-pin")).toHaveCount(0);

  await gm.getByTestId("edit-window").fill("soon");
  await gm.getByTestId("message-rules-save").click();
  await expect(gm.getByTestId("message-rules-error")).toContainText("whole number of minutes");
  await gm.getByTestId("edit-window").fill("0");
  await gm.getByTestId("players-may-pin").check();
  await gm.getByTestId("message-rules-save").click();
  await expect(gm.getByTestId("message-rules-saved")).toBeVisible();

  await line.hover();
  await expect(line.getByTestId("action-edit")).toHaveCount(0);
  await line.getByTestId("action-pin").click();
  await expect(messageWithBody(gm, "Teh dragon sleeps.").getByTestId("pinned-mark")).toBeVisible();
  // Up in the empty composer no longer opens an editor: the text comes back to be sent again.
  await alice.getByTestId("composer-input").press("ArrowUp");
  await expect(alice.getByTestId("edit-input")).toHaveCount(0);
});
