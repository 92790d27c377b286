// GET /v1/search (docs/protocol.md "Search"): words, prefixes, phrases and CJK text; filters;
// newest first with a cursor; snippets and highlights; only what the caller may read, never a
// recalled entry, an edited one by its current text only; bad queries are 400s, never 500s.
// The index is filled after the commits, so each test waits for it to find what it sent.
import { describe, expect, test } from "bun:test";
import { call, directConversation, expectError, group, registerMany, sendText, type TestUser } from "../support/api.ts";
import { spawnServer } from "../support/process.ts";
import { targetKinds, tempDataDir, useTarget, onBun } from "../support/target.ts";

const search = (u: TestUser, params: Record<string, string | number>) =>
  u.api.get(`/v1/search?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`);
/** The seqs found once the index has caught up with what was sent (`expected` hits). */
async function found(u: TestUser, params: Record<string, string | number>, expected: number): Promise<any[]> {
  for (let i = 0; ; i++) {
    const res = await search(u, params);
    expect(res.status).toBe(200);
    if (res.body.items.length >= expected || i > 50) return res.body.items;
    await Bun.sleep(50);
  }
}
const texts = (items: any[]) => items.map((h) => h.message.body.text);

for (const kind of targetKinds()) {
  describe(`search [${kind}]`, () => {
    const t = useTarget(kind);

    test("words, prefixes, phrases, accents; CJK inside a run (你好 in 你好世界) and single characters", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      for (const text of ["Hello wonderful world", "help is on the way", "我们说你好世界吧", "Café crème", "world hello"]) await sendText(a, conv, text);
      expect(texts(await found(b, { q: "hello", conv }, 2))).toEqual(["world hello", "Hello wonderful world"]);
      expect(texts(await found(b, { q: "hel*", conv }, 3)).length).toBe(3);
      expect(texts(await found(b, { q: '"hello wonderful"', conv }, 1))).toEqual(["Hello wonderful world"]);
      expect(texts(await found(b, { q: "你好", conv }, 1))).toEqual(["我们说你好世界吧"]);
      expect(texts(await found(b, { q: "你好世界", conv }, 1))).toEqual(["我们说你好世界吧"]);
      expect(texts(await found(b, { q: "界", conv }, 1))).toEqual(["我们说你好世界吧"]);
      expect(texts(await found(b, { q: "cafe", conv }, 1))).toEqual(["Café crème"]);
      expect((await search(b, { q: "你坏", conv })).body.items).toEqual([]);
    });

    test("snippet and highlights: offsets into the snippet of every match", async () => {
      const [a] = (await registerMany(t.url, 1)) as [TestUser];
      const conv = await group(a, []);
      const long = `${"x".repeat(300)} the needle is here and another Needle too ${"y".repeat(300)}`;
      await sendText(a, conv, long);
      const [hit] = await found(a, { q: "needle", conv }, 1);
      expect(hit.snippet.length).toBeLessThanOrEqual(160);
      expect(hit.highlights.length).toBe(2);
      for (const [s, e] of hit.highlights) expect(hit.snippet.slice(s, e).toLowerCase()).toBe("needle");
    });

    test("filters (conv, from, after, before), newest first, and paging with the cursor", async () => {
      const [a, b, c] = (await registerMany(t.url, 3)) as [TestUser, TestUser, TestUser];
      const one = await group(a, [b]);
      const two = await group(a, [b, c]);
      const sent = [];
      for (let i = 0; i < 7; i++) sent.push(await sendText(i % 2 ? b : a, i < 4 ? one : two, `report number ${i}`));
      const all = await found(b, { q: "report" }, 7);
      expect(texts(all)).toEqual(sent.map((m) => m.body.text).reverse());
      expect(texts(await found(b, { q: "report", conv: one }, 4)).length).toBe(4);
      expect(texts(await found(b, { q: "report", from: b.id }, 3))).toEqual(["report number 5", "report number 3", "report number 1"]);
      expect((await search(b, { q: "report", after: sent[4]!.ts - 1 })).body.items.length).toBeGreaterThanOrEqual(3);
      expect((await search(b, { q: "report", before: sent[0]!.ts + 1 })).body.items.map((h: any) => h.message.seq)).toContain(sent[0]!.seq);
      const pages: string[] = [];
      let cursor: string | undefined;
      do {
        const page = (await search(b, { q: "report", limit: 3, ...(cursor ? { cursor } : {}) })).body;
        pages.push(...texts(page.items));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(pages).toEqual(texts(all));
      expectError(await search(b, { q: "report", cursor: "not-a-cursor" }), 400, "invalid_request");
    });

    test("paging across conversations: each visible hit exactly once, newest first, sends of the same millisecond too", async () => {
      const [a, b, c] = (await registerMany(t.url, 3)) as [TestUser, TestUser, TestUser];
      const convs = [await group(a, [b]), await group(a, [b]), await group(c, [a]), await group(a, [b])];
      // Sent at once, so that many share a millisecond (their order is then the index's).
      const sent = await Promise.all(Array.from({ length: 40 }, (_, i) => sendText(i % 4 === 2 ? c : i % 3 ? a : b, convs[i % 4]!, `tally ${i}`)));
      const visible = sent.filter((m) => m.conv !== convs[2]);
      const hidden = visible[7]!;
      expect((await b.api.post(`/v1/conversations/${hidden.conv}/messages/${hidden.seq}/hide`, {})).status).toBe(200);
      await found(a, { q: "tally", limit: 50 }, 40);
      const pages: any[] = [];
      let cursor: string | undefined;
      do {
        const page = (await search(b, { q: "tally", limit: 3, ...(cursor ? { cursor } : {}) })).body;
        expect(page.items.length).toBeLessThanOrEqual(3);
        pages.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const key = (m: { conv: string; seq: number }) => `${m.conv}/${m.seq}`;
      expect(pages.map((h) => key(h.message)).sort()).toEqual(visible.filter((m) => m !== hidden).map(key).sort());
      const times = pages.map((h) => h.message.ts);
      expect(times).toEqual([...times].sort((x, y) => y - x));
      expect(new Set(times).size).toBeLessThan(times.length);
    });

    test("only what the caller may read: not others' conversations, a removed member up to its removal, since_join", async () => {
      const [owner, member, late, stranger] = (await registerMany(t.url, 4)) as [TestUser, TestUser, TestUser, TestUser];
      const conv = await group(owner, [member]);
      await sendText(owner, conv, "secret one");
      await call(t.url, "POST", `/v1/conversations/${conv}/members`, { token: owner.accessToken, json: { users: [late.id] } });
      await sendText(owner, conv, "secret two");
      await owner.api.delete(`/v1/conversations/${conv}/members/${member.id}`);
      await sendText(owner, conv, "secret three");
      expect(texts(await found(owner, { q: "secret" }, 3)).length).toBe(3);
      expect(texts(await found(member, { q: "secret" }, 2))).toEqual(["secret two", "secret one"]);
      expect(texts(await found(late, { q: "secret" }, 2))).toEqual(["secret three", "secret two"]);
      expect((await search(stranger, { q: "secret" })).body.items).toEqual([]);
    });

    test("recalled entries are never found; an edited one only by its current text", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      const gone = await sendText(a, conv, "mistaken identity");
      const fixed = await sendText(a, conv, "teh typo");
      await found(b, { q: "mistaken", conv }, 1);
      await a.api.post(`/v1/conversations/${conv}/messages/${gone.seq}/recall`, { clientId: "r" });
      await a.api.post(`/v1/conversations/${conv}/messages/${fixed.seq}/edit`, { clientId: "e", text: "the fix" });
      await sendText(a, conv, "marker");
      await found(b, { q: "marker", conv }, 1);
      expect((await search(b, { q: "mistaken" })).body.items).toEqual([]);
      expect((await search(b, { q: "teh" })).body.items).toEqual([]);
      const [hit] = await found(b, { q: "fix" }, 1);
      expect(hit.message.seq).toBe(fixed.seq);
      expect(hit.snippet).toBe("the fix");
    });

    test("files and images are found by their caption and file name", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await directConversation(a, b);
      const res = await fetch(`${t.url}/v1/uploads?name=${encodeURIComponent("quarterly-report.pdf")}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${a.accessToken}`, "Content-Type": "application/pdf" },
        body: "%PDF-1.4 not much of a report",
      });
      expect(res.status).toBe(201);
      const upload = (await res.json()) as { id: string };
      const sent = await a.api.post(`/v1/conversations/${conv}/messages`, { clientId: "f", body: { type: "file", upload: upload.id, caption: "numbers for Tuesday" } });
      expect(sent.status).toBe(201);
      const [byCaption] = await found(b, { q: "tuesday", conv }, 1);
      expect(byCaption.message.seq).toBe(sent.body.seq);
      expect(byCaption.snippet).toBe("numbers for Tuesday\nquarterly-report.pdf");
      expect((await found(b, { q: "quarterly", conv }, 1)).map((h) => h.message.seq)).toEqual([sent.body.seq]);
    });

    test("bad queries: empty, only operators or quotes, FTS syntax — 400 or no hits, never 500", async () => {
      const [a] = (await registerMany(t.url, 1)) as [TestUser];
      for (const q of ["", '"', '""', "*", "AND OR", "( ) ^ -", "NEAR(a b)", 'col:"x', "a*b*", "\u0000", "😀"]) {
        const res = await search(a, { q });
        expect([q, res.status === 200 || res.status === 400]).toEqual([q, true]);
        if (res.status === 400) expect(res.body.error.code).toBe("invalid_request");
      }
      expectError(await search(a, { q: "x".repeat(201) }), 400, "invalid_request");
      expectError(await search(a, { q: "x", limit: 500 }), 400, "invalid_request");
    });
  });
}

