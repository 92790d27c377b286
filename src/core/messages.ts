// The log's content and what people do with it: sends, edits, recalls, reactions (each an entry
// through the LogWriter, judged by the rules in permissions.ts), history pages with each entry's
// folded state, delivered/read receipts and typing.
import type { EmojiReaction, EntryBody, SendBody } from "../schema/entries.ts";
import { MAX_PAGE_BYTES, type Message, type MessagePage } from "../schema/messages.ts";
import type { Contacts } from "./contacts.ts";
import { isInlineImage } from "./upload-content.ts";
import type { Uploads } from "./uploads.ts";
import type { ConversationList } from "./conversation-list.ts";
import type { Conversations } from "./conversations.ts";
import { AppError, invalid, notFound } from "./errors.ts";
import type { EventSink } from "./events.ts";
import type { EntryToAppend, LogWriter } from "./log-writer.ts";
import { checkEditable, checkMentions, checkReactable, checkRecallable, requireReader, requireSender, requireWriter } from "./permissions.ts";
import type { Clock } from "./ports.ts";
import { newId } from "./random.ts";
import { memberIds, type Roster } from "./roster.ts";
import type { MessageLog } from "./store/message-log.ts";
import type { ReceiptStore } from "./store/receipts.ts";

export type Stored = { message: Message; created: boolean };
/** A page of history: `after` or `before` a seq (or the newest), at most `limit` items and `maxBytes` of bodies. */
export type HistoryRange = { after?: number; before?: number; limit: number; maxBytes?: number };
/** What a reaction came to: a new entry, or nothing when the reaction already stood so. */
export type Reacted = Stored | { changed: false; target: number; emoji: string; on: boolean };

export interface EntryWindows {
  /** how long after sending its sender may edit a text entry (EDIT_WINDOW_S) */
  editMs: number;
  /** how long after sending its sender may recall an entry (RECALL_WINDOW_S); admins any time */
  recallMs: number;
}
export const defaultWindows: EntryWindows = { editMs: 172_800_000, recallMs: 120_000 };

/**
 * What the HTTP routes and realtime backends need of the log. `Messages` is the implementation
 * that commits; on Workers the routes get one that forwards the writes to the conversation's
 * Durable Object (which runs `Messages`) and reads history from the store.
 */
export interface MessageService {
  send(userId: string, convId: string, input: { clientId: string; body: SendBody }, sourceConnection?: string): Promise<Stored>;
  edit(userId: string, convId: string, target: number, input: { clientId: string; text: string }): Promise<Stored>;
  recall(userId: string, convId: string, target: number, input: { clientId: string }): Promise<Stored>;
  react(userId: string, convId: string, target: number, input: EmojiReaction & { clientId: string }): Promise<Reacted>;
  history(userId: string, convId: string, range: HistoryRange): Promise<MessagePage>;
  markRead(userId: string, convId: string, seq: number, sourceConnection?: string): Promise<{ readSeq: number; unread: number }>;
  markDelivered(userId: string, convId: string, seq: number, sourceConnection?: string): Promise<number>;
  typing(userId: string, convId: string): Promise<void>;
}

export interface MessagesDeps {
  messageLog: MessageLog;
  receipts: ReceiptStore;
  conversations: Conversations;
  /** blocks and DIRECT_MESSAGES decide who may send in a direct conversation */
  contacts: Pick<Contacts, "requireCanSend">;
  /** what file and image bodies refer to (absent: uploads are off) */
  uploads?: Pick<Uploads, "describe">;
  writer: LogWriter;
  /** told after a read, for the reader's other devices' badges */
  list: Pick<ConversationList, "readChanged">;
  events: EventSink;
  clock: Clock;
  windows: EntryWindows;
}

export class Messages implements MessageService {
  constructor(private readonly deps: MessagesDeps) {}

  /**
   * Commits a content entry (or finds the one already sent with this clientId) and resolves after
   * the durable commit. `sourceConnection` names the connection that sent it, which gets an ack.
   */
  async send(userId: string, convId: string, input: { clientId: string; body: SendBody }, sourceConnection?: string): Promise<Stored> {
    const roster = await this.deps.conversations.roster(convId);
    const sender = requireSender(roster, userId, this.deps.clock.now());
    if (roster!.kind === "direct") await this.deps.contacts.requireCanSend(userId, convId, memberIds(roster!));
    const body = await this.#stored(input.body, userId);
    if (body.type === "text") {
      checkMentions(roster!, sender, body.mentions);
      if (body.replyTo !== undefined) await this.#readableEntry(roster!, userId, body.replyTo, "replyTo");
    }
    return (await this.#append(roster!, userId, input.clientId, body, { sourceConnection })) ?? this.#refused(roster!, userId, body);
  }

  /** A body as it is stored: a file or image carries what the server knows of its upload. */
  async #stored(body: SendBody, userId: string): Promise<EntryBody> {
    if (body.type === "text") return body;
    if (!this.deps.uploads) throw new AppError("not_implemented", "uploads are not configured on this server");
    const { name, size, mime, width, height } = await this.deps.uploads.describe(userId, body.upload);
    if (body.type === "file") return { ...body, name, size, mime };
    if (!isInlineImage(mime)) throw invalid("an image must be a PNG, JPEG, GIF or WebP", [{ field: "body.upload", message: `it is ${mime}` }]);
    return { ...body, name, size, mime, width: width ?? null, height: height ?? null };
  }

