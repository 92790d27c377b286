// Each user's own view of their conversations (docs/protocol.md "The conversation list, per
// user"): settings, clearing, hidden entries, unread and mention counters, and the list's filters.
// Defined once for the server, the SDK and the OpenAPI document.
import { z } from "zod";
import { Seq } from "./messages.ts";

/** The latest time a mute may run to (ms): year 9999, so "muted forever" is a date like any other. */
export const MAX_MUTED_UNTIL = 253_402_300_799_999;
/** Entries one user may hide in one conversation; clearing up to a seq is the way past that. */
export const MAX_HIDDEN_PER_CONVERSATION = 1000;

export const ConversationSettings = z
  .object({
    conv: z.string(),
    pinned: z.boolean(),
    mutedUntil: z.number().int().nullable().meta({ description: "muted until then (ms); null: not muted" }),
    archived: z.boolean(),
    /** out of the list until the next content entry from someone else */
    hidden: z.boolean(),
    /** history up to this seq is gone for this user (0: nothing cleared) */
    clearedSeq: z.number().int(),
    readSeq: z.number().int(),
    /** content entries from others after readSeq, less cleared and hidden ones */
    unread: z.number().int(),
    /** those of `unread` that mention this user or all */
    mentions: z.number().int(),
  })
  .meta({ id: "ConversationSettings" });
export type ConversationSettings = z.infer<typeof ConversationSettings>;

export const SettingsRequest = z
  .strictObject({
    pinned: z.boolean().optional(),
    mutedUntil: z.number().int().min(0).max(MAX_MUTED_UNTIL).nullable().optional().meta({ description: "ms; null unmutes" }),
    archived: z.boolean().optional(),
    hidden: z.boolean().optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), { message: "change at least one setting" });
export type SettingsRequest = z.infer<typeof SettingsRequest>;

export const ClearRequest = z.strictObject({ seq: Seq });

/** What a query parameter says: "true" or "false" (a bare z.coerce.boolean() would take "false" as true). */
const Flag = z.enum(["true", "false"]).transform((v) => v === "true");

export const ListQuery = z.object({
  archived: Flag.optional().meta({ description: "true: only archived conversations; false: none of them; absent: both" }),
  unread: Flag.optional().meta({ description: "true: only those with unread entries; false: only those without" }),
  hidden: Flag.default(false).meta({ description: "true: only hidden conversations (default false: none of them)" }),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const UnreadTotals = z
  .object({
    total: z.number().int().meta({ description: "unread entries, muted, archived and hidden conversations left out" }),
    conversations: z.number().int().meta({ description: "conversations with any of them" }),
  })
  .meta({ id: "UnreadTotals" });
export type UnreadTotals = z.infer<typeof UnreadTotals>;

/** The `settings` frame: the settings as they are now; `hiddenSeq` when an entry was just hidden. */
export const SettingsChange = ConversationSettings.extend({ hiddenSeq: z.number().int().optional() });
export type SettingsChange = z.infer<typeof SettingsChange>;
