// PROTOCOL.md "Messages": seq is 1, 2, 3 ... with no gaps and no reuse, "even with several
// server processes", and a clientId never yields a second message. Hammered in parallel, within
// one process and across two `bun src/adapter/bun/main.ts` processes sharing one database file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { call, client, directConversation, group, register, registerMany, type TestUser } from "../support/api.ts";
import { spawnServer, type ServerProcess } from "../support/process.ts";
import { targetKinds, tempDataDir, useTarget, onBun } from "../support/target.ts";

type Msg = { id: string; seq: number; clientId: string; sender: string; body: { text: string } };

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Every message of a conversation, paging with `after`. */
async function wholeLog(user: TestUser, conv: string): Promise<Msg[]> {
  const all: Msg[] = [];
  for (let after = 0; ; ) {
    const res = await user.api.get(`/v1/conversations/${conv}/messages?after=${after}&limit=200`);
    expect(res.status).toBe(200);
    all.push(...res.body.items);
    if (!res.body.hasMore) return all;
    after = res.body.items.at(-1).seq;
  }
}

function expectGapless(responses: { status: number; body: Msg }[], log: Msg[], n: number) {
  expect(responses.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
  expect(responses.map((r) => r.body.seq).sort((x, y) => x - y)).toEqual(range(n));
  expect(new Set(responses.map((r) => r.body.id)).size).toBe(n);
  expect(log.map((m) => m.seq)).toEqual(range(n));
  // what each sender was told is what the log holds
  const byId = new Map(log.map((m) => [m.id, m]));
  for (const r of responses) expect(byId.get(r.body.id)).toEqual(r.body);
}

for (const kind of targetKinds()) {
  describe(`concurrent sends, one server [${kind}]`, () => {
    const t = useTarget(kind);

    test("300 parallel sends from 3 members: seqs exactly 1..300", async () => {
      const [a, b, c] = (await registerMany(t.url, 3)) as TestUser[];
      const conv = await group(a!, [b!, c!]);
      const senders = [a!, b!, c!];
      const responses = await Promise.all(
        range(300).map((i) =>
          senders[i % 3]!.api.post(`/v1/conversations/${conv}/messages`, { clientId: `p-${i}`, body: { type: "text", text: `#${i}` } }),
        ),
      );
      expectGapless(responses, await wholeLog(a!, conv), 300);
      expect((await a!.api.get(`/v1/conversations/${conv}`)).body.lastSeq).toBe(300);
    });

    test("parallel sends into several conversations keep separate gapless logs", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as TestUser[];
      const convs = [await directConversation(a!, b!), await group(a!, [b!], "g1"), await group(b!, [a!], "g2")];
      const responses = await Promise.all(
        range(150).map((i) =>
          (i % 2 ? a! : b!).api.post(`/v1/conversations/${convs[i % 3]}/messages`, { clientId: `m-${i}`, body: { type: "text", text: "x" } }),
        ),
      );
      for (const [k, conv] of convs.entries()) {
        const mine = responses.filter((r) => r.body.conv === conv);
        expect(mine).toHaveLength(50);
        expectGapless(mine, await wholeLog(a!, conv), 50);
        expect(k).toBeLessThan(3);
      }
    });

    test("parallel duplicates of each clientId: one message and one 201 per clientId, all answers alike", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as TestUser[];
      const conv = await directConversation(a!, b!);
      const ids = range(40).map((i) => `dup-${i}`);
      const responses = await Promise.all(
        ids.flatMap((cid) =>
          range(5).map((k) =>
            a!.api.post(`/v1/conversations/${conv}/messages`, { clientId: cid, body: { type: "text", text: `${cid} attempt ${k}` } }),
          ),
        ),
      );
      for (const cid of ids) {
        const mine = responses.filter((r) => r.body.clientId === cid);
        expect(mine.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
        expect(new Set(mine.map((r) => JSON.stringify(r.body))).size).toBe(1);
      }
      const log = await wholeLog(a!, conv);
      expect(log.map((m) => m.seq)).toEqual(range(40));
      expect(new Set(log.map((m) => m.clientId)).size).toBe(40);
    });
  });
}

