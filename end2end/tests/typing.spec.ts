import { expect, test } from "@playwright/test";
import { messageWithBody, say, threeAtTheTable } from "./helpers";

test("a whisper being written is shown to its target and never to the third player, not even on the wire", async ({ browser }) => {
  const { gm, alice, bob, names } = await threeAtTheTable(browser);
  const bobFrames: string[] = [];
  bob.on("websocket", (socket) => socket.on("framereceived", (frame) => bobFrames.push(String(frame.payload))));
  // Bob's socket was opened before the listener: reload so his wire is recorded from the start.
  await bob.reload();
  await expect(bob.getByTestId("connection")).toHaveAttribute("data-state", "live");

  // Alice, as Lyra, starts a whisper to the GM: the GM sees Lyra typing; Bob sees nothing.
  await alice.getByTestId("mode-select").selectOption({ label: "Lyra" });
  await alice.getByTestId("audience-select").selectOption("targets");
  await alice.getByRole("checkbox", { name: `${names.gm} (GM)`, exact: true }).check();
  await alice.getByTestId("composer-input").pressSequentially("The mayor has", { delay: 40 });
  await expect(gm.getByTestId("typing")).toHaveText("Lyra is typing…");
  await expect(alice.getByTestId("typing")).toHaveText("");

  // Sent, the line clears at once for the GM.
  await alice.getByTestId("composer-input").pressSequentially(" a twin.", { delay: 20 });
  await alice.getByTestId("composer-send").click();
  await expect(messageWithBody(gm, "The mayor has a twin.")).toBeVisible();
  await expect(gm.getByTestId("typing")).toHaveText("");

  // A public line from the GM is announced to both players, under the GM's own name.
  await gm.getByTestId("composer-input").pressSequentially("Roll for", { delay: 40 });
  await expect(bob.getByTestId("typing")).toHaveText(`${names.gm} is typing…`);
  await expect(alice.getByTestId("typing")).toHaveText(`${names.gm} is typing…`);
  // Without a message it fades by itself.
  await expect(bob.getByTestId("typing")).toHaveText("", { timeout: 9_000 });

  // Bob never saw the whisper or that it was being written.
  await say(gm, "Roll for initiative.");
  await expect(messageWithBody(bob, "Roll for initiative.")).toBeVisible();
  const wire = bobFrames.join("\n");
  expect(wire).toContain("chat.typing");
  expect(wire).not.toContain("Lyra is typing");
  const typingFrames = bobFrames.filter((f) => f.includes('"chat.typing"')).map((f) => JSON.parse(f));
  expect(typingFrames.length).toBeGreaterThan(0);
  for (const frame of typingFrames) expect(frame.label).toBe(names.gm);
  expect(wire).not.toContain("The mayor has");
});
