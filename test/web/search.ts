// Search in the browser: an old message under 60 newer ones, which Ben's page (reloaded) does not
// hold; his search shows it with the match marked, and picking it opens the chat there, the pages
// in between read back, each message once. Snippets carrying HTML stay text; Esc clears a search.
import { expect } from "bun:test";
import { INJECTION } from "./browser.ts";
import { message, type Cast } from "./people.ts";

const CONTENT = new Set(["text", "file", "image", "recalled"]);

export async function searchFlow({ ann, ben, as, history, shot }: Cast, conv: string): Promise<void> {
  const other = await as("ann"); // Ann's other device
  const post = async (clientId: string, text: string) =>
    expect((await other.post(`/v1/conversations/${conv}/messages`, { clientId, body: { type: "text", text } })).status).toBe(201);
  await post("needle", "the Needle in the haystack");
  await post("html", `pwned? ${INJECTION}`);
  for (let i = 1; i <= 60; i++) await post(`hay-${i}`, `hay ${i}`);

  await ben.page.getByRole("link", { name: "Back to conversations" }).click();
  await ben.page.reload();
  const search = ben.page.getByRole("searchbox", { name: "Search messages" });
  await search.fill("needle");
  const hit = ben.page.getByRole("list", { name: "Search results" }).getByRole("link");
  await hit.locator("mark", { hasText: "Needle" }).waitFor();
  expect(await hit.count()).toBe(1);
  expect(await hit.locator(".hit-snippet").textContent()).toBe("the Needle in the haystack");
  await shot("search", ben);
  await hit.click();
  await ben.opened("Ann");
  const found = message(ben, "the Needle in the haystack");
  await found.and(ben.page.locator(".found")).waitFor();
  expect(await found.evaluate((li) => {
    const box = li.closest(".messages")!.getBoundingClientRect();
    const at = li.getBoundingClientRect();
    return at.top >= box.top && at.bottom <= box.bottom;
  })).toBe(true);
  await shot("search-opened", ben);

  const needle = (await ben.shown()).find((m) => m.text === "the Needle in the haystack")!.seq!;
  const shown = (await ben.shown()).map((m) => m.seq).filter((seq) => seq !== null && seq >= needle);
  const logged = (await history("ben", conv)).filter((m) => CONTENT.has(m.body.type) && m.seq >= needle).map((m) => m.seq);
  expect(shown).toEqual(logged);

  // HTML in a snippet is text; Esc clears the search and the conversations are back.
  const box = ann.page.getByRole("searchbox", { name: "Search messages" });
  await box.fill("pwned");
  await ann.page.getByRole("list", { name: "Search results" }).locator("mark", { hasText: "pwned" }).first().waitFor();
  expect(await ann.page.getByRole("list", { name: "Search results" }).locator(".hit-snippet").first().textContent()).toBe(`pwned? ${INJECTION}`);
  expect(await ann.injected()).toEqual({ images: 0, ran: null });
  await box.press("Escape");
  await ann.page.locator(".conv-list").waitFor();
  expect(await box.inputValue()).toBe("");
}
