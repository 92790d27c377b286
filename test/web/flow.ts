// The chat flow both runtimes must pass in the browser: two people sign up, find each other,
// chat live, ticks move to read, typing shows, a group reads "read by 1", a reload keeps the
// session and the history; display names, a group title and messages carrying HTML stay text.
import { expect } from "bun:test";
import type { Browser } from "playwright-core";
import { DESKTOP, INJECTION, Person, PHONE, type screenshots } from "./browser.ts";

export const PASSWORD = "correct horse battery";
/** Bob's reply: two lines (Shift+Enter) */
export const REPLY = "Hello Alice\nHow are you?";

export interface Chatting {
  alice: Person;
  bob: Person;
  usernames: { alice: string; bob: string };
}

export async function chatFlow(browser: Browser, origin: string, shot: ReturnType<typeof screenshots>): Promise<Chatting> {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const usernames = { alice: `alice_${tag}`, bob: `bob_${tag}` };
  const names = { alice: `Alice ${INJECTION}`, bob: "Bob" };
  const [alice, bob] = await Promise.all([
    Person.open(browser, "alice", origin, DESKTOP),
    Person.open(browser, "bob", origin, PHONE),
  ]);
  await shot("login", alice, bob);

  // Sign up; Alice's display name carries HTML.
  await alice.signUp(usernames.alice, names.alice, PASSWORD);
  await bob.signUp(usernames.bob, names.bob, PASSWORD);
  await shot("signed-up", alice, bob);

  // Alice finds Bob and writes; one message carries HTML.
  await alice.startDirect(usernames.bob, names.bob);
  await alice.send("Hi Bob 👋");
  await alice.send(INJECTION);
  await alice.until("both sent", (s) => s.length === 2 && s.every((m) => m.seq !== null && m.state !== "sending"));
  await bob.page.locator(".conv-item .badge", { hasText: "2" }).waitFor();
  await shot("unread-badge", alice, bob);

  // Bob finds Alice: the same conversation opens, and reading it turns Alice's ticks to read.
  await bob.startDirect(usernames.alice, names.alice);
  const seen = await bob.until("Alice's messages", (s) => s.length === 2);
  expect(seen.map((m) => [m.seq, m.text, m.mine])).toEqual([
    [1, "Hi Bob 👋", false],
    [2, INJECTION, false],
  ]);
  await alice.until("ticks read", (s) => s.every((m) => m.state === "read"));
  await shot("read", alice, bob);

  // Typing shows on the other side, then the message arrives live.
  await bob.page.getByRole("textbox", { name: /^Message / }).pressSequentially("Hello Ali");
  await alice.page.locator(".typing", { hasText: "Bob is typing…" }).waitFor();
  await shot("typing", alice, bob);
  // as a person would (the app takes a typing frame under 200 ms old to be about the next message)
  await Bun.sleep(300);
  await bob.page.getByRole("textbox", { name: /^Message / }).pressSequentially("ce");
  await bob.page.keyboard.press("Shift+Enter"); // a new line, not a send
  await bob.page.keyboard.type("How are you?");
  await bob.page.keyboard.press("Enter");
  await alice.until("Bob's reply", (s) => s.at(-1)?.text === REPLY && !s.at(-1)!.mine);
  await alice.page.locator(".typing", { hasText: /^$/ }).waitFor();
  await bob.until("Bob's reply read", (s) => s.at(-1)?.state === "read");
  await alice.page.locator(".conv-status", { hasText: "online" }).waitFor();

  // A reload keeps the login, the open conversation and its history.
  const before = await alice.shown();
  await alice.page.reload();
  const after = await alice.until("history after reload", (s) => JSON.stringify(s) === JSON.stringify(before)).catch(() => alice.shown());
  expect(after).toEqual(before);
  await shot("reloaded", alice);


  // A group whose title carries HTML: Bob reads it, Alice sees "Read by 1".
  await alice.page.getByRole("button", { name: "New group" }).click();
  await alice.page.getByLabel("Group name").waitFor();
  await alice.page.keyboard.press("Escape"); // closes the dialog
  await alice.page.locator("dialog[open]").waitFor({ state: "detached" });
  await alice.createGroup(`Team ${INJECTION}`, [usernames.bob]);
  await alice.send("group hello");
  await bob.page.keyboard.press("Escape"); // back to the list, on the conversation left
  await bob.page.waitForFunction(() => document.activeElement?.classList.contains("conv-item"));
  await bob.page.locator(".conv-item", { hasText: "group hello" }).click();
  await bob.opened(`Team ${INJECTION}`);
  await bob.until("the group message", (s) => s.at(-1)?.text === "group hello");
  await alice.page.getByLabel("Read by 1").waitFor();
  await shot("group", alice, bob);

  for (const person of [alice, bob]) {
    expect(await person.injected()).toEqual({ images: 0, ran: null });
  }
  await expect(alice.page.locator(".conv-title", { hasText: `Team ${INJECTION}` }).count()).resolves.toBe(1);
  await expect(bob.page.locator(".conv-title", { hasText: names.alice }).count()).resolves.toBe(1);
  for (const person of [alice, bob]) expect(person.problems).toEqual([]);
  return { alice, bob, usernames };
}
