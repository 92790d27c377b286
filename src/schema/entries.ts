// What a conversation's log holds: every change is an entry with its own seq (docs/protocol.md
// "Entries"). Content entries are what people write; actions change an earlier content entry;
// membership entries change the conversation itself. What a client may send is narrower than
// what an entry may be (SendBody vs EntryBody): actions and membership changes come from their
// own routes, and the server adds what it knows (an upload's name and size, a scrubbed recall).
import { z } from "zod";
import { Role } from "./roles.ts";
import { chars } from "./text.ts";

export const UserIdRef = z.string().min(1).max(64);
export const SeqRef = z.number().int().min(1);

/** The most mentions one text may carry (a mention marks the entry for each user named). */
export const MAX_MENTIONS = 50;

// ---- content ---------------------------------------------------------------------------------

export const TextBody = z.object({
  type: z.literal("text"),
  text: chars(1, 16_000),
  replyTo: SeqRef.optional().meta({ description: "the seq of an entry of the same conversation" }),
  mentions: z
    .array(UserIdRef)
    .min(1)
    .max(MAX_MENTIONS)
    .optional()
    .meta({ description: 'members mentioned, or ["all"] (admins and the owner only)' }),
});
export type TextBody = z.infer<typeof TextBody>;

const UploadRef = z.string().min(1).max(64).meta({ description: "the id of the sender's upload (POST /v1/uploads)" });
const Caption = chars(1, 4_000);
/** A file as a client sends it: the server adds what it knows of the upload. */
export const FileSendBody = z.object({ type: z.literal("file"), upload: UploadRef, caption: Caption.optional() });
/** An image (PNG, JPEG, GIF or WebP, as sniffed from its bytes). */
export const ImageSendBody = z.object({ type: z.literal("image"), upload: UploadRef, caption: Caption.optional() });

/** A content body as a client sends it. */
export const SendBody = z.discriminatedUnion("type", [TextBody, FileSendBody, ImageSendBody]).meta({ id: "SendBody" });
export type SendBody = z.infer<typeof SendBody>;

/** What the server adds from the upload (name, size and sniffed type; an image's pixels). */
const UploadFacts = { name: z.string(), size: z.number().int(), mime: z.string() };
export const FileBody = FileSendBody.extend(UploadFacts);
export const ImageBody = ImageSendBody.extend({ ...UploadFacts, width: z.number().int().nullable(), height: z.number().int().nullable() });

// ---- actions on an earlier content entry -----------------------------------------------------

/** One emoji (one grapheme of emoji, at most 64 bytes), see isOneEmoji. */
export const Emoji = z
  .string()
  .min(1)
  .max(64)
  .refine(isOneEmoji, "one emoji (a single grapheme of emoji, at most 64 bytes)");

export const EditBody = z.object({
  type: z.literal("edit"),
  target: SeqRef,
  /** absent once the target was recalled: a recall takes every version of the text with it */
  text: chars(1, 16_000).optional(),
});
export const RecallBody = z.object({ type: z.literal("recall"), target: SeqRef });
export const ReactionBody = z.object({ type: z.literal("reaction"), target: SeqRef, emoji: Emoji, on: z.boolean() });
/** A reaction as a user sets it (PUT) or takes it back (DELETE). */
export type EmojiReaction = { emoji: string; on: boolean };

// ---- membership and the conversation itself --------------------------------------------------

export const HistoryRule = z.enum(["since_join", "all"]);
export type HistoryRule = z.infer<typeof HistoryRule>;

export const ConversationChanges = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  topic: z.string().trim().max(1000).optional(),
  avatar: z.string().max(512).optional().meta({ description: "an upload id or a URL" }),
  onlyAdminsSend: z.boolean().optional(),
  history: HistoryRule.optional(),
});
export type ConversationChanges = z.infer<typeof ConversationChanges>;

export const MembersAddedBody = z.object({ type: z.literal("members_added"), users: z.array(UserIdRef).min(1) });
export const MemberRemovedBody = z.object({ type: z.literal("member_removed"), user: UserIdRef });
export const RoleChangedBody = z.object({ type: z.literal("role_changed"), user: UserIdRef, role: Role });
export const MemberMutedBody = z.object({ type: z.literal("member_muted"), user: UserIdRef, until: z.number().int().nullable() });
export const ConversationUpdatedBody = ConversationChanges.extend({ type: z.literal("conversation_updated") });
export const OwnershipTransferredBody = z.object({ type: z.literal("ownership_transferred"), to: UserIdRef });
export const DissolvedBody = z.object({ type: z.literal("dissolved") });

/** What a recalled content entry holds: nothing of what it was. */
export const RecalledBody = z.object({ type: z.literal("recalled") });

export const EntryBody = z
  .discriminatedUnion("type", [
    TextBody,
    FileBody,
    ImageBody,
    RecalledBody,
    EditBody,
    RecallBody,
    ReactionBody,
    MembersAddedBody,
    MemberRemovedBody,
    RoleChangedBody,
    MemberMutedBody,
    ConversationUpdatedBody,
    OwnershipTransferredBody,
    DissolvedBody,
  ])
  .meta({ id: "EntryBody" });
export type EntryBody = z.infer<typeof EntryBody>;
export type EntryType = EntryBody["type"];
export type BodyOf<T extends EntryType> = Extract<EntryBody, { type: T }>;

/** Entries people write (and can recall, react to, reply to; text can be edited). */
export const CONTENT_TYPES = new Set<EntryType>(["text", "file", "image", "recalled"]);
/** Entries that change an earlier content entry (`target`). */
export const ACTION_TYPES = new Set<EntryType>(["edit", "recall", "reaction"]);
export const isContent = (body: EntryBody): boolean => CONTENT_TYPES.has(body.type);

// ---- folded state, as history pages show it ---------------------------------------------------

export const Edited = z.object({ text: z.string(), ts: z.number().int(), count: z.number().int() });
export const ReactionCount = z.object({ emoji: z.string(), count: z.number().int(), me: z.boolean() });

const emojiPattern = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** True for exactly one grapheme that is an emoji (a pictograph, a flag, a keycap), ≤ 64 bytes. */
export function isOneEmoji(value: string): boolean {
  if (new TextEncoder().encode(value).byteLength > 64) return false;
  const parts = [...graphemes.segment(value)];
  return parts.length === 1 && emojiPattern.test(value);
}
