// Replies, reactions, edits and recalls made in the browser, live on the other side; an edit the
// server refuses shows why. Ann and Ben are in their direct chat (contacts.ts ends there).
import { expect } from "bun:test";
import type { Person } from "./browser.ts";
import { actionsOf, message, openConv, type Cast } from "./people.ts";

const composeBar = (person: Person) => person.page.locator(".compose-about");

export async function messagesFlow({ ann, ben, as, history, shot }: Cast): Promise<string> {
  await ann.send("first message");
  await ann.send("second message");
  await ben.page.locator(".conv-item", { hasText: "second message" }).click();
  await ben.opened("Ann");
  const conv = openConv(ann);
  const [first] = await ben.until("Ann's messages", (s) => s.length === 2);

  // Ben replies to the first; Esc cancels a reply (and stays in the chat).
  const actions = await actionsOf(ben, "first message");
  await shot("message-actions", ben);
  await actions.getByRole("button", { name: "Reply" }).click();
  await composeBar(ben).filter({ hasText: "Replying to Ann" }).filter({ hasText: "first message" }).waitFor();
  await ben.page.keyboard.press("Escape");
  await composeBar(ben).waitFor({ state: "detached" });
  await ben.opened("Ann");
  await (await actionsOf(ben, "first message")).getByRole("button", { name: "Reply" }).click();
  await ben.send("a reply");
  await message(ann, "a reply").locator(".quote", { hasText: "first message" }).waitFor();
  await composeBar(ben).waitFor({ state: "detached" });
  expect((await history("ann", conv)).find((m) => m.body.type === "text" && m.body.text === "a reply")!.body).toEqual({
    type: "text",
    text: "a reply",
    replyTo: first!.seq!,
  });
  await shot("reply", ann, ben);

  // Ann reacts from the picker; Ben adds his own; Ann takes hers back by its chip.
  await (await actionsOf(ann, "a reply")).getByRole("button", { name: "React 👍" }).click();
  await message(ben, "a reply").getByRole("button", { name: "👍 1", exact: true }).waitFor();
  await (await actionsOf(ben, "a reply")).getByRole("button", { name: "React ❤️" }).click();
  await message(ann, "a reply").getByRole("button", { name: "❤️ 1", exact: true }).waitFor();
  await shot("reactions", ann, ben);
  await message(ann, "a reply").getByRole("button", { name: "👍 1, yours: take it back" }).click();
  await message(ben, "a reply").getByRole("button", { name: /^👍/ }).waitFor({ state: "detached" });
  await message(ben, "a reply").getByRole("button", { name: "❤️ 1, yours: take it back" }).waitFor();

  // Ann edits her second message in the composer (Enter saves); Ben sees it live.
  await (await actionsOf(ann, "second message")).getByRole("button", { name: "Edit" }).click();
  const editBox = ann.page.getByRole("textbox", { name: "Edit your message" });
  expect(await editBox.inputValue()).toBe("second message");
  await editBox.fill("second message, edited");
  await editBox.press("Enter");
  await message(ben, "second message, edited").locator(".edited").waitFor();
  await ann.page.getByRole("textbox", { name: "Message Ben" }).waitFor();

  // An edit the server refuses: Ann's other device recalls the message meanwhile. The reason shows.
  await ann.send("third message");
  const [third] = await ann.until("the third", (s) => s.at(-1)?.text === "third message" && s.at(-1)!.seq !== null).then((s) => s.slice(-1));
  await (await actionsOf(ann, "third message")).getByRole("button", { name: "Edit" }).click();
  expect((await (await as("ann")).post(`/v1/conversations/${conv}/messages/${third!.seq}/recall`, { clientId: "recall-elsewhere" })).status).toBe(201);
  await editBox.fill("third message, edited");
  await editBox.press("Enter");
  await ann.page.locator(".compose-bar [role=alert]", { hasText: "recalled" }).waitFor();
  await shot("edit-refused", ann);
  await editBox.press("Escape");
  await ann.page.locator(".compose-bar").waitFor({ state: "detached" });

  // Ben recalls his reply (asked first); both see it gone.
  await (await actionsOf(ben, "a reply")).getByRole("button", { name: "Recall" }).click();
  await ben.page.getByRole("group", { name: "Recall for everyone?" }).getByRole("button", { name: "Recall" }).click();
  for (const person of [ann, ben]) {
    await person.until("the recall", (s) => s.filter((m) => m.text === "Message recalled").length === 2 && !s.some((m) => m.text === "a reply"));
  }
  await shot("recalled", ann, ben);
  return conv;
}
