// The Workers hasher (src/adapter/workers/password.ts), run here on Bun: PBKDF2 for new hashes,
// and Bun's argon2 PHC hashes (Bun.password) verified in pure JS. The same code verifies under
// workerd in cross-runtime.test.ts.
import { describe, expect, test } from "bun:test";
import { argon2Hasher } from "../../src/adapter/bun/password.ts";
import { argon2Verify, parseArgon2, workersHasher } from "../../src/adapter/workers/password.ts";

describe("Workers password hasher", () => {
  test("hashes with PBKDF2-SHA256 at 100,000 iterations, and verifies its own hashes", async () => {
    const hasher = workersHasher();
    const hash = await hasher.hash("correct horse");
    expect(hash).toMatch(/^\$pbkdf2-sha256\$i=100000\$/);
    expect(await hasher.verify("correct horse", hash)).toEqual({ ok: true, rehash: false });
    expect(await hasher.verify("wrong horse", hash)).toEqual({ ok: false, rehash: false });
  });

  test("a hash with fewer iterations than configured verifies and asks for a rehash", async () => {
    const cheap = await workersHasher(1000).hash("pw-12345678");
    expect(await workersHasher(1000).verify("pw-12345678", cheap)).toEqual({ ok: true, rehash: false });
    expect(await workersHasher().verify("pw-12345678", cheap)).toEqual({ ok: true, rehash: true });
    expect(() => workersHasher(100_001)).toThrow();
  });

  test("verifies argon2id made by Bun.password with Bun's default cost (m=65536 KiB, t=2, p=1) and asks for a rehash", async () => {
    const hash = await Bun.password.hash("correct horse", { algorithm: "argon2id" });
    expect(parseArgon2(hash)).toMatchObject({ variant: "argon2id", version: 0x13, m: 65536, t: 2, p: 1 });
    const started = performance.now();
    expect(await workersHasher().verify("correct horse", hash)).toEqual({ ok: true, rehash: true });
    console.log(`argon2id m=65536 t=2 p=1 verify in pure JS on Bun: ${Math.round(performance.now() - started)} ms`);
  });

  test("argon2id, argon2i and argon2d at other costs; wrong passwords fail", async () => {
    for (const algorithm of ["argon2id", "argon2i", "argon2d"] as const) {
      const hash = await Bun.password.hash("pässwörd ✓", { algorithm, memoryCost: 1024, timeCost: 3 });
      expect(argon2Verify("pässwörd ✓", hash)).toBe(true);
      expect(argon2Verify("passwörd ✓", hash)).toBe(false);
    }
  });

  test("malformed, unknown or too costly hashes never verify", async () => {
    const hasher = workersHasher();
    const good = await Bun.password.hash("pw-12345678", { algorithm: "argon2id", memoryCost: 1024, timeCost: 1 });
    for (const bad of [
      "",
      "plain text",
      "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", // bcrypt
      good.replace("argon2id", "argon2x"),
      good.replace(/m=\d+/, "m=abc"),
      good.slice(0, good.lastIndexOf("$")), // no hash part
      good.replace(/\$[^$]+$/, "$!!!"),
      good.replace(/m=\d+/, "m=1048576"), // 1 GiB: over the limit, refused before any work
      "$pbkdf2-sha256$i=200000$AAAA$AAAA",
    ]) {
      expect(await hasher.verify("pw-12345678", bad)).toEqual({ ok: false, rehash: false });
    }
  });

  test("Bun's hasher verifies a Workers PBKDF2 hash and asks to upgrade it to argon2id", async () => {
    const hash = await workersHasher().hash("pw-12345678");
    const bun = argon2Hasher({ memoryCost: 1024, timeCost: 1 });
    expect(await bun.verify("pw-12345678", hash)).toEqual({ ok: true, rehash: true });
    expect((await bun.verify("wrong-password", hash)).ok).toBe(false);
  });
});