describe.if(onBun)("two server processes on one database file [bun]", () => {
  const data = tempDataDir("parley-2proc-");
  let one: ServerProcess;
  let two: ServerProcess;
  beforeAll(async () => {
    // The first one creates the schema; start the second once it stands.
    one = await spawnServer(data.dir);
    two = await spawnServer(data.dir);
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    data.remove();
  });

  test("both serve the same data", async () => {
    const a = await register(one.url);
    const me = await client(two.url, a.accessToken).get("/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(a.id);
    expect(await call(two.url, "POST", "/v1/auth/register", { json: { username: a.username, password: "password1" } }).then((r) => r.status)).toBe(409);
  });

  test("400 parallel sends split across both processes: seqs exactly 1..400, no duplicates, no gaps", async () => {
    const a = await register(one.url);
    const b = await register(two.url);
    const conv = await directConversation(a, b);
    const viaOne = [client(one.url, a.accessToken), client(one.url, b.accessToken)];
    const viaTwo = [client(two.url, a.accessToken), client(two.url, b.accessToken)];
    const n = 400;
    const responses = await Promise.all(
      range(n).map((i) => {
        const api = (i % 2 ? viaOne : viaTwo)[Math.floor(i / 2) % 2]!;
        return api.post(`/v1/conversations/${conv}/messages`, { clientId: `x-${i}`, body: { type: "text", text: `#${i}` } });
      }),
    );
    const failed = responses.filter((r) => r.status !== 201);
    if (failed.length) throw new Error(`${failed.length} sends failed, e.g. ${failed[0]!.status} ${failed[0]!.text}\n${one.output().slice(-2000)}`);
    // read the log through both processes: they must agree
    const logOne = await wholeLog(a, conv);
    const logTwo = await wholeLog({ ...b, api: client(two.url, b.accessToken) }, conv);
    expectGapless(responses, logOne, n);
    expect(logTwo).toEqual(logOne);
    expect(new Set(logOne.map((m) => m.clientId)).size).toBe(n);
  });

  test("the same clientIds sent through both processes at once: one message each", async () => {
    const a = await register(one.url);
    const b = await register(one.url);
    const conv = await directConversation(a, b);
    const apis = [client(one.url, a.accessToken), client(two.url, a.accessToken)];
    const ids = range(50).map((i) => `both-${i}`);
    const responses = await Promise.all(
      ids.flatMap((cid) => range(4).map((k) => apis[k % 2]!.post(`/v1/conversations/${conv}/messages`, { clientId: cid, body: { type: "text", text: `${k}` } }))),
    );
    expect(responses.filter((r) => r.status >= 300).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    for (const cid of ids) {
      const mine = responses.filter((r) => r.body.clientId === cid);
      expect(mine.filter((r) => r.status === 201)).toHaveLength(1);
      expect(new Set(mine.map((r) => r.body.id)).size).toBe(1);
      expect(new Set(mine.map((r) => r.body.seq)).size).toBe(1);
    }
    const log = await wholeLog(a, conv);
    expect(log.map((m) => m.seq)).toEqual(range(50));
  });

  test("a direct conversation created from both processes at once exists once", async () => {
    const a = await register(one.url);
    const b = await register(two.url);
    const results = await Promise.all(
      range(10).map((i) =>
        i % 2
          ? client(one.url, a.accessToken).post("/v1/conversations", { kind: "direct", with: b.id })
          : client(two.url, b.accessToken).post("/v1/conversations", { kind: "direct", with: a.id }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(9);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });
});

describe.if(onBun)("durability [bun, main.ts]", () => {
  const data = tempDataDir("parley-crash-");
  afterAll(() => data.remove());

  test("every acknowledged message survives a SIGKILL of the server process", async () => {
    const first = await spawnServer(data.dir);
    let conv: string;
    let a: TestUser;
    let acked: { status: number; body: Msg }[];
    try {
      a = await register(first.url);
      const b = await register(first.url);
      conv = await directConversation(a, b);
      acked = await Promise.all(
        range(100).map((i) => a.api.post(`/v1/conversations/${conv}/messages`, { clientId: `k-${i}`, body: { type: "text", text: `#${i}` } })),
      );
      expect(acked.every((r) => r.status === 201)).toBe(true);
      expect((await a.api.post(`/v1/conversations/${conv}/read`, { seq: 100 })).status).toBe(200);
    } finally {
      first.proc.kill("SIGKILL");
      await first.proc.exited;
    }
    const second = await spawnServer(data.dir);
    try {
      const again = { ...a, api: client(second.url, a.accessToken) };
      const log = await wholeLog(again, conv);
      expectGapless(acked, log, 100);
      // the login and the read marker survived too
      expect((await again.api.get("/v1/conversations")).body.items[0]).toMatchObject({ id: conv, lastSeq: 100, readSeq: 100 });
    } finally {
      await second.stop();
    }
  });
});
