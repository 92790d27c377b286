// This user's own settings of the conversation list (docs/protocol.md "The conversation list, per
// user"): pin, mute, archive, hide a conversation, clear its history or hide one entry, for this
// user only. Each change is applied as the server answers it; the user's other devices get it as
// a `settings` frame (chat.ts). Also what the list shows of them: the archived ones apart, and
// the total unread.
import { computed, signal } from "@preact/signals";
import type { ConversationSummary, ParleyHttp, SettingsChange, SettingsRequest } from "parley/client";
import { MAX_MUTED_UNTIL } from "../../../schema/conversation-list.ts";
import type { Conversations } from "./conversations.ts";

/** How long a mute lasts: null is until unmuted. */
export const MUTE_FOR = [
  { label: "Mute for 1 hour", ms: 3_600_000 },
  { label: "Mute for 8 hours", ms: 8 * 3_600_000 },
  { label: "Mute until unmuted", ms: null },
] as const;

/** Muted at `now` (a past mutedUntil no longer is). */
export const isMuted = (item: ConversationSummary, now: number): boolean => item.mutedUntil !== null && item.mutedUntil > now;

export class ListSettings {
  /** the archived conversations are on screen instead of the others */
  readonly showArchived = signal(false);

  constructor(
    private readonly api: ParleyHttp,
    private readonly conversations: Conversations,
    /** the time, as the screens tick it (a mute runs out on its own) */
    private readonly now: { readonly value: number },
    /** what a change does to the list and the open timelines (a `settings` frame does the same) */
    private readonly settled: (change: SettingsChange) => void,
  ) {}

  /** The list on screen: the archived ones, or the others. */
  readonly shown = computed(() => this.conversations.ordered.value.filter((c) => c.archived === this.showArchived.value));
  readonly archivedCount = computed(() => this.conversations.ordered.value.filter((c) => c.archived).length);
  /**
   * Unread messages, muted and archived conversations left out: what GET /v1/unread counts, from
   * the list that the server's counters keep live here (a GET after this page's own read could
   * arrive before the read, which the socket carries, and no frame would correct it).
   */
  readonly unreadTotal = computed(() =>
    this.conversations.ordered.value.filter((c) => !c.archived && !isMuted(c, this.now.value)).reduce((sum, c) => sum + c.unread, 0),
  );

  pin = (conv: string, pinned: boolean) => this.#update(conv, { pinned });
  /** For `ms` from now; null: until unmuted. */
  mute = (conv: string, ms: number | null) => this.#update(conv, { mutedUntil: ms === null ? MAX_MUTED_UNTIL : Date.now() + ms });
  unmute = (conv: string) => this.#update(conv, { mutedUntil: null });
  archive = (conv: string, archived: boolean) => this.#update(conv, { archived });
  hide = (conv: string) => this.#update(conv, { hidden: true });

  /** Clears the history up to its newest entry, for this user. */
  async clear(conv: string): Promise<void> {
    const item = this.conversations.get(conv);
    if (item && item.lastSeq > 0) this.settled(await this.api.clearHistory(conv, item.lastSeq));
  }

  async hideEntry(conv: string, seq: number): Promise<void> {
    this.settled(await this.api.hideEntry(conv, seq));
  }

  async #update(conv: string, changes: SettingsRequest): Promise<void> {
    this.settled(await this.api.updateSettings(conv, changes));
  }
}
