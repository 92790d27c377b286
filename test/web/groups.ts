// A group in the browser: names of people a page never met come from GET /v1/users?ids=; Ann
// mentions Ben and Cat with the keyboard (suggestions: Esc closes, Enter and Tab pick) and
// everyone with @all, and Ben sees the mentions of him marked; then the group's info: a rename
// (with HTML: text), a role, a removal and an addition, Ben leaving, Ann closing it.
import { expect } from "bun:test";
import { INJECTION, type Person } from "./browser.ts";
import { message, openConv, type Cast } from "./people.ts";

const options = (person: Person) => person.page.getByRole("listbox", { name: "Mention someone" }).getByRole("option");
const change = (person: Person, text: string) => person.page.locator(".change", { hasText: text }).waitFor();

async function groupInfo(person: Person) {
  await person.page.getByRole("button", { name: "Group info" }).click();
  return person.page.getByRole("dialog", { name: "Group info" });
}

export async function groupsFlow({ ann, ben, accounts, as, history, shot }: Cast): Promise<void> {
  await ann.createGroup("Crew", [accounts.ben.username, accounts.cat.username]);
  const conv = openConv(ann);

  // Cat writes from another app. Ben's page has never seen Cat: it asks the server for the name.
  const cat = await as("cat");
  expect((await cat.post(`/v1/conversations/${conv}/messages`, { clientId: "cat-1", body: { type: "text", text: "hello from Cat" } })).status).toBe(201);
  await ben.page.getByRole("link", { name: "Back to conversations" }).click();
  await ben.page.locator(".conv-item .conv-preview", { hasText: "Cat: hello from Cat" }).click();
  await ben.opened("Crew");
  await ben.page.locator(".msg .sender", { hasText: "Cat" }).waitFor();
  expect(await ben.page.locator(".conv-status").textContent()).toBe("3 members, 2 online");

  // Ann mentions with the keyboard: "@b" suggests Ben (Esc closes it), "@be" + Enter picks him, "@c" + Tab Cat.
  await ann.page.getByRole("textbox", { name: "Message Crew" }).focus();
  await ann.page.keyboard.type("hi @b");
  await options(ann).filter({ hasText: "Ben" }).waitFor();
  await ann.page.keyboard.press("Escape");
  await options(ann).first().waitFor({ state: "detached" });
  await ann.opened("Crew"); // Esc closed the suggestions, not the chat
  await ann.page.keyboard.type("e");
  await options(ann).filter({ hasText: "Ben" }).waitFor();
  await shot("mention-suggestions", ann);
  await ann.page.keyboard.press("Enter");
  await ann.page.keyboard.type("and @c");
  expect(await options(ann).count()).toBe(1);
  await ann.page.keyboard.press("Tab");
  await ann.page.keyboard.type("look");
  const text = `hi @${accounts.ben.username} and @${accounts.cat.username} look`;
  expect(await ann.page.getByRole("textbox", { name: "Message Crew" }).inputValue()).toBe(text);
  await ann.page.keyboard.press("Enter");
  // the owner may mention everyone
  await ann.page.keyboard.type("@al");
  await options(ann).filter({ hasText: "Everyone in this group" }).waitFor();
  await ann.page.keyboard.press("Enter");
  await ann.page.keyboard.type("meeting");
  await ann.page.keyboard.press("Enter");

  await message(ben, "meeting").locator("mark", { hasText: "@all" }).waitFor();
  await message(ben, text).locator("mark", { hasText: `@${accounts.ben.username}` }).waitFor();
  expect(await message(ben, text).getAttribute("class")).toContain("mentioned");
  expect(await message(ann, text).getAttribute("class")).not.toContain("mentioned");
  const sent = (await history("ann", conv)).slice(-2).map((m) => m.body);
  expect(sent).toEqual([
    { type: "text", text, mentions: expect.arrayContaining([accounts.ben.id, accounts.cat.id]) },
    { type: "text", text: "@all meeting", mentions: ["all"] },
  ]);
  await shot("mentions", ann, ben);

  // The group's info: Ann renames it, makes Ben an admin, removes Cat (asked first) and adds her back.
  const info = await groupInfo(ann);
  await info.getByLabel("Group name").fill(`Crew ${INJECTION}`);
  await info.getByRole("button", { name: "Rename" }).click();
  await ben.opened(`Crew ${INJECTION}`);
  await info.getByLabel("Role of Ben").selectOption("admin");
  await change(ben, "Ann made you an admin");
  await info.getByRole("button", { name: "Remove Cat" }).click();
  await info.getByRole("group", { name: "Remove Cat?" }).getByRole("button", { name: "Remove" }).click();
  await change(ben, "Ann removed Cat");
  await info.getByText("Add members").click();
  await info.getByRole("searchbox", { name: "Username" }).fill(accounts.cat.username);
  await info.locator(`[data-username="${accounts.cat.username}"]`).click();
  await change(ben, "Ann added Cat");
  await shot("group-info", ann);
  await ann.page.keyboard.press("Escape");
  await info.waitFor({ state: "detached" });

  // Ben, an admin now, may add and remove members; he leaves.
  const benInfo = await groupInfo(ben);
  await benInfo.getByText("Add members").waitFor();
  await benInfo.getByRole("button", { name: "Remove Cat" }).waitFor();
  expect(await benInfo.getByRole("button", { name: "Remove Ann" }).count()).toBe(0);
  await shot("group-info-admin", ben);
  await benInfo.getByRole("button", { name: "Leave the group" }).click();
  await benInfo.getByRole("group", { name: "Leave this group?" }).getByRole("button", { name: "Leave" }).click();
  await ben.page.getByText("You are no longer a member of this group.").waitFor();
  await change(ann, "Ben left");
  await change(ben, "You left");

  // Ann closes the group: nobody writes in it again.
  const last = await groupInfo(ann);
  await last.getByRole("button", { name: "Close the group" }).click();
  await last.getByRole("group", { name: /^Close it for everyone/ }).getByRole("button", { name: "Close the group" }).click();
  await ann.page.getByText("This group was closed.").waitFor();
  await change(ann, "You closed the group");
  await shot("group-closed", ann, ben);
  expect((await cat.post(`/v1/conversations/${conv}/messages`, { clientId: "cat-2", body: { type: "text", text: "late" } })).body.error.code).toBe("conversation_closed");
  for (const person of [ann, ben]) expect(await person.injected()).toEqual({ images: 0, ran: null });
}
