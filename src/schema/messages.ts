// Entries of a conversation's log as the API shows them ("messages": what the contract calls the
// message object, whatever the entry's kind), their pages, and sends.
import { z } from "zod";
import { Edited, EntryBody, ReactionCount, SendBody } from "./entries.ts";

export const ClientId = z.string().min(1).max(128);
export const Seq = z.number().int().min(0);

export const Message = z
  .object({
    id: z.string(),
    conv: z.string(),
    seq: z.number().int(),
    /** who acted: the author of a content entry, the editor, the admin who added members, ... */
    sender: z.string(),
    ts: z.number().int(),
    clientId: z.string(),
    body: EntryBody,
    // The folded state of a content entry at the time of the answer (history pages, sync, resume);
    // absent on live pushes and on other entries.
    edited: Edited.optional(),
    recalled: z.literal(true).optional(),
    reactions: z.array(ReactionCount).optional(),
  })
  .meta({ id: "Message" });
export type Message = z.infer<typeof Message>;

export const SendRequest = z.object({ clientId: ClientId, body: SendBody });

/** The most items one page of history holds. */
export const MAX_PAGE = 200;
/**
 * The most bytes of stored message bodies one page holds (at least one message): a page of 200
 * messages of 16,000 four-byte characters would be 12.8 MB. A page cut short says hasMore.
 */
export const MAX_PAGE_BYTES = 1024 * 1024;

export const HistoryQuery = z
  .object({
    after: z.coerce.number().int().min(0).optional(),
    before: z.coerce.number().int().min(1).optional(),
    // PROTOCOL.md: "at most limit (default 50, at most 200)". A larger limit is capped rather
    // than refused, so a client asking for "everything" still gets the first 200 and hasMore.
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .default(50)
      .transform((n) => Math.min(n, MAX_PAGE))
      .meta({ description: `page size, default 50; values above ${MAX_PAGE} are capped at ${MAX_PAGE}` }),
  })
  .refine((q) => q.after === undefined || q.before === undefined, {
    message: "use either after or before, not both",
    path: ["before"],
  });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const MessagePage = z
  .object({ items: z.array(Message), hasMore: z.boolean() })
  .meta({ id: "MessagePage" });
export type MessagePage = z.infer<typeof MessagePage>;

export const ReadRequest = z.object({ seq: Seq });
export const ReadResponse = z.object({ readSeq: z.number().int(), unread: z.number().int() });