  async edit(userId: string, convId: string, target: number, input: { clientId: string; text: string }): Promise<Stored> {
    const roster = await this.deps.conversations.roster(convId);
    requireWriter(roster, userId);
    const entry = await this.#readableEntry(roster!, userId, target, "target");
    checkEditable(entry, userId, this.deps.clock.now(), this.deps.windows.editMs);
    const body = { type: "edit", target, text: input.text } as const;
    return (await this.#append(roster!, userId, input.clientId, body, { alone: true })) ?? this.#refused(roster!, userId, body);
  }

  async recall(userId: string, convId: string, target: number, input: { clientId: string }): Promise<Stored> {
    const roster = await this.deps.conversations.roster(convId);
    const actor = requireWriter(roster, userId);
    const entry = await this.#readableEntry(roster!, userId, target, "target");
    checkRecallable(roster!, actor, entry, userId, this.deps.clock.now(), this.deps.windows.recallMs);
    const body = { type: "recall", target } as const;
    return (await this.#append(roster!, userId, input.clientId, body, { alone: true })) ?? this.#refused(roster!, userId, body);
  }

  async react(userId: string, convId: string, target: number, input: EmojiReaction & { clientId: string }): Promise<Reacted> {
    const roster = await this.deps.conversations.roster(convId);
    requireWriter(roster, userId);
    checkReactable(await this.#readableEntry(roster!, userId, target, "target"));
    const { emoji, on } = input;
    // Nothing changes: no entry (a retry of an answered PUT or DELETE lands here too).
    const unchanged = { changed: false, target, emoji, on } as const;
    if ((await this.deps.messageLog.hasReacted(convId, target, userId, emoji)) === on) return unchanged;
    const body = { type: "reaction", target, emoji, on } as const;
    // Refused in the transaction: a concurrent identical reaction came first (or the target changed).
    return (await this.#append(roster!, userId, input.clientId, body, { alone: true })) ?? (await this.#refused(roster!, userId, body), unchanged);
  }

  async history(userId: string, convId: string, range: HistoryRange): Promise<MessagePage> {
    const readable = requireReader(await this.deps.conversations.roster(convId), userId);
    return this.deps.messageLog.history(convId, { ...range, maxBytes: range.maxBytes ?? MAX_PAGE_BYTES, viewer: userId, readable });
  }

  async markRead(userId: string, convId: string, seq: number, sourceConnection?: string): Promise<{ readSeq: number; unread: number }> {
    const roster = await this.deps.conversations.roster(convId);
    requireReader(roster, userId);
    const result = await this.deps.receipts.markRead(convId, userId, seq);
    this.deps.events.publish({ type: "receipt", conv: convId, user: userId, kind: "read", seq: result.readSeq, members: memberIds(roster!), sourceConnection });
    await this.deps.list.readChanged(userId, convId, sourceConnection);
    return result;
  }

  async markDelivered(userId: string, convId: string, seq: number, sourceConnection?: string): Promise<number> {
    const roster = await this.deps.conversations.roster(convId);
    requireReader(roster, userId);
    const deliveredSeq = await this.deps.receipts.markDelivered(convId, userId, seq);
    this.deps.events.publish({ type: "receipt", conv: convId, user: userId, kind: "delivered", seq: deliveredSeq, members: memberIds(roster!), sourceConnection });
    return deliveredSeq;
  }

  async typing(userId: string, convId: string): Promise<void> {
    const roster = await this.deps.conversations.roster(convId);
    requireWriter(roster, userId);
    if (roster!.kind === "direct") await this.deps.contacts.requireCanSend(userId, convId, memberIds(roster!));
    this.deps.events.publish({ type: "typing", conv: convId, user: userId, members: memberIds(roster!) });
  }

  /** The entry at `seq` if this user may read it; 400 naming `field` otherwise. */
  async #readableEntry(roster: Roster, userId: string, seq: number, field: string): Promise<Message> {
    const range = requireReader(roster, userId);
    const entry = seq >= range.from && (range.to === null || seq <= range.to) ? await this.deps.messageLog.entry(roster.id, seq) : null;
    if (!entry) throw invalid(`${field} names no entry of this conversation`, { [field]: seq });
    return entry;
  }

  #append(roster: Roster, userId: string, clientId: string, body: EntryBody, options: Pick<EntryToAppend, "sourceConnection" | "alone">) {
    const entry = { id: newId(), conv: roster.id, sender: userId, clientId, ts: this.deps.clock.now(), body };
    return this.deps.writer.append({ entry, recipients: memberIds(roster), ...options });
  }

  /**
   * Refused inside the transaction: something changed since the entry was judged. Judged again on
   * what is stored now, to answer with the rule it broke (a reaction that already stands passes).
   */
  async #refused(roster: Roster, userId: string, body: EntryBody): Promise<never> {
    const now = await this.deps.conversations.roster(roster.id, { fresh: true });
    requireSender(now, userId, this.deps.clock.now());
    if ("target" in body) {
      const target = await this.deps.messageLog.entry(roster.id, body.target);
      if (!target) throw notFound("target");
      if (body.type === "edit") checkEditable(target, userId, this.deps.clock.now(), this.deps.windows.editMs);
      if (body.type === "recall" && target.recalled) throw new AppError("not_editable", "already recalled");
      checkReactable(target);
    }
    throw new AppError("conflict", "the conversation changed meanwhile: try again");
  }
}
