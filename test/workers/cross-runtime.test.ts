// One database, both runtimes: the Worker's local D1 database (a SQLite file that wrangler dev
// keeps under --persist-to) is opened by Bun's libSQL store between two runs of the Worker.
// - drizzle's migration bookkeeping agrees: Bun's migrator finds the Worker's migrations applied;
// - a user registered on Workers (PBKDF2) logs in on Bun, which upgrades the hash to argon2id;
// - a user registered on Bun (argon2id at Bun's default cost) logs in on Workers (pure-JS
//   argon2id in workerd), which replaces the hash with PBKDF2;
// - an access token signed by one runtime is accepted by the other (same JWT_SECRET).
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { argon2Hasher } from "../../src/adapter/bun/password.ts";
import { jwtSigner } from "../../src/auth/jwt.ts";
import { noEvents } from "../../src/core/events.ts";
import { createServices } from "../../src/core/services.ts";
import { createApp } from "../../src/http/app.ts";
import { migrationsFolder } from "../../src/adapter/bun/store.ts";
import { schema } from "../../src/store/schema.ts";
import type { SqlDb } from "../../src/store/sql/db.ts";
import { sqlStore } from "../../src/store/sql-store.ts";
import { call, register } from "../support/api.ts";
import { TEST_JWT_SECRET, tempDataDir } from "../support/target.ts";
import { startWorkers } from "../support/wrangler.ts";

const persist = tempDataDir("parley-shared-d1-");
afterAll(() => persist.remove());

/** The D1 database file of the Worker's DB binding (the one that is not miniflare's metadata). */
function d1File(): string {
  const dir = join(persist.dir, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database in ${dir}`);
  return join(dir, file);
}

/** Bun's stack (libSQL store, argon2id at its default cost) on that file, on a free port. */
async function bunOnD1File(): Promise<{ url: string; client: Client; stop(): Promise<void> }> {
  const client = createClient({ url: `file:${d1File()}` });
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder }); // must find nothing to do
  const services = createServices({
    store: sqlStore(db as unknown as SqlDb),
    hasher: argon2Hasher({ memoryCost: 65_536, timeCost: 2 }),
    tokens: jwtSigner(TEST_JWT_SECRET),
    events: noEvents,
  });
  const server = Bun.serve({ port: 0, fetch: createApp({ services }).fetch });
  return {
    url: server.url.origin,
    client,
    async stop() {
      await server.stop(true);
      client.close();
    },
  };
}

const passwordHash = async (client: Client, username: string) =>
  String((await client.execute({ sql: "SELECT password_hash FROM users WHERE username = ?", args: [username] })).rows[0]?.[0]);

const login = (base: string, username: string, password: string) => call(base, "POST", "/v1/auth/login", { json: { username, password } });

describe("one database, Bun and Workers", () => {
  // default PBKDF2 cost: the real one; the logs in the shared database, as such a deployment has them
  const vars = { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", LOG_PLACEMENT: "shared" };
  let fromWorkers: { username: string; password: string };
  let fromBun: { username: string; password: string; accessToken: string };

  test("register on Workers; log in on Bun, which rehashes to argon2id; register on Bun", async () => {
    const workers = await startWorkers({ persistDir: persist.dir, vars });
    try {
      fromWorkers = await register(workers.url, { password: "registered-on-workers" });
    } finally {
      await workers.stop();
    }

    const bun = await bunOnD1File();
    try {
      expect(await passwordHash(bun.client, fromWorkers.username)).toMatch(/^\$pbkdf2-sha256\$i=100000\$/);
      expect((await login(bun.url, fromWorkers.username, fromWorkers.password)).status).toBe(200);
      expect(await passwordHash(bun.client, fromWorkers.username)).toMatch(/^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
      expect((await login(bun.url, fromWorkers.username, "wrong-password")).status).toBe(401);
      fromBun = await register(bun.url, { password: "registered-on-bun" });
      expect(await passwordHash(bun.client, fromBun.username)).toMatch(/^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
    } finally {
      await bun.stop();
    }
  });

  test("on Workers again: Bun's argon2id users log in, their hashes become PBKDF2; Bun's tokens are accepted", async () => {
    const workers = await startWorkers({ persistDir: persist.dir, vars });
    try {
      // a token Bun signed, for a login Bun stored
      const me = await call(workers.url, "GET", "/v1/me", { token: fromBun.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.username).toBe(fromBun.username);

      expect((await login(workers.url, fromBun.username, "wrong-password")).status).toBe(401);
      let started = performance.now();
      const first = await login(workers.url, fromBun.username, fromBun.password);
      const argon2Login = performance.now() - started;
      expect(first.status).toBe(200);
      started = performance.now();
      expect((await login(workers.url, fromBun.username, fromBun.password)).status).toBe(200);
      const pbkdf2Login = performance.now() - started;
      expect((await login(workers.url, fromWorkers.username, fromWorkers.password)).status).toBe(200); // rehashed by Bun, back again
      console.log(
        `login on workerd: argon2id (m=65536 KiB, t=2, p=1) hash ${Math.round(argon2Login)} ms ` +
          `(verify + PBKDF2 rehash + queries), then PBKDF2 hash ${Math.round(pbkdf2Login)} ms`,
      );
    } finally {
      await workers.stop();
    }
    const client = createClient({ url: `file:${d1File()}` });
    try {
      expect(await passwordHash(client, fromBun.username)).toMatch(/^\$pbkdf2-sha256\$i=100000\$/);
      expect(await passwordHash(client, fromWorkers.username)).toMatch(/^\$pbkdf2-sha256\$i=100000\$/);
    } finally {
      client.close();
    }
  });
});
