import { expect, test } from "@playwright/test";
import { gmAndPlayer, hydrated, messageWithBody, say } from "./helpers";

type Frame = { at: number; dir: "sent" | "received"; data: any };

test("messages typed while the server pushes back all arrive once, in the order they were typed", async ({
  browser,
}) => {
  const { gm, player } = await gmAndPlayer(browser, "Pushed Back");
  // Record the player's own socket, frame by frame.
  const frames: Frame[] = [];
  player.on("websocket", (socket) => {
    const record = (dir: Frame["dir"]) => (event: { payload: string | Buffer }) => {
      if (typeof event.payload === "string") frames.push({ at: frames.length, dir, data: JSON.parse(event.payload) });
    };
    socket.on("framesent", record("sent"));
    socket.on("framereceived", record("received"));
  });
  await player.reload();
  await hydrated(player);
  await expect(player.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(gm.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const channel = frames.find((f) => f.dir === "sent" && f.data.type === "chat.join")!.data.channel_id;

  // Another tab of the same player spends the user's whole send budget (60), then keeps it empty by sending one
  // message again and again (the same key: stored once, but every attempt takes from the budget) until told.
  await player.evaluate(async (channel) => {
    const socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws");
    await new Promise((open) => (socket.onopen = open));
    const spend = (key: string) =>
      socket.send(JSON.stringify({ type: "chat.send", channel_id: channel, client_message_id: key, body: key }));
    for (let n = 0; n < 60; n++) spend(`spend-${n}`);
    const timer = setInterval(() => spend("spend-again"), 10);
    (window as any).stopSpending = () => clearInterval(timer);
  }, channel);

  const typed = ["Pushed one", "Pushed two", "Pushed three"];
  for (const text of typed) await say(player, text);
  const keyOf = (text: string) => frames.find((f) => f.dir === "sent" && f.data.body === text)?.data.client_message_id;
  const refusedTyped = () =>
    frames.filter(
      (f) => f.dir === "received" && f.data.code === "rate_limited" && typed.map(keyOf).includes(f.data.client_message_id),
    );
  // A typed message is pushed back at least once; then the other tab stops and the budget refills.
  await expect.poll(() => refusedTyped().length, { timeout: 10_000 }).toBeGreaterThan(0);
  await player.evaluate(() => (window as any).stopSpending());

  // Each arrives at the GM exactly once, in the order typed.
  for (const text of typed) await expect(messageWithBody(gm, text)).toHaveCount(1, { timeout: 15_000 });
  const bodies = await gm.getByTestId("message").getByTestId("body").allInnerTexts();
  const order = typed.map((text) => bodies.indexOf(text));
  expect(order).toEqual([...order].sort((a, b) => a - b));

  // On the player's socket: the refused one was sent again with the same key, and no later message went
  // on the wire before the one ahead of it was answered (its ack, or its own copy, whichever came first).
  const keys = typed.map(keyOf);
  const refusedKey = refusedTyped()[0].data.client_message_id;
  expect(frames.filter((f) => f.dir === "sent" && f.data.client_message_id === refusedKey).length).toBeGreaterThan(1);
  for (let i = 1; i < keys.length; i++) {
    const answered = frames.find(
      (f) =>
        f.dir === "received" &&
        ((f.data.type === "chat.ack" && f.data.client_message_id === keys[i - 1]) ||
          (f.data.type === "chat.message" && f.data.message.client_message_id === keys[i - 1])),
    )!;
    const firstSent = frames.find((f) => f.dir === "sent" && f.data.client_message_id === keys[i])!;
    expect(firstSent.at).toBeGreaterThan(answered.at);
  }
});
