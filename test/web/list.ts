// Ann's own conversation list on two pages of hers (the desktop one and a second, phone-sized,
// login): what one page pins, mutes, archives, reads, clears, hides (a message, a conversation)
// shows on the other at once; pinned ones come first and are marked, a mention is marked, a
// muted one's badge is subdued, archived ones are a list of their own, and the total unread (the
// title and the header) leaves muted and archived ones out as GET /v1/unread does. A reload of
// both keeps all of it. Cat writes from the API.
import { expect } from "bun:test";
import { Person, PHONE } from "./browser.ts";
import { PASSWORD } from "./flow.ts";
import { actionsOf, message, type Cast } from "./people.ts";

interface Row {
  title: string;
  pinned: boolean;
  muted: boolean;
  mention: boolean;
  unread: number;
  subdued: boolean;
}

/** The flow's conversations (the earlier flows' groups left out): two of Cat's groups, and Ann's chat with Ben. */
const TITLES = { club: "Book club", garden: "Garden", ben: "Ben" };

/** The list on screen, top to bottom, of those conversations. */
const rows = (person: Person, titles = Object.values(TITLES)): Promise<Row[]> =>
  person.page.evaluate(
    (titles) =>
      [...document.querySelectorAll<HTMLElement>(".conv-row")]
        .map((li) => ({
          title: li.querySelector(".conv-title")?.textContent ?? "",
          pinned: !!li.querySelector(".mark.pin"),
          muted: !!li.querySelector(".mark.muted-mark"),
          mention: !!li.querySelector(".mark.mention"),
          unread: Number(li.querySelector(".badge")?.textContent ?? 0),
          subdued: !!li.querySelector(".badge.subdued"),
        }))
        .filter((row) => titles.includes(row.title)),
    titles,
  );

/** Waits until `person`'s list shows exactly `expected` (of those titles). */
async function listShows(person: Person, expected: Row[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await rows(person);
    if (JSON.stringify(shown) === JSON.stringify(expected)) return;
    if (Date.now() > deadline) throw new Error(`${person.name}: list not ${JSON.stringify(expected)}; shown: ${JSON.stringify(shown)}\n${person.problems.join("\n")}`);
    await Bun.sleep(50);
  }
}

const row = (title: string, marks: Partial<Row> = {}): Row => ({ title, pinned: false, muted: false, mention: false, unread: 0, subdued: false, ...marks });
const menuOf = (person: Person, title: string) => person.page.getByRole("group", { name: `Options for ${title}` });

