// Hostile values for the fuzz tests (fast-check): the shapes a broken or malicious client sends.
// FUZZ_RUNS multiplies every test's run count (default 1: the whole fuzz suite stays well under
// a minute in npm test; e.g. FUZZ_RUNS=20 for a long run).
import fc from "fast-check";

export const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env.FUZZ_RUNS ?? 1)));

/** Strings at the edges of Unicode and JSON: lone surrogates, NUL, RTL, emoji, long runs. */
export const edgyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }), // lone surrogates included
  fc.constantFrom("", "\u0000", "\ud800", "\udfff", "\u202e", "😀".repeat(9000), "x".repeat(70_000), "__proto__", "constructor", "%00", "../.."),
);

/** Numbers JSON can carry that a schema may not expect. */
export const edgyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, -1, 2 ** 53, -(2 ** 53), 1e308, -1e308, 0.5, Number.MAX_SAFE_INTEGER + 2),
);

/** Any JSON value, strings and numbers included from the edges above. */
export const edgyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    edgyString,
    edgyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(edgyString, tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** A JSON text nested `depth` deep (arrays or objects). */
export const deeplyNested = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth)));

/**
 * Variants of a well-formed object: itself, one field of another type or missing, an extra
 * field, or its JSON text truncated; as the text to send.
 */
export function mutated(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> {
  return valid.chain((obj) => {
    const keys = Object.keys(obj);
    const asText = (o: unknown) => JSON.stringify(o);
    // an object without fields has none to retype or drop
    const perField =
      keys.length === 0
        ? []
        : [
            fc.tuple(fc.constantFrom(...keys), edgyJson).map(([k, v]) => asText({ ...obj, [k]: v })),
            fc.constantFrom(...keys).map((k) => asText(Object.fromEntries(Object.entries(obj).filter(([key]) => key !== k)))),
          ];
    return fc.oneof(
      fc.constant(asText(obj)),
      ...perField,
      fc.tuple(edgyString, edgyJson).map(([k, v]) => asText({ ...obj, [k]: v })),
      fc.nat().map((n) => asText(obj).slice(0, n % Math.max(1, asText(obj).length))),
    );
  });
}
