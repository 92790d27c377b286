// Each user's conversation list (docs/protocol.md "The conversation list, per user"): pinned,
// muted, archived and hidden conversations, cleared history and hidden entries, unread and mention
// counts. All of it is the caller's alone: other members see nothing of it. Every change is told
// to the caller's devices as a `settings` frame at once; a device that was offline reads the list
// again (GET /v1/conversations carries the same fields), so nothing depends on a frame arriving.
import type { ConversationSettings, SettingsChange, UnreadTotals } from "../schema/conversation-list.ts";
import { MAX_HIDDEN_PER_CONVERSATION } from "../schema/conversation-list.ts";
import type { ConversationSummary } from "../schema/conversations.ts";
import { forbidden, invalid, notFound } from "./errors.ts";
import type { EventSink } from "./events.ts";
import { requireReader } from "./permissions.ts";
import type { Clock } from "./ports.ts";
import type { Roster } from "./roster.ts";
import type { ConversationListStore, ListFilter, SettingsChanges } from "./store/conversation-list.ts";

export interface ConversationListDeps {
  store: ConversationListStore;
  /** the conversation's roster: only its members and former members have it in their list */
  roster(convId: string): Promise<Roster | null>;
  events: EventSink;
  clock: Clock;
}

export class ConversationList {
  constructor(private readonly deps: ConversationListDeps) {}

  list(userId: string, filter: ListFilter): Promise<ConversationSummary[]> {
    return this.deps.store.list(userId, filter);
  }

  /** The last seq of each of the user's conversations (hidden and archived ones too). */
  async positions(userId: string): Promise<Record<string, number>> {
    return Object.fromEntries((await this.deps.store.list(userId, {})).map((c) => [c.id, c.lastSeq]));
  }

  async settings(userId: string, convId: string): Promise<ConversationSettings> {
    await this.#requireListed(userId, convId);
    return this.deps.store.settings(userId, convId);
  }

  async update(userId: string, convId: string, changes: SettingsChanges): Promise<ConversationSettings> {
    await this.#requireListed(userId, convId);
    return this.#announce(userId, await this.deps.store.updateSettings(userId, convId, changes));
  }

  /** History up to `seq` is gone for the caller: never past the last seq. */
  async clear(userId: string, convId: string, seq: number): Promise<ConversationSettings> {
    await this.#requireListed(userId, convId);
    const settings = await this.deps.store.clear(userId, convId, seq);
    if (!settings) throw invalid("seq is past the conversation's last entry", [{ field: "seq", message: "past the last seq" }]);
    return this.#announce(userId, settings);
  }

  /** One entry the caller may read is gone for the caller. */
  async hide(userId: string, convId: string, seq: number): Promise<SettingsChange> {
    const range = requireReader(await this.deps.roster(convId), userId);
    if (seq < range.from || (range.to !== null && seq > range.to)) throw notFound("entry");
    const { settings, outcome } = await this.deps.store.hide(userId, convId, seq, MAX_HIDDEN_PER_CONVERSATION);
    if (outcome === "missing") throw notFound("entry");
    if (outcome === "full") {
      throw forbidden(`at most ${MAX_HIDDEN_PER_CONVERSATION} entries of a conversation are hidden: clear its history up to a seq instead`, {
        max: MAX_HIDDEN_PER_CONVERSATION,
      });
    }
    return this.#announce(userId, { ...settings, hiddenSeq: seq });
  }

  unread(userId: string): Promise<UnreadTotals> {
    return this.deps.store.unreadTotals(userId, this.deps.clock.now());
  }

  /**
   * After the user's read marker moved (Messages.markRead): its devices get the counters as they
   * are now, so a badge cleared on one clears on all. `sourceConnection`, the reader, knows.
   */
  async readChanged(userId: string, convId: string, sourceConnection?: string): Promise<void> {
    const settings = await this.deps.store.settings(userId, convId);
    await this.deps.events.publish({ type: "settings", user: userId, settings, sourceConnection });
  }

  async #announce<T extends SettingsChange>(userId: string, settings: T): Promise<T> {
    await this.deps.events.publish({ type: "settings", user: userId, settings });
    return settings;
  }

  /** Members and former members have the conversation in their list; anyone else gets 404. */
  async #requireListed(userId: string, convId: string): Promise<void> {
    requireReader(await this.deps.roster(convId), userId);
  }
}
