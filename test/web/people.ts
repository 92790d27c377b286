// The cast of the feature flows (contacts.ts, messages.ts, groups.ts), on either runtime: Ann on a
// desktop and Ben on a phone, each in a browser tab of their own, and Cat, who only uses the HTTP
// API (another app, another device). Their display names are plain; the fields the flows write
// (notes, captions, file names, titles) carry the HTML that must stay text.
import type { Browser } from "playwright-core";
import type { Message } from "../../src/client/index.ts";
import { fullHistory } from "../client/helpers.ts";
import { call, client, register, uniqueName, type Client } from "../support/api.ts";
import { DESKTOP, Person, PHONE, type screenshots } from "./browser.ts";
import { PASSWORD } from "./flow.ts";

/** The largest upload the flows' servers take (MAX_UPLOAD_BYTES), to see a too-large file refused. */
export const MAX_UPLOAD_BYTES = 1_000_000;

export interface Account {
  id: string;
  username: string;
  displayName: string;
}

export interface Cast {
  origin: string;
  shot: ReturnType<typeof screenshots>;
  ann: Person;
  ben: Person;
  accounts: { ann: Account; ben: Account; cat: Account };
  /** an API client of a fresh login (access tokens may be short-lived) */
  as(who: "ann" | "ben" | "cat"): Promise<Client>;
  /** the server's log of a conversation, as `who` reads it */
  history(who: "ann" | "ben" | "cat", conv: string): Promise<Message[]>;
}

export async function cast(browser: Browser, origin: string, shot: ReturnType<typeof screenshots>): Promise<Cast> {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const [ann, ben] = await Promise.all([Person.open(browser, "ann", origin, DESKTOP), Person.open(browser, "ben", origin, PHONE)]);
  await ann.signUp(`ann_${tag}`, "Ann", PASSWORD);
  await ben.signUp(`ben_${tag}`, "Ben", PASSWORD);
  const cat = await register(origin, { username: uniqueName("cat"), password: PASSWORD, displayName: "Cat" });
  const me = async (person: Person): Promise<Account> => (await person.savedLogin())!.user;
  const accounts = { ann: await me(ann), ben: await me(ben), cat: { id: cat.id, username: cat.username, displayName: cat.displayName } };
  const as = async (who: keyof typeof accounts) => {
    const res = await call(origin, "POST", "/v1/auth/login", { json: { username: accounts[who].username, password: PASSWORD } });
    return client(origin, res.body.accessToken);
  };
  return { origin, shot, ann, ben, accounts, as, history: async (who, conv) => fullHistory((await as(who)).token!, origin, conv) };
}

/** The conversation open in a page. */
export const openConv = (person: Person) => decodeURIComponent(new URL(person.page.url()).hash.slice("#/c/".length).split("/")[0]!);

/** The message (li) showing `text`. */
export const message = (person: Person, text: string) => person.page.locator(".messages li.msg", { has: person.page.locator(".text", { hasText: text }) });

/** Opens a message's actions (⋯). */
export async function actionsOf(person: Person, text: string) {
  const item = message(person, text);
  await item.getByRole("button", { name: "Message actions" }).click();
  return item.getByRole("group", { name: "Message actions" });
}

/** A file made in the page (canvas), so the preview is a real image: a 320×200 PNG. */
export async function pngBytes(person: Person): Promise<Buffer> {
  const url = await person.page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 320;
    canvas.height = 200;
    const g = canvas.getContext("2d")!;
    const fill = g.createLinearGradient(0, 0, 320, 200);
    fill.addColorStop(0, "#2563eb");
    fill.addColorStop(1, "#0f8a4b");
    g.fillStyle = fill;
    g.fillRect(0, 0, 320, 200);
    g.fillStyle = "#fff";
    g.font = "bold 40px sans-serif";
    g.fillText("Parley", 95, 115);
    return canvas.toDataURL("image/png");
  });
  return Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
}

/** Hands files to the page the way a paste (into the composer) or a drop (on the conversation) does. */
export function pasteOrDrop(person: Person, how: "paste" | "drop", files: { name: string; text: string }[]) {
  return person.page.evaluate(
    ({ how, files }) => {
      const data = new DataTransfer();
      for (const f of files) data.items.add(new File([f.text], f.name, { type: "text/plain" }));
      const init = { bubbles: true, cancelable: true };
      if (how === "paste") document.querySelector(".composer textarea")!.dispatchEvent(new ClipboardEvent("paste", { ...init, clipboardData: data }));
      else document.querySelector(".messages")!.dispatchEvent(new DragEvent("drop", { ...init, dataTransfer: data }));
    },
    { how, files },
  );
}
