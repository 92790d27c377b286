// The web app driven in Debian's Chromium (playwright-core, no browser download): one browser per
// test file, one context per person (own localStorage, own tab), and a screenshot of every step
// under test-results/web/<run>/ (named in the README).
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

const root = fileURLToPath(new URL("../..", import.meta.url));
export const SCREENSHOTS = join(root, "test-results", "web");

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // a fresh profile per launch (playwright's own temp user-data-dir), nothing from the network
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

/** A phone (360 px wide) or a desktop window. */
export const PHONE = { width: 360, height: 740 } as const;
export const DESKTOP = { width: 1100, height: 720 } as const;

/** Numbered screenshots of one run, in a folder emptied first. */
export function screenshots(run: string) {
  const dir = join(SCREENSHOTS, run);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (step: string, ...pages: Person[]) => {
    n++;
    for (const person of pages) {
      await person.page.screenshot({ path: join(dir, `${String(n).padStart(2, "0")}-${step}-${person.name}.png`) });
    }
  };
}

/** What one message on screen shows: seq (none while pending), clientId, text, tick state. */
export interface Shown {
  seq: number | null;
  clientId: string;
  text: string;
  mine: boolean;
  state: string | null;
}

/** One person in the app: a browser context (tab) of their own, and what went wrong in it. */
export class Person {
  readonly problems: string[] = [];
  /** token pairs the page got from POST /v1/auth/refresh (rotations) */
  refreshes = 0;

  constructor(
    readonly name: string,
    readonly page: Page,
    readonly origin: string,
  ) {
    page.on("pageerror", (e) => this.problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      // a refused connection while the server is down is expected; anything else is a finding
      if (m.type() === "error" && !/ERR_CONNECTION_REFUSED|WebSocket connection|Failed to load resource/.test(m.text())) {
        this.problems.push(`console: ${m.text()}`);
      }
    });
    page.on("response", (r) => {
      if (r.url().endsWith("/v1/auth/refresh") && r.status() === 200) this.refreshes++;
    });
    page.on("request", (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith(origin.replace(/^http/, "ws"))) this.problems.push(`request elsewhere: ${r.url()}`);
    });
  }

  static async open(browser: Browser, name: string, origin: string, viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport });
    // below the tests' own timeouts, so that a step that never comes fails with its name
    context.setDefaultTimeout(10_000);
    const person = new Person(name, await context.newPage(), origin);
    await person.page.goto(origin + "/");
    return person;
  }

  async signUp(username: string, displayName: string, password: string): Promise<void> {
    const page = this.page;
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Display name").fill(displayName);
    await page.getByLabel("Password").fill(password);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "New chat" }).waitFor();
  }

  async logIn(username: string, password: string): Promise<void> {
    await this.page.getByLabel("Username").fill(username);
    await this.page.getByLabel("Password").fill(password);
    await this.page.keyboard.press("Enter");
    await this.page.getByRole("button", { name: "New chat" }).waitFor();
  }

  /** The login the page keeps for reloads. */
  savedLogin(): Promise<{ refreshToken: string; user: { id: string; username: string; displayName: string } } | null> {
    return this.page.evaluate(() => JSON.parse(localStorage.getItem("parley:login") ?? "null"));
  }

  /** Opens (or reopens) the direct chat with `username`, keyboard only. */
  async startDirect(username: string, displayName: string): Promise<void> {
    await this.page.getByRole("button", { name: "New chat" }).click();
    // the dialog opens on the search field
    await this.page.waitForFunction(() => document.activeElement?.matches("dialog input[type=search]"));
    await this.page.keyboard.type(username);
    const result = this.page.locator(`[data-username="${username}"]`);
    await result.focus();
    await this.page.keyboard.press("Enter");
    await this.opened(displayName);
  }

  /** Waits until the conversation called `title` is the one on screen. */
  async opened(title: string): Promise<void> {
    await this.page.waitForFunction((title) => document.getElementById("conversation-title")?.textContent === title, title);
  }

  async createGroup(title: string, usernames: string[]): Promise<void> {
    await this.page.getByRole("button", { name: "New group" }).click();
    await this.page.getByLabel("Group name").fill(title);
    for (const username of usernames) {
      await this.page.locator("dialog").getByRole("searchbox", { name: "Username" }).fill(username);
      await this.page.locator(`[data-username="${username}"]`).click();
    }
    await this.page.getByRole("button", { name: "Create group" }).click();
    await this.opened(title);
  }

  /** Types into the composer and presses Enter. */
  async send(text: string): Promise<void> {
    const box = this.page.getByRole("textbox", { name: /^Message / });
    await box.fill(text);
    await box.press("Enter");
  }

  /** The open conversation's messages as shown, top to bottom. */
  shown(): Promise<Shown[]> {
    return this.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>(".messages li.msg")].map((li) => ({
        seq: li.dataset.seq ? Number(li.dataset.seq) : null,
        clientId: li.dataset.clientId ?? "",
        text: li.querySelector(".text")?.textContent ?? "",
        mine: li.classList.contains("mine"),
        state: li.querySelector<HTMLElement>("[data-state]")?.dataset.state ?? null,
      })),
    );
  }

  /** Waits until `check` holds for what the open conversation shows. */
  async until(what: string, check: (shown: Shown[]) => boolean, timeoutMs = 10_000): Promise<Shown[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = await this.shown();
      if (check(shown)) return shown;
      if (Date.now() > deadline) {
        throw new Error(`${this.name}: ${what} not within ${timeoutMs} ms; shown: ${JSON.stringify(shown.slice(-8))}\n${this.problems.join("\n")}`);
      }
      await Bun.sleep(50);
    }
  }

  /** Elements or script an injected `<img onerror>` would have made (the app's own image previews aside). */
  injected(): Promise<{ images: number; ran: unknown }> {
    return this.page.evaluate(() => ({
      images: document.querySelectorAll("img:not(img.preview[data-upload])").length,
      ran: (window as { __pwned?: unknown }).__pwned ?? null,
    }));
  }
}

/** An `<img onerror>` that would count its runs in window.__pwned if it ever became HTML. */
export const INJECTION = `<img src=x onerror="window.__pwned=(window.__pwned||0)+1">`;
