// The conversation list: one summary per conversation (title, last message, unread and mention
// counts, this user's settings: pinned, muted, archived, hidden), pinned first, then most recent
// activity first, kept live from the message stream and the `settings` frames of this user's
// devices; and each conversation as GET /v1/conversations/:id shows it (members and roles, for
// the title of a direct one, presence, what the group lets this user do), read once per
// conversation and again when an entry changes it.
import { computed, signal } from "@preact/signals";
import type { Conversation, ConversationSettings, ConversationSummary, Message, ParleyHttp } from "parley/client";
import { isContent } from "./entries.ts";
import { mentionsUser } from "./mentions.ts";
import { serial } from "./serial.ts";

type Member = Conversation["members"][number];

const unlisted = { pinned: false, mutedUntil: null, archived: false, hidden: false, clearedSeq: 0, mentions: 0 };

export class Conversations {
  readonly #items = signal<Record<string, ConversationSummary>>({});
  /** ids, most recent activity first */
  readonly #order = signal<string[]>([]);
  readonly #details = signal<Record<string, Conversation>>({});
  readonly loaded = signal(false);
  /** the list as shown (hidden ones left out), pinned first, each part most recent first */
  readonly ordered = computed(() => {
    const listed = this.#order.value.map((id) => this.#items.value[id]!).filter((c) => c && !c.hidden);
    return [...listed.filter((c) => c.pinned), ...listed.filter((c) => !c.pinned)];
  });
  /** Reloads the list from the server (one request at a time, see serial). */
  readonly refresh = serial(() => this.#refresh());

  constructor(
    private readonly api: ParleyHttp,
    private readonly me: string,
  ) {}

  get(id: string): ConversationSummary | undefined {
    return this.#items.value[id];
  }

  /** The conversation with its members and settings, once read. */
  details(id: string): Conversation | undefined {
    return this.#details.value[id];
  }

  members(id: string): Member[] | undefined {
    return this.#details.value[id]?.members;
  }

  /** This user's role in the conversation; undefined when not (or no longer) a member. */
  myRole(id: string): Member["role"] | undefined {
    return this.members(id)?.find((m) => m.userId === this.me)?.role;
  }

  /** The other member of a direct conversation. */
  peer(id: string): string | undefined {
    return this.members(id)?.find((m) => m.userId !== this.me)?.userId;
  }

  /**
   * Entries and reads that came live while a reload was on its way, applied again once it has
   * come: the server may have read the list before they reached it, and the socket's frame can
   * come before the answer; the list read would otherwise take them back until the next reload.
   */
  #cameDuringRefresh: (() => void)[] | null = null;

  async #refresh(): Promise<void> {
    const came: (() => void)[] = (this.#cameDuringRefresh = []);
    let items: ConversationSummary[];
    try {
      items = await this.api.conversations();
    } finally {
      this.#cameDuringRefresh = null;
    }
    this.#items.value = Object.fromEntries(items.map((c) => [c.id, c]));
    this.#order.value = items.map((c) => c.id);
    for (const again of came) again(); // (an entry the list read counted already is skipped by its seq)
    this.loaded.value = true;
    const missing = items.filter((c) => !this.#details.value[c.id]).map((c) => c.id);
    const loaded = await Promise.all(missing.map((id) => this.api.conversation(id).catch(() => null)));
    this.#details.value = { ...this.#details.value, ...Object.fromEntries(loaded.filter((c) => c !== null).map((c) => [c.id, c])) };
  }

  /** Its members or settings changed (an entry said so): read it again. */
  async changed(id: string): Promise<void> {
    const conversation = await this.api.conversation(id);
    this.#details.value = { ...this.#details.value, [id]: conversation };
  }

  /** A conversation this user just created or opened: at the top, members known (and no settings of its own yet). */
  added(conversation: Conversation): void {
    this.#details.value = { ...this.#details.value, [conversation.id]: conversation };
    if (this.#items.value[conversation.id]) return;
    const { id, kind, title, lastSeq } = conversation;
    this.#items.value = { ...this.#items.value, [id]: { id, kind, title, lastSeq, readSeq: 0, unread: 0, lastMessage: null, ...unlisted } };
    this.#order.value = [id, ...this.#order.value];
  }

  /**
   * The next entry of a conversation (each comes once, in order): new preview and lastSeq, one
   * more unread (and mention) if it is someone else's message not being read, and the
   * conversation moves to the top; someone else's message brings a hidden one back (as the
   * server does).
   * False for a conversation not in the list (someone started it with us): reload the list.
   */
  received(message: Message, beingRead: boolean): boolean {
    this.#cameDuringRefresh?.push(() => this.received(message, beingRead));
    const item = this.#items.value[message.conv];
    if (!item) return false;
    if (message.seq <= item.lastSeq) return true; // the list was read after it: already counted
    const fromOther = message.sender !== this.me && isContent(message);
    const unread = fromOther && !beingRead;
    this.#items.value = {
      ...this.#items.value,
      [item.id]: {
        ...item,
        lastSeq: Math.max(item.lastSeq, message.seq),
        lastMessage: message,
        unread: unread ? item.unread + 1 : item.unread,
        mentions: unread && mentionsUser(message, this.me) ? item.mentions + 1 : item.mentions,
        hidden: item.hidden && !fromOther,
      },
    };
    this.#order.value = [item.id, ...this.#order.value.filter((id) => id !== item.id)];
    return true;
  }

  /** This user read `conv` up to `seq` (here or on another device). */
  read(conv: string, seq: number): void {
    this.#cameDuringRefresh?.push(() => this.read(conv, seq));
    const item = this.#items.value[conv];
    if (!item || seq <= item.readSeq) return;
    // Only the server can count what is left unread below the newest message.
    if (seq < item.lastSeq) return void this.refresh();
    this.#items.value = { ...this.#items.value, [conv]: { ...item, readSeq: seq, unread: 0, mentions: 0 } };
  }

  /**
   * This user's settings and counters of `conv` as the server has them now (a `settings` frame,
   * or the answer to a change made here). A cleared or hidden preview goes (the server's list has
   * none then either); a conversation not held (shown again elsewhere) is read from the server.
   */
  settled(settings: ConversationSettings & { hiddenSeq?: number }): void {
    const { conv, hiddenSeq, ...fields } = settings;
    const item = this.#items.value[conv];
    if (!item) {
      if (!settings.hidden) void this.refresh();
      return;
    }
    const last = item.lastMessage;
    const lastMessage = last && (last.seq <= fields.clearedSeq || last.seq === hiddenSeq) ? null : last;
    this.#items.value = { ...this.#items.value, [conv]: { ...item, ...fields, lastMessage } };
  }
}
