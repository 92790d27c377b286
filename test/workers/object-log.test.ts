// LOG_PLACEMENT=object (src/adapter/workers/conversation-log.ts) under `wrangler dev --persist-to`:
// - 300 concurrent sends over WebSocket and HTTP, every clientId sent twice (once each way):
//   gapless seqs, one entry per clientId, both answers of a clientId the same entry;
// - no write to the shared D1 database while messages are sent and read: the row count of every
//   table is the same before and after (read from wrangler's local D1 file);
// - a send to an id no conversation has leaves no log tables in that id's object;
// - wrangler restarted on the same directory: history, read positions and unread are there;
// - restarted with one more log migration (LOG_TEST_MIGRATION=1): the objects migrate when they
//   wake, the old entries are there, and the new column is filled for old and new entries.
import { Database } from "bun:sqlite";
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { client, group, registerMany, type TestUser } from "../support/api.ts";
import { TEST_JWT_SECRET, tempDataDir } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";
import { startWorkers, type WorkersTarget } from "../support/wrangler.ts";

const VARS = { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", PBKDF2_ITERATIONS: "1000", LOG_PLACEMENT: "object", WS_MAX_IN_FLIGHT: "200" };
const PER_SENDER = 50;

const sockets = new Sockets();
afterEach(() => sockets.closeAll());
const persist = tempDataDir("parley-object-log-");
let w: WorkersTarget | undefined;
afterAll(async () => {
  await w?.stop();
  persist.remove();
});

/** The SQLite files wrangler keeps under --persist-to for a namespace (D1's, or a Durable Object class's). */
function sqliteFiles(folder: string): string[] {
  const dir = join(persist.dir, "v3", ...folder.split("/"));
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")
    .map((f) => join(dir, f));
}

/** Rows of every table of the shared D1 database. */
function d1RowCounts(): Record<string, number> {
  const [file] = sqliteFiles("d1/miniflare-D1DatabaseObject");
  const db = new Database(file!, { readonly: true });
  try {
    const tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").values().flat() as string[];
    return Object.fromEntries(tables.map((t) => [t, Number(db.query(`SELECT count(*) FROM "${t}"`).values()[0]![0])]));
  } finally {
    db.close();
  }
}

/** The user's client on the current server (its port changes with every restart). */
const api = (user: TestUser) => client(w!.url, user.accessToken);

type Msg = { id: string; seq: number; clientId: string; sender: string };

async function wholeLog(user: TestUser, conv: string): Promise<Msg[]> {
  const all: Msg[] = [];
  for (let after = 0; ; ) {
    const res = await api(user).get(`/v1/conversations/${conv}/messages?after=${after}&limit=200`);
    expect(res.status).toBe(200);
    all.push(...res.body.items);
    if (!res.body.hasMore) return all;
    after = res.body.items.at(-1).seq;
  }
}

const listLine = async (user: TestUser, conv: string) => (await api(user).get("/v1/conversations")).body.items.find((c: { id: string }) => c.id === conv);

describe("Workers, the log in each conversation's object", () => {
  let users: TestUser[];
  let conv: string;
  let log: Msg[];
  let before: { receipts: unknown; lines: unknown[] };

  test("300 concurrent sends over WebSocket and HTTP, each clientId twice: seqs 1..150, one entry per clientId, no D1 write", async () => {
    w = await startWorkers({ persistDir: persist.dir, vars: VARS });
    users = await registerMany(w.url, 3);
    conv = await group(users[0]!, users.slice(1));
    const socketsOf = await Promise.all(users.map((u, i) => sockets.hello(w!.url, u.accessToken, { device: `d${i}` })));
    // the object has met its conversation (and the sockets their user objects) before counting
    await Promise.all(users.map((u) => api(u).get(`/v1/conversations/${conv}/messages`)));
    // a send to an id no conversation has: 404, and its object stores nothing (below)
    const nowhere = await api(users[0]!).post(`/v1/conversations/${crypto.randomUUID()}/messages`, { clientId: "x", body: { type: "text", text: "?" } });
    expect(nowhere.status).toBe(404);
    const d1Before = d1RowCounts();

    const sends = users.flatMap((u, i) =>
      Array.from({ length: PER_SENDER }, (_, k) => {
        const clientId = `c-${i}-${k}`;
        const text = `message ${k} of ${i}`;
        return [
          api(u).post(`/v1/conversations/${conv}/messages`, { clientId, body: { type: "text", text } }).then((r) => {
            expect([200, 201]).toContain(r.status);
            return { clientId, sender: u.id, id: r.body.id as string, seq: r.body.seq as number };
          }),
          socketsOf[i]!.sendText(conv, text, clientId).then((ack) => {
            expect(ack.t).toBe("ack");
            return { clientId, sender: u.id, id: ack.id as string, seq: ack.seq as number };
          }),
        ];
      }),
    );
    const answers = await Promise.all(sends.flat());
    expect(answers).toHaveLength(300);
    const unique = users.length * PER_SENDER;
    log = await wholeLog(users[0]!, conv);
    expect(log.map((m) => m.seq)).toEqual(Array.from({ length: unique }, (_, i) => i + 1));
    expect(new Set(log.map((m) => `${m.sender}/${m.clientId}`)).size).toBe(unique);
    const byKey = new Map(log.map((m) => [`${m.sender}/${m.clientId}`, m]));
    for (const a of answers) expect({ id: a.id, seq: a.seq }).toEqual({ id: byKey.get(`${a.sender}/${a.clientId}`)!.id, seq: byKey.get(`${a.sender}/${a.clientId}`)!.seq });

    // read positions and unread move in the object too
    expect((await api(users[1]!).post(`/v1/conversations/${conv}/read`, { seq: 100 })).status).toBe(200);
    expect((await api(users[2]!).post(`/v1/conversations/${conv}/read`, { seq: 40 })).status).toBe(200);
    expect(d1RowCounts()).toEqual(d1Before);

    before = {
      receipts: (await api(users[0]!).get(`/v1/conversations/${conv}/receipts`)).body,
      lines: await Promise.all(users.map((u) => listLine(u, conv))),
    };
    const lines = before.lines as { readSeq: number; unread: number; lastSeq: number }[];
    expect(lines.map((l) => [l.lastSeq, l.readSeq])).toEqual([
      [unique, 0],
      [unique, 100],
      [unique, 40],
    ]);
    expect(lines[0]!.unread).toBe(unique - PER_SENDER); // everyone's but its own
    const othersAfter = (user: TestUser, seq: number) => log.filter((m) => m.seq > seq && m.sender !== user.id).length;
    expect(lines.map((l) => l.unread)).toEqual([othersAfter(users[0]!, 0), othersAfter(users[1]!, 100), othersAfter(users[2]!, 40)]);
  }, 120_000);

  test("restarted on the same directory: history, read positions and unread survive", async () => {
    await w!.stop();
    w = await startWorkers({ persistDir: persist.dir, vars: VARS });
    expect(await wholeLog(users[1]!, conv)).toEqual(log as never);
    expect((await api(users[0]!).get(`/v1/conversations/${conv}/receipts`)).body).toEqual(before.receipts);
    expect(await Promise.all(users.map((u) => listLine(u, conv)))).toEqual(before.lines);
  }, 60_000);

  test("restarted with one more log migration: old entries there, the new column filled for old and new", async () => {
    await w!.stop();
    w = await startWorkers({ persistDir: persist.dir, vars: { ...VARS, LOG_TEST_MIGRATION: "1" } });
    expect(await wholeLog(users[2]!, conv)).toEqual(log as never);
    const res = await api(users[2]!).post(`/v1/conversations/${conv}/messages`, { clientId: "after-migration", body: { type: "text", text: "new" } });
    expect(res.status).toBe(201);
    expect(res.body.seq).toBe(log.length + 1);
    // the objects' own files: one holds a log (the object of the id no conversation has, none),
    // and there the column is, filled for every entry (its default)
    const logs = sqliteFiles("do/parley-ConversationObject").flatMap((file) => {
      const db = new Database(file, { readonly: true });
      try {
        const tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'messages'").all();
        return tables.length === 0 ? [] : [db.query("SELECT seq, test_note FROM messages ORDER BY seq").all() as { seq: number; test_note: string }[]];
      } finally {
        db.close();
      }
    });
    expect(logs).toHaveLength(1);
    const notes = logs[0]!;
    expect(notes).toHaveLength(log.length + 1);
    expect(new Set(notes.map((n) => n.test_note))).toEqual(new Set(["added by migration N+1"]));
  }, 60_000);
});
