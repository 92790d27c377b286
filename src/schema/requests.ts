// HTTP bodies and parameters of the routes that add entries other than sends: edits, recalls,
// reactions and group administration (docs/protocol.md "Entries", "Groups").
import { z } from "zod";
import { ConversationChanges, Emoji, SeqRef, UserIdRef } from "./entries.ts";
import { ClientId, Message } from "./messages.ts";
import { Role } from "./roles.ts";
import { chars } from "./text.ts";

export const ConvParams = z.object({ id: z.string().min(1).max(64) });
export const EntryParams = ConvParams.extend({ seq: z.coerce.number().int().min(1) });
export const ReactionParams = EntryParams.extend({ emoji: Emoji });
export const MemberParams = ConvParams.extend({ userId: UserIdRef });

export const EditRequest = z.object({ clientId: ClientId, text: chars(1, 16_000) });
export const RecallRequest = z.object({ clientId: ClientId });
/** PUT/DELETE carry no body: the clientId (optional) comes as a query parameter. */
export const ReactionQuery = z.object({ clientId: ClientId.optional() });
export const ReactionUnchanged = z
  .object({ changed: z.literal(false), target: SeqRef, emoji: z.string(), on: z.boolean() })
  .meta({ id: "ReactionUnchanged", description: "the reaction already stood so: no entry" });

/** The most users one request adds. */
export const MAX_ADD = 500;
const Admin = { clientId: ClientId.optional() };
export const AddMembersRequest = z.object({ ...Admin, users: z.array(UserIdRef).min(1).max(MAX_ADD) });
export const UpdateMemberRequest = z.object({
  ...Admin,
  role: Role.optional(),
  mutedUntil: z.number().int().nullable().optional().meta({ description: "ms; null unmutes" }),
});
export const TransferRequest = z.object({ ...Admin, to: UserIdRef });
export const UpdateConversationRequest = ConversationChanges.extend(Admin);
export const AdminRequest = z.object(Admin);
export const EntryList = z.object({ items: z.array(Message) }).meta({ id: "EntryList" });
