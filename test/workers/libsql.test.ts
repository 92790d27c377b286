// The Worker on a libSQL server (DATABASE_URL, as with Turso in production) instead of D1:
// @libsql/client/web over HTTP from workerd, migrations through it, the message log under
// parallel sends, and a Bun server (src/adapter/bun/store.ts) sharing that database. The server is
// test/workers/support/hrana-server.ts, a small Hrana-over-HTTP server on a SQLite file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import journal from "../../drizzle/meta/_journal.json";
import { argon2Hasher } from "../../src/adapter/bun/password.ts";
import { jwtSigner } from "../../src/auth/jwt.ts";
import { noEvents } from "../../src/core/events.ts";
import { createServices } from "../../src/core/services.ts";
import { createApp } from "../../src/http/app.ts";
import { openLibsql } from "../../src/adapter/bun/store.ts";
import { call, directConversation, registerMany, sendText, type TestUser } from "../support/api.ts";
import { TEST_JWT_SECRET, tempDataDir } from "../support/target.ts";
import { startWorkers, type WorkersTarget } from "../support/wrangler.ts";
import { startHranaServer, type HranaServer } from "./support/hrana-server.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("Workers on libSQL (DATABASE_URL)", () => {
  const data = tempDataDir("parley-libsql-");
  const file = join(data.dir, "server.db");
  let sqld: HranaServer;
  let w: WorkersTarget;
  let a: TestUser;
  let b: TestUser;

  beforeAll(async () => {
    sqld = startHranaServer(file);
    w = await startWorkers({
      // the log in that database too: the deployment that mixes Bun nodes and Workers
      vars: { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", PBKDF2_ITERATIONS: "1000", DATABASE_URL: sqld.url, DATABASE_AUTH_TOKEN: "test-token", LOG_PLACEMENT: "shared" },
    });
    [a, b] = (await registerMany(w.url, 2)) as [TestUser, TestUser];
  });
  afterAll(async () => {
    await w?.stop();
    await sqld?.stop();
    data.remove();
  });

  test("the Worker migrated the libSQL database, with drizzle's bookkeeping, and sent the auth token", () => {
    expect([...sqld.authorizations]).toEqual(["Bearer test-token"]);
    const db = new Database(file, { readonly: true });
    try {
      const tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").values().flat();
      expect(tables).toEqual(expect.arrayContaining(["__drizzle_migrations", "conversations", "members", "messages", "users"]));
      expect(db.query("SELECT count(*) FROM __drizzle_migrations").values()).toEqual([[journal.entries.length]]);
    } finally {
      db.close();
    }
  });

  test("100 parallel sends and 20 duplicates among them: seq 1..100, one message per clientId", async () => {
    const conv = await directConversation(a, b);
    const sends = range(100).map((i) => (i % 2 ? a : b).api.post(`/v1/conversations/${conv}/messages`, { clientId: `c-${i}`, body: { type: "text", text: `#${i}` } }));
    const again = range(20).map((i) => (i % 2 ? a : b).api.post(`/v1/conversations/${conv}/messages`, { clientId: `c-${i}`, body: { type: "text", text: "again" } }));
    const responses = await Promise.all([...sends, ...again]);
    expect(responses.filter((r) => r.status !== 201 && r.status !== 200).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(100);
    const history = await a.api.get(`/v1/conversations/${conv}/messages?after=0&limit=200`);
    const log = history.body.items as { seq: number; clientId: string }[];
    expect(log.map((m) => m.seq)).toEqual(range(100));
    expect(new Set(log.map((m) => m.clientId)).size).toBe(100);
    // whichever of a clientId's two sends came first, both were answered with the stored message
    const stored = new Map(log.map((m) => [m.clientId, m]));
    for (const r of responses) expect(r.body).toEqual(stored.get(r.body.clientId));
  });

  test("a Bun server on the same libSQL database: its migrator has nothing to do, and the users log in there", async () => {
    const { store, client } = await openLibsql({ url: sqld.url, authToken: "test-token", dataDir: data.dir, synchronous: "NORMAL" });
    const services = createServices({
      store,
      hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
      tokens: jwtSigner(TEST_JWT_SECRET),
      events: noEvents,
    });
    const server = Bun.serve({ port: 0, fetch: createApp({ services }).fetch });
    try {
      const db = new Database(file, { readonly: true });
      expect(db.query("SELECT count(*) FROM __drizzle_migrations").values()).toEqual([[journal.entries.length]]); // Bun's migrator added nothing
      db.close();
      const res = await call(server.url.origin, "POST", "/v1/auth/login", { json: { username: a.username, password: a.password } });
      expect(res.status).toBe(200);
      // and what one runtime writes, the other reads
      const conv = await directConversation(a, b);
      const sent = await sendText(a, conv, "from workers");
      const seen = await call(server.url.origin, "GET", `/v1/conversations/${conv}/messages?after=${sent.seq - 1}`, { token: res.body.accessToken });
      expect(seen.body.items.map((m: { body: { text: string } }) => m.body.text)).toEqual(["from workers"]);
    } finally {
      await server.stop(true);
      client.close();
    }
  });
});
