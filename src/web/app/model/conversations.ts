// The conversation list: one summary per conversation (title, last message, unread), most recent
// activity first, kept live from the message stream; and each conversation's members (for the
// title of a direct one, and presence), read once per conversation.
//
// Later per-user list settings (pinned, muted, archived, mentions) arrive as fields of the
// summaries: `ordered` is where pinned ones would go first, ConversationList's ListMarks where
// they show.
import { computed, signal } from "@preact/signals";
import type { Conversation, ConversationSummary, Message, ParleyHttp } from "parley/client";
import { isContent } from "./entries.ts";

type Member = Conversation["members"][number];

export class Conversations {
  readonly #items = signal<Record<string, ConversationSummary>>({});
  /** ids, most recent activity first */
  readonly #order = signal<string[]>([]);
  readonly #members = signal<Record<string, Member[]>>({});
  readonly loaded = signal(false);
  readonly ordered = computed(() => this.#order.value.map((id) => this.#items.value[id]!).filter(Boolean));
  #refreshing: Promise<void> | null = null;
  #again: Promise<void> | null = null;

  constructor(
    private readonly api: ParleyHttp,
    private readonly me: string,
  ) {}

  get(id: string): ConversationSummary | undefined {
    return this.#items.value[id];
  }

  members(id: string): Member[] | undefined {
    return this.#members.value[id];
  }

  /** The other member of a direct conversation. */
  peer(id: string): string | undefined {
    return this.#members.value[id]?.find((m) => m.userId !== this.me)?.userId;
  }

  /**
   * Reloads the list from the server, one request at a time. Asked while one is on its way (which
   * may have been answered before what prompted this ask), it reads once more after that one;
   * the asks meanwhile share that second read.
   */
  refresh(): Promise<void> {
    if (!this.#refreshing) {
      this.#refreshing = this.#refresh().finally(() => (this.#refreshing = null));
      return this.#refreshing;
    }
    this.#again ??= this.#refreshing
      .catch(() => {})
      .then(() => {
        this.#again = null;
        return this.refresh();
      });
    return this.#again;
  }

  async #refresh(): Promise<void> {
    const items = await this.api.conversations();
    this.#items.value = Object.fromEntries(items.map((c) => [c.id, c]));
    this.#order.value = items.map((c) => c.id);
    this.loaded.value = true;
    const missing = items.filter((c) => !this.#members.value[c.id]).map((c) => c.id);
    const loaded = await Promise.all(missing.map((id) => this.api.conversation(id).catch(() => null)));
    this.#members.value = { ...this.#members.value, ...Object.fromEntries(loaded.filter((c) => c !== null).map((c) => [c.id, c.members])) };
  }

  /** Its members changed (an entry said so): read them again. */
  async membersChanged(id: string): Promise<void> {
    const conversation = await this.api.conversation(id);
    this.#members.value = { ...this.#members.value, [id]: conversation.members };
  }

  /** A conversation this user just created or opened: at the top, members known. */
  added(conversation: Conversation): void {
    this.#members.value = { ...this.#members.value, [conversation.id]: conversation.members };
    if (this.#items.value[conversation.id]) return;
    const { id, kind, title, lastSeq } = conversation;
    this.#items.value = { ...this.#items.value, [id]: { id, kind, title, lastSeq, readSeq: 0, unread: 0, lastMessage: null } };
    this.#order.value = [id, ...this.#order.value];
  }

  /**
   * The next entry of a conversation (each comes once, in order): new preview and lastSeq, one
   * more unread if it is someone else's message not being read, and the conversation moves to
   * the top.
   * False for a conversation not in the list (someone started it with us): reload the list.
   */
  received(message: Message, beingRead: boolean): boolean {
    const item = this.#items.value[message.conv];
    if (!item) return false;
    if (message.seq <= item.lastSeq) return true; // the list was read after it: already counted
    const unread = message.sender !== this.me && isContent(message);
    this.#items.value = {
      ...this.#items.value,
      [item.id]: {
        ...item,
        lastSeq: Math.max(item.lastSeq, message.seq),
        lastMessage: message,
        unread: unread && !beingRead ? item.unread + 1 : item.unread,
      },
    };
    this.#order.value = [item.id, ...this.#order.value.filter((id) => id !== item.id)];
    return true;
  }

  /** This user read `conv` up to `seq` (here or on another device). */
  read(conv: string, seq: number): void {
    const item = this.#items.value[conv];
    if (!item || seq <= item.readSeq) return;
    // Only the server can count what is left unread below the newest message.
    if (seq < item.lastSeq) return void this.refresh();
    this.#items.value = { ...this.#items.value, [conv]: { ...item, readSeq: seq, unread: 0 } };
  }
}
