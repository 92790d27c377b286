import { z } from "zod";

/** Characters as PROTOCOL.md (and JSON Schema's minLength/maxLength) count them: code points. */
export function codePoints(s: string): number {
  // UTF-16 units less one per surrogate pair (what `for…of` would count, without an iterator:
  // every text frame's body is counted)
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * A string of `min`-`max` characters. zod's own min/max count UTF-16 code units, so an emoji
 * would count twice: "8 characters" of emoji would need 16. The max(2 × max) bound first keeps
 * the count cheap on hostile input; meta keeps the documented lengths exact.
 */
export const chars = (min: number, max: number, base: z.ZodString = z.string()) =>
  base
    .max(max * 2, `at most ${max} characters`)
    .refine((s) => {
      const n = codePoints(s);
      return n >= min && n <= max;
    }, `${min}-${max} characters`)
    .meta({ minLength: min, maxLength: max });

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Most text has no surrogate at all: a plain scan for one spares the lookaround pattern.
const wellFormed = (s: string) => !SURROGATE.test(s) || !LONE_SURROGATE.test(s);

/**
 * Whether every string in a parsed JSON value (keys too) is well-formed UTF-16: no lone surrogate.
 * JSON may carry one as an escape (`"\ud800"`); stored, SQLite's JSON functions turn it into
 * invalid UTF-8, which the libSQL driver cannot read back (it aborts the process). Walked without
 * recursion: the depth of a hostile body is bounded only by its size.
 */
export function wellFormedJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (!wellFormed(v)) return false;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (typeof v === "object" && v !== null) {
      for (const [k, inner] of Object.entries(v)) {
        if (!wellFormed(k)) return false;
        stack.push(inner);
      }
    }
  }
  return true;
}

/** Only a `\u` escape can put a lone surrogate into parsed JSON: text without one needs no walk. */
export const mayHoldLoneSurrogate = (jsonText: string): boolean => jsonText.includes("\\u") || !wellFormed(jsonText);

export const LONE_SURROGATE_MESSAGE = "strings must be well-formed Unicode (a lone surrogate such as \\ud800 is not)";
