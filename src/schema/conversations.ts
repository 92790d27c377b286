import { z } from "zod";
import { HistoryRule } from "./entries.ts";
import { Message } from "./messages.ts";
import { Role } from "./roles.ts";

export const CreateConversationRequest = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("direct"), with: z.string().min(1).max(64) }),
  z.object({
    kind: z.literal("group"),
    title: z.string().trim().min(1).max(200),
    members: z.array(z.string().min(1).max(64)).max(5000),
  }),
]);
export type CreateConversationRequest = z.infer<typeof CreateConversationRequest>;

export const Member = z.object({
  userId: z.string(),
  role: Role,
  mutedUntil: z.number().int().nullable().meta({ description: "sends refused until then (ms); null: not muted" }),
});
export const Conversation = z
  .object({
    id: z.string(),
    kind: z.enum(["direct", "group"]),
    title: z.string().nullable(),
    topic: z.string().nullable(),
    avatar: z.string().nullable(),
    onlyAdminsSend: z.boolean(),
    history: HistoryRule.meta({ description: "what a new member reads: from its join (since_join) or everything (all)" }),
    /** dissolved by its owner: readable, never written again */
    dissolved: z.boolean(),
    /** the current members (a removed member is not listed) */
    members: z.array(Member),
    lastSeq: z.number().int(),
    createdAt: z.number().int(),
  })
  .meta({ id: "Conversation" });
export type Conversation = z.infer<typeof Conversation>;

export const ConversationSummary = z
  .object({
    id: z.string(),
    kind: z.enum(["direct", "group"]),
    title: z.string().nullable(),
    lastSeq: z.number().int(),
    readSeq: z.number().int(),
    unread: z.number().int(),
    lastMessage: Message.nullable().meta({ description: "null when there is none, or it is cleared or hidden for the caller" }),
    // the caller's own settings and counters (docs/protocol.md "The conversation list, per user")
    pinned: z.boolean(),
    mutedUntil: z.number().int().nullable(),
    archived: z.boolean(),
    hidden: z.boolean(),
    clearedSeq: z.number().int(),
    mentions: z.number().int(),
  })
  .meta({ id: "ConversationSummary" });
export type ConversationSummary = z.infer<typeof ConversationSummary>;
export const ConversationList = z.object({ items: z.array(ConversationSummary) });

export const ReceiptState = z
  .object({
    items: z.array(z.object({ userId: z.string(), deliveredSeq: z.number().int(), readSeq: z.number().int() })),
  })
  .meta({ id: "Receipts" });
export type ReceiptState = z.infer<typeof ReceiptState>;
