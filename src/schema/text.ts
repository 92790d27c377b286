import { z } from "zod";

/** Characters as PROTOCOL.md (and JSON Schema's minLength/maxLength) count them: code points. */
export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
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