describe.if(onBun)("search index after a crash [bun, main.ts]", () => {
  test("entries committed but not indexed (SEARCH_INDEX=off, or the process died) are indexed at the next start", async () => {
    const data = tempDataDir("parley-search-");
    let server = await spawnServer(data.dir, { SEARCH_INDEX: "off" });
    try {
      const [a, b, c] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await directConversation(a, b);
      const other = await directConversation(c, b);
      for (let i = 0; i < 30; i++) await sendText(a, conv, `unindexed ${i}`);
      for (let i = 0; i < 5; i++) await sendText(c, other, `elsewhere ${i}`);
      // Edits and recalls caught up in the same step as their targets: the last edit counts, a
      // recalled entry (edited or not) is not found at all.
      const [edited, recalled, editedRecalled] = [await sendText(a, conv, "first draft"), await sendText(a, conv, "regrettable"), await sendText(a, conv, "oops")];
      const act = (seq: number, what: string, body: object) => a.api.post(`/v1/conversations/${conv}/messages/${seq}/${what}`, body);
      await act(edited.seq, "edit", { clientId: "e1", text: "second draft" });
      await act(edited.seq, "edit", { clientId: "e2", text: "final version" });
      await act(recalled.seq, "recall", { clientId: "r1" });
      await act(editedRecalled.seq, "edit", { clientId: "e3", text: "corrected" });
      await act(editedRecalled.seq, "recall", { clientId: "r2" });
      expect((await search(b, { q: "unindexed" })).body.items).toEqual([]);
      await server.stop();
      server = await spawnServer(data.dir);
      const again = { ...b, api: (await import("../support/api.ts")).client(server.url, b.accessToken) };
      expect((await found(again, { q: "unindexed", limit: 50 }, 30)).length).toBe(30);
      expect((await found(again, { q: "elsewhere", limit: 50 }, 5)).map((h) => h.message.conv)).toEqual(Array(5).fill(other));
      const [hit] = await found(again, { q: "version" }, 1);
      expect([hit.message.seq, hit.snippet]).toEqual([edited.seq, "final version"]);
      for (const q of ["draft", "regrettable", "oops", "corrected"]) expect((await search(again, { q })).body.items).toEqual([]);
    } finally {
      await server.stop();
      data.remove();
    }
  });
});
