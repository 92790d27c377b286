import { expect, test } from "bun:test";
import { newId } from "../../src/core/random.ts";

test("ids are UUIDv7: the version and variant bits, the time in front", () => {
  const id = newId(0x0190_1234_5678);
  expect(id).toMatch(/^01901234-5678-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("ids made later sort after earlier ones, and do not repeat", () => {
  const earlier = Array.from({ length: 100 }, () => newId(1_700_000_000_000));
  const later = Array.from({ length: 100 }, () => newId(1_700_000_000_001));
  expect(new Set([...earlier, ...later]).size).toBe(200);
  for (const a of earlier) for (const b of later) expect(a < b).toBe(true);
});

test("a clock that gives a fraction of a millisecond still makes a well-formed id", () => {
  expect(newId(0x0190_1234_5678 + 0.7)).toMatch(/^01901234-5678-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
