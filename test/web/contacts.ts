// Contacts in the browser: Ann asks Ben to be friends with a note (carrying HTML: it stays text),
// Ben sees it live and accepts, both lists follow; Ann takes back a request to Cat, declines
// Cat's request to her, blocks and unblocks Cat; and opens the chat with Ben from her friends.
import { expect } from "bun:test";
import { INJECTION, type Person } from "./browser.ts";
import type { Cast } from "./people.ts";

const contacts = (person: Person) => person.page.getByRole("dialog", { name: "Contacts" });
const list = (person: Person, title: string) => contacts(person).getByRole("region", { name: title });

async function openContacts(person: Person): Promise<void> {
  await person.page.getByRole("button", { name: /^Contacts/ }).click();
  await contacts(person).waitFor();
}

/** Finds someone by username in the open Contacts dialog and picks them. */
async function pick(person: Person, username: string): Promise<void> {
  await contacts(person).getByRole("searchbox", { name: "Username" }).fill(username);
  await contacts(person).locator(`[data-username="${username}"]`).click();
}

export async function contactsFlow({ ann, ben, accounts, as, shot }: Cast): Promise<void> {
  // Ann asks Ben, with a note.
  await openContacts(ann);
  await pick(ann, accounts.ben.username);
  await ann.page.getByLabel("Note").fill(`hi Ben ${INJECTION}`);
  await ann.page.getByRole("button", { name: "Send friend request" }).click();
  await list(ann, "Your requests").getByText("Ben", { exact: true }).waitFor();

  // Ben's page learns of it live (a contact frame): the button counts it, the list shows the note.
  await ben.page.getByRole("button", { name: "Contacts, 1 friend request" }).waitFor();
  await openContacts(ben);
  const request = list(ben, "Friend requests to you").getByRole("listitem");
  await request.filter({ hasText: "Ann" }).filter({ hasText: `hi Ben ${INJECTION}` }).waitFor();
  await shot("friend-request", ann, ben);
  await request.getByRole("button", { name: "Accept" }).click();
  for (const person of [ann, ben]) await list(person, "Friends").getByRole("listitem").waitFor();
  await list(ann, "Friends").getByText("Ben", { exact: true }).waitFor();
  await list(ben, "Friends").getByText("Ann", { exact: true }).waitFor();
  await list(ann, "Your requests").getByText("None waiting for an answer.").waitFor();
  await ben.page.getByRole("button", { name: "Contacts", exact: true }).waitFor();

  // Ann asks Cat and takes it back; Cat (another app) asks Ann, and Ann declines.
  await pick(ann, accounts.cat.username);
  await ann.page.getByRole("button", { name: "Send friend request" }).click();
  await list(ann, "Your requests").getByRole("button", { name: "Take back" }).click();
  await list(ann, "Your requests").getByText("None waiting for an answer.").waitFor();
  const cat = await as("cat");
  expect((await cat.post("/v1/friends/requests", { to: accounts.ann.id, note: "from Cat" })).status).toBe(201);
  const fromCat = list(ann, "Friend requests to you").getByRole("listitem").filter({ hasText: "from Cat" });
  await fromCat.getByRole("button", { name: "Decline" }).click();
  await list(ann, "Friend requests to you").getByText("None waiting.").waitFor();
  expect((await cat.get("/v1/friends/requests?direction=out")).body.items).toEqual([]);

  // Ann blocks Cat (asked first), then lifts it.
  await pick(ann, accounts.cat.username);
  await list(ann, "Add a friend").getByRole("button", { name: "Block" }).click();
  await contacts(ann).getByRole("group", { name: "Block Cat?" }).getByRole("button", { name: "Block" }).click();
  await list(ann, "Blocked").getByText("Cat", { exact: true }).waitFor();
  expect((await cat.post("/v1/friends/requests", { to: accounts.ann.id })).body.error.code).toBe("blocked");
  await shot("contacts", ann, ben);
  await list(ann, "Blocked").getByRole("button", { name: "Unblock" }).click();
  await list(ann, "Blocked").getByText("Nobody.").waitFor();

  for (const person of [ann, ben]) expect(await person.injected()).toEqual({ images: 0, ran: null });
  await ben.page.keyboard.press("Escape");
  // From her friends, Ann opens the chat with Ben.
  await list(ann, "Friends").getByRole("button", { name: "Chat" }).click();
  await ann.opened("Ben");
}
