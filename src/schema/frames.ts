// WebSocket frames of GET /v1/ws (PROTOCOL.md "Realtime"), defined once for the server and the
// client SDK. Every frame is one JSON text message with a `t`.
import { z } from "zod";
import { ContactChange } from "./contacts.ts";
import { SettingsChange } from "./conversation-list.ts";
import { ErrorCode as ErrorCodeSchema } from "./errors.ts";
import { PresenceItem } from "./presence.ts";
import { Conversation } from "./conversations.ts";
import { EntryBody, SendBody } from "./entries.ts";
import { ClientId, MAX_PAGE, Message, Seq } from "./messages.ts";

const Rid = z.union([z.string().max(64), z.number()]).optional();
/** A client frame's request id, echoed on the answer. */
export type Rid = z.infer<typeof Rid>;
const ConvId = z.string().min(1).max(64);
/** Conversations one hello may resume (each costs a store read of its backlog). */
export const MAX_CURSORS = 2000;

export const HelloFrame = z.object({
  t: z.literal("hello"),
  rid: Rid,
  token: z.string().min(1).max(4096),
  device: z.string().min(1).max(64).optional(),
  // counted before each entry is validated: a hello naming 100,000 conversations costs a count
  cursors: z
    .custom<object>((c) => typeof c === "object" && c !== null && Object.keys(c).length <= MAX_CURSORS, `an object of at most ${MAX_CURSORS} cursors`)
    .pipe(z.record(ConvId, Seq))
    .optional(),
});
export const SendFrame = z.object({ t: z.literal("send"), rid: Rid, conv: ConvId, clientId: ClientId, body: SendBody });
export const SyncFrame = z.object({
  t: z.literal("sync"),
  rid: Rid,
  conv: ConvId,
  after: Seq,
  // capped like the HTTP history limit
  limit: z.number().int().min(1).transform((n) => Math.min(n, MAX_PAGE)).optional(),
});
export const RecvFrame = z.object({ t: z.literal("recv"), rid: Rid, conv: ConvId, seq: Seq });
export const ReadFrame = z.object({ t: z.literal("read"), rid: Rid, conv: ConvId, seq: Seq });
export const TypingFrame = z.object({ t: z.literal("typing"), rid: Rid, conv: ConvId });
export const PingFrame = z.object({ t: z.literal("ping"), rid: Rid });

export const ClientFrame = z.discriminatedUnion("t", [
  HelloFrame,
  SendFrame,
  SyncFrame,
  RecvFrame,
  ReadFrame,
  TypingFrame,
  PingFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameOf<T extends ClientFrame["t"]> = Extract<ClientFrame, { t: T }>;

const RidOut = z.union([z.string(), z.number()]).optional();
export const ServerFrame = z.discriminatedUnion("t", [
  z.object({ t: z.literal("welcome"), rid: RidOut, user: z.string(), heartbeatMs: z.number().int() }),
  z.object({
    t: z.literal("ack"),
    rid: RidOut,
    conv: z.string(),
    clientId: z.string(),
    seq: z.number().int(),
    id: z.string(),
    ts: z.number().int(),
    /** the body as stored, when the server completed it (a file's or image's upload facts) */
    body: EntryBody.optional(),
  }),
  z.object({
    t: z.literal("error"),
    rid: RidOut,
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
    /** the conversation a failure without a request is about (e.g. its catch-up) */
    conv: z.string().optional(),
  }),
  Message.extend({ t: z.literal("msg") }),
  z.object({ t: z.literal("msgs"), rid: RidOut, conv: z.string(), items: z.array(Message), hasMore: z.boolean() }),
  z.object({
    t: z.literal("receipt"),
    conv: z.string(),
    user: z.string(),
    kind: z.enum(["delivered", "read"]),
    seq: z.number().int(),
  }),
  z.object({ t: z.literal("typing"), conv: z.string(), user: z.string() }),
  PresenceItem.extend({ t: z.literal("presence") }),
  /** the user was added to a conversation: its log follows on this socket */
  z.object({ t: z.literal("conversation"), conversation: Conversation }),
  ContactChange.extend({ t: z.literal("contact") }),
  /** the user's own settings or counters of a conversation changed (on another device, or by a read) */
  SettingsChange.extend({ t: z.literal("settings") }),
  z.object({ t: z.literal("pong"), rid: RidOut }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerFrameOf<T extends ServerFrame["t"]> = Extract<ServerFrame, { t: T }>;