export async function listFlow({ ann, accounts, as, shot, origin }: Cast, direct: string): Promise<void> {
  const cat = await as("cat");
  const annApi = await as("ann");
  const ben = await as("ben");
  const create = async (title: string, members: string[]) => (await cat.post("/v1/conversations", { kind: "group", title, members })).body.id as string;
  const say = async (conv: string, text: string, mentions?: string[]) =>
    expect((await cat.post(`/v1/conversations/${conv}/messages`, { clientId: crypto.randomUUID(), body: { type: "text", text, mentions } })).status).toBe(201);

  // Ann's desktop page shows the list; her phone logs in as a second device.
  await ann.page.evaluate(() => (location.hash = "#/"));
  const club = await create("Book club", [accounts.ann.id, accounts.ben.id]);
  const garden = await create("Garden", [accounts.ann.id]);
  await say(club, "chapter one");
  await say(club, `@${accounts.ann.username} what do you think?`, [accounts.ann.id]);
  await say(garden, "tomatoes");
  expect((await ben.post(`/v1/conversations/${direct}/messages`, { clientId: "list-ping", body: { type: "text", text: "ping from Ben" } })).status).toBe(201);
  const phone = await Person.open(ann.page.context().browser()!, "ann-phone", origin, PHONE);
  await phone.logIn(accounts.ann.username, PASSWORD);

  const titles = TITLES;
  const totals = async (total: number) => {
    for (const page of [ann, phone]) {
      await page.page.waitForFunction((t) => document.title === t, total ? `(${total}) Parley` : "Parley");
      if (total) await page.page.locator(".sidebar-header .total", { hasText: String(total) }).waitFor();
    }
    expect((await annApi.get("/v1/unread")).body.total).toBe(total);
  };
  for (const page of [ann, phone]) {
    await listShows(page, [row(titles.ben, { unread: 1 }), row(titles.garden, { unread: 1 }), row(titles.club, { unread: 2, mention: true })]);
  }
  await totals(4);
  await shot("list-unread", ann, phone);

  // The phone pins Garden, keyboard only: the desktop shows it first, marked, at once.
  await phone.page.getByRole("button", { name: `Options for ${titles.garden}` }).focus();
  await phone.page.keyboard.press("Enter");
  await phone.page.waitForFunction(() => document.activeElement?.textContent === "Pin");
  await phone.page.keyboard.press("Enter");
  for (const page of [ann, phone]) {
    await listShows(page, [row(titles.garden, { pinned: true, unread: 1 }), row(titles.ben, { unread: 1 }), row(titles.club, { unread: 2, mention: true })]);
  }
  await shot("list-pinned", ann, phone);

  // The desktop mutes the Book club for an hour: the phone shows it muted, its badge subdued, and
  // the totals leave it out.
  await ann.page.getByRole("button", { name: `Options for ${titles.club}` }).click();
  await menuOf(ann, titles.club).getByRole("button", { name: "Mute for 1 hour" }).click();
  for (const page of [ann, phone]) {
    await listShows(page, [row(titles.garden, { pinned: true, unread: 1 }), row(titles.ben, { unread: 1 }), row(titles.club, { unread: 2, mention: true, muted: true, subdued: true })]);
  }
  await totals(2);
  const muted = (await annApi.get(`/v1/conversations/${club}/settings`)).body.mutedUntil;
  expect(muted - Date.now()).toBeGreaterThan(3_500_000);

  // The phone archives the chat with Ben: it leaves the desktop's list for "Archived (1)".
  await phone.page.getByRole("button", { name: `Options for ${titles.ben}` }).click();
  await shot("list-menu", phone);
  await menuOf(phone, titles.ben).getByRole("button", { name: "Archive" }).click();
  for (const page of [ann, phone]) {
    await listShows(page, [row(titles.garden, { pinned: true, unread: 1 }), row(titles.club, { unread: 2, mention: true, muted: true, subdued: true })]);
    await page.page.getByRole("button", { name: "Archived (1)" }).waitFor();
  }
  await totals(1);
  await ann.page.getByRole("button", { name: "Archived (1)" }).click();
  await listShows(ann, [row(titles.ben, { unread: 1 })]);
  expect(await rows(ann, [titles.garden, titles.club])).toEqual([]);
  await shot("list-archived", ann, phone);
  await ann.page.getByRole("button", { name: "Archived (1)", pressed: true }).click();

  // The desktop reads Garden: the phone's badge and totals clear at once.
  await ann.page.locator(".conv-item", { hasText: titles.garden }).click();
  await ann.opened(titles.garden);
  await listShows(phone, [row(titles.garden, { pinned: true }), row(titles.club, { unread: 2, mention: true, muted: true, subdued: true })]);
  await totals(0);

  // Both open the Book club (read there); the phone, back in the list, clears its history: the
  // desktop's open conversation empties at once, and both previews say so.
  await ann.page.locator(".conv-item", { hasText: titles.club }).click();
  await ann.until("the club's messages", (s) => s.length === 2);
  await listShows(phone, [row(titles.garden, { pinned: true }), row(titles.club, { muted: true })]);
  await phone.page.getByRole("button", { name: `Options for ${titles.club}` }).click();
  await menuOf(phone, titles.club).getByRole("button", { name: "Clear history" }).click();
  await menuOf(phone, titles.club).getByRole("group", { name: "Clear the history for you?" }).getByRole("button", { name: "Clear" }).click();
  await ann.until("the club cleared", (s) => s.length === 0);
  for (const page of [ann, phone]) await page.page.locator(".conv-row", { hasText: titles.club }).locator(".conv-preview", { hasText: "No messages yet" }).waitFor();
  expect((await annApi.get(`/v1/conversations/${club}/messages`)).body.items).toEqual([]);

  // Cat writes two more; the phone hides one for Ann only: gone from the desktop at once.
  await say(club, "keep me");
  await say(club, "hide me");
  await ann.until("the new ones", (s) => s.map((m) => m.text).join() === "keep me,hide me");
  await phone.page.locator(".conv-item", { hasText: titles.club }).click();
  await phone.until("the new ones", (s) => s.length === 2);
  await (await actionsOf(phone, "hide me")).getByRole("button", { name: "Hide for me" }).click();
  for (const page of [ann, phone]) await page.until("one hidden", (s) => s.map((m) => m.text).join() === "keep me");
  await message(ann, "hide me").waitFor({ state: "detached" });
  for (const page of [ann, phone]) await page.page.locator(".conv-row", { hasText: titles.club }).locator(".conv-preview", { hasText: "hide me" }).waitFor({ state: "detached" });
  await shot("list-entry-hidden", ann, phone);
  expect((await annApi.get(`/v1/conversations/${club}/messages`)).body.items.map((m: { body: { text: string } }) => m.body.text)).toEqual(["keep me"]);
  await phone.page.getByRole("link", { name: "Back to conversations" }).click();

  // The desktop hides Garden: out of both lists; Cat's next message brings it back to both.
  await ann.page.getByRole("button", { name: `Options for ${titles.garden}` }).click();
  await menuOf(ann, titles.garden).getByRole("button", { name: "Hide" }).click();
  for (const page of [ann, phone]) await listShows(page, [row(titles.club, { muted: true })]);
  await say(garden, "weeds");
  const final = [row(titles.garden, { pinned: true, unread: 1 }), row(titles.club, { muted: true })];
  for (const page of [ann, phone]) await listShows(page, final);
  await totals(1);
  await shot("list-back", ann, phone);

  // A reload of both keeps the order, the marks, the archived one and the totals.
  await Promise.all([ann.page.reload(), phone.page.reload()]);
  for (const page of [ann, phone]) {
    await listShows(page, final);
    await page.page.getByRole("button", { name: "Archived (1)" }).waitFor();
  }
  await totals(1);
  await shot("list-reloaded", ann, phone);

  // A message that comes live while the desktop reads its list again (a message in a group it
  // does not know yet makes it read the list), the list's answer read on the server before the
  // message: the message stays counted once that older answer has come.
  let fetched!: () => void;
  const listRead = new Promise<void>((resolve) => (fetched = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let answered!: () => void;
  const listAnswered = new Promise<void>((resolve) => (answered = resolve));
  await ann.page.route(
    (url) => url.pathname === "/v1/conversations",
    async (route) => {
      if (route.request().method() !== "GET") return route.continue();
      const response = await route.fetch();
      fetched();
      await released;
      await route.fulfill({ response });
      answered();
    },
    { times: 1 },
  );
  await say(await create("Late group", [accounts.ann.id]), "welcome");
  await listRead;
  await say(garden, "while the list is read");
  const later = [row(titles.garden, { pinned: true, unread: 2 }), row(titles.club, { muted: true })];
  await listShows(ann, later);
  release();
  await listAnswered;
  for (const until = Date.now() + 1_000; Date.now() < until; await Bun.sleep(50)) expect(await rows(ann)).toEqual(later);
  expect(phone.problems).toEqual([]);
  await phone.page.context().close();
}
