// One event model for bots, whatever carries it (webhooks, GET /v1/updates, the Telegram
// surface): the entries of the conversations a bot is in (messages, edits, recalls, reactions,
// membership), conversations opened with it or created with it in them, and receipts when it
// asked for them. The sink sits beside the realtime fan-out (it gets the same committed events,
// in commit order) and appends to the outbox off the commit path, one append after the other,
// so a bot's events of one conversation are in the outbox in commit order.
import type { BotEventBody, EventType } from "../schema/bots.ts";
import type { Conversation } from "../schema/conversations.ts";
import { outboxLimits, type BotPolicy } from "./bots.ts";
import type { DomainEvent, EventSink } from "./events.ts";
import type { Clock } from "./ports.ts";
import type { BotOutbox, OutboxRow } from "./store/bot-outbox.ts";
import type { BotStore, BotTarget } from "./store/bots.ts";

/** Users known to be bots or not (that never changes for an id); cleared when this full. */
const MAX_KNOWN_USERS = 100_000;

export interface BotEventSinkDeps {
  bots: BotStore;
  outbox: BotOutbox;
  clock: Clock;
  policy: BotPolicy;
  /** events were appended for these bots: wake their long polls, deliver to their webhooks */
  onAppended?(bots: BotTarget[]): void | Promise<void>;
  onError(error: unknown): void;
}

/** Who of an event's recipients may hear of it as a bot, and what it is. */
function candidates(event: DomainEvent, now: number): { users: readonly string[]; type: EventType; body: BotEventBody } | null {
  switch (event.type) {
    case "message": {
      const { message } = event;
      const users = event.members.filter((m) => m !== message.sender);
      return { users, type: "entry", body: { type: "entry", ts: message.ts, conv: message.conv, entry: message } };
    }
    case "receipt": {
      const { conv, user, kind, seq } = event;
      const users = event.members.filter((m) => m !== user);
      return { users, type: "receipt", body: { type: "receipt", ts: now, conv, receipt: { user, kind, seq } } };
    }
    default:
      // joined: its members_added entry tells the bot; typing is not for bots
      return null;
  }
}

export class BotEventSink implements EventSink {
  #chain: Promise<void> = Promise.resolve();
  readonly #isBot = new Map<string, boolean>();

  constructor(private readonly deps: BotEventSinkDeps) {}

  /** Resolves once everything published so far is in the outbox (Workers: waitUntil). */
  get idle(): Promise<void> {
    return this.#chain;
  }

  publish(event: DomainEvent): void {
    const found = candidates(event, this.deps.clock.now());
    // Known people only (the common case): nothing to do, not even a turn of the chain.
    if (!found || found.users.every((u) => this.#isBot.get(u) === false)) return;
    this.#enqueue(() => this.#append(found.users, found.type, found.body));
  }

  /**
   * A conversation was created (a direct one with a bot, a group with bots in it). Appended by
   * the creating request itself, outside the chain: nothing of the conversation precedes it, and
   * on Workers a request must not wait on another's work.
   */
  async conversationCreated(conversation: Conversation, by: string): Promise<void> {
    const users = conversation.members.map((m) => m.userId).filter((u) => u !== by);
    const body: BotEventBody = { type: "conversation", ts: this.deps.clock.now(), conv: conversation.id, conversation };
    await this.#append(users, "conversation", body).catch((error) => this.deps.onError(error));
  }

  #enqueue(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step).catch((error) => this.deps.onError(error));
  }

  async #append(users: readonly string[], type: EventType, event: BotEventBody): Promise<void> {
    const bots = await this.#botsAmong(users);
    if (bots.length === 0) return;
    const targets = (await this.deps.bots.targets(bots)).filter((b) => b.events.includes(type));
    if (targets.length === 0) return;
    const rows: OutboxRow[] = targets.map((b) => ({ botId: b.id, convKey: event.conv, event }));
    const now = this.deps.clock.now();
    await this.deps.outbox.append(rows, now, outboxLimits(this.deps.policy, now));
    await this.deps.onAppended?.(targets);
  }

  async #botsAmong(users: readonly string[]): Promise<string[]> {
    const unknown = users.filter((u) => !this.#isBot.has(u));
    const bots = new Set(unknown.length > 0 ? await this.deps.bots.botIdsAmong(unknown) : []);
    const result = users.filter((u) => this.#isBot.get(u) ?? bots.has(u));
    if (this.#isBot.size + unknown.length > MAX_KNOWN_USERS) this.#isBot.clear();
    for (const u of unknown) this.#isBot.set(u, bots.has(u));
    return result;
  }
}
