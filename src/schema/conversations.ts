import { z } from "zod";
import { Message } from "./messages.ts";

export const Role = z.enum(["owner", "admin", "member"]);
export type Role = z.infer<typeof Role>;

export const CreateConversationRequest = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("direct"), with: z.string().min(1).max(64) }),
  z.object({
    kind: z.literal("group"),
    title: z.string().trim().min(1).max(200),
    members: z.array(z.string().min(1).max(64)).max(5000),
  }),
]);
export type CreateConversationRequest = z.infer<typeof CreateConversationRequest>;

export const Member = z.object({ userId: z.string(), role: Role });
export const Conversation = z
  .object({
    id: z.string(),
    kind: z.enum(["direct", "group"]),
    title: z.string().nullable(),
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
    lastMessage: Message.nullable(),
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
