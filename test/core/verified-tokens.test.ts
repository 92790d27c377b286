// The verified-token cache on its own (src/auth/verified-tokens.ts): a token is answered from it
// until its exp and not after, and it holds at most its cap (the oldest goes).
import { expect, test } from "bun:test";
import { VerifiedTokens } from "../../src/auth/verified-tokens.ts";

const claims = (n: number) => ({ userId: `u${n}`, loginId: `l${n}` });

test("answered until exp (seconds), then forgotten", () => {
  let now = 1_000_000;
  const cache = new VerifiedTokens(10, () => now);
  cache.add("t", claims(1), 1_005);
  expect(cache.get("t")).toEqual(claims(1));
  now = 1_004_999;
  expect(cache.get("t")).toEqual(claims(1));
  now = 1_005_000;
  expect(cache.get("t")).toBeUndefined();
  expect(cache.size).toBe(0);
  expect(cache.get("never seen")).toBeUndefined();
});

test("at most maxEntries: the oldest makes room", () => {
  const cache = new VerifiedTokens(3, () => 0);
  for (let n = 1; n <= 5; n++) cache.add(`t${n}`, claims(n), 60);
  expect(cache.size).toBe(3);
  expect(cache.get("t1")).toBeUndefined();
  expect(cache.get("t2")).toBeUndefined();
  expect(cache.get("t5")).toEqual(claims(5));
});
