// GET /v1/search (docs/protocol.md "Search").
import { z } from "zod";
import { Message } from "./messages.ts";

export const SearchQuery = z.object({
  q: z.string().min(1).max(200).meta({ description: 'words, "quoted phrases" and word* prefixes; all must be found' }),
  conv: z.string().min(1).max(64).optional(),
  from: z.string().min(1).max(64).optional().meta({ description: "the sender's user id" }),
  after: z.coerce.number().int().min(0).optional().meta({ description: "entries sent after this time (ms)" }),
  before: z.coerce.number().int().min(0).optional().meta({ description: "entries sent before this time (ms)" }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(200).optional().meta({ description: "nextCursor of the previous page" }),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchHit = z.object({
  message: Message,
  /** the entry's current text, or a window of it around the first match */
  snippet: z.string(),
  highlights: z.array(z.tuple([z.number().int(), z.number().int()])).meta({ description: "[start, end) offsets into snippet" }),
});
export const SearchPage = z.object({ items: z.array(SearchHit), nextCursor: z.string().nullable() }).meta({ id: "SearchPage" });
export type SearchPage = z.infer<typeof SearchPage>;
