// One event model for bots, whatever carries it (webhooks, GET /v1/updates, the Telegram
// surface): the entries of the conversations a bot is in (messages, edits, recalls, reactions,
// membership), conversations opened with it or created with it in them, and receipts when it
// asked for them. The sink sits beside the realtime fan-out (it gets the same committed events,
// in commit order) and appends to the outbox off the commit path, one append after the other,
// so a bot's events of one conversation are in the outbox in commit order.
//
// A process that dies between a commit and its append would lose those entries' events: so each
// append also moves the bot's position in the conversation (same transaction), and catchUp()
// (run on start, before live events) appends what the log holds past each position. Receipts are
// not in the log and are not caught up. Where the log is kept apart from the outbox (a Workers
// conversation object under LOG_PLACEMENT=object), catchUpFromLog() judges who is behind on the
// log's own roster and end instead of the outbox database's copy of them.
import type { BotEventBody, EventType } from "../schema/bots.ts";
import type { Conversation } from "../schema/conversations.ts";
import { MAX_PAGE_BYTES, type Message } from "../schema/messages.ts";
import { outboxLimits, type BotPolicy } from "./bots.ts";
import type { DomainEvent, EventSink } from "./events.ts";
import type { Clock } from "./ports.ts";
import type { BehindBot, BotOutbox, OutboxRow, Reached } from "./store/bot-outbox.ts";
import type { ConversationStore } from "./store/conversations.ts";
import type { MessageLog } from "./store/message-log.ts";
import type { BotStore, BotTarget } from "./store/bots.ts";

/** Users known to be bots or not (that never changes for an id); cleared when this full. */
const MAX_KNOWN_USERS = 100_000;
/** Catch-up: (bot, conversation) pairs looked up at once, and entries read per page. */
const CATCH_UP_PAIRS = 100;
const CATCH_UP_PAGE = 200;

export interface BotEventSinkDeps {
  bots: BotStore;
  outbox: BotOutbox;
  clock: Clock;
  policy: BotPolicy;
  /** events were appended for these bots: wake their long polls, deliver to their webhooks */
  onAppended?(bots: BotTarget[]): void | Promise<void>;
  onError(error: unknown): void;
}

/** What an event is for the bots among `users`; `seq` and `members` for an entry (positions). */
interface Candidates {
  users: readonly string[];
  type: EventType;
  body: BotEventBody;
  seq?: number;
  /** everyone in the conversation: every bot among them has this entry behind it now */
  members?: readonly string[];
}

const entryEvent = (message: Message): BotEventBody => ({ type: "entry", ts: message.ts, conv: message.conv, entry: message });

/** Who of an event's recipients may hear of it as a bot, and what it is. */
function candidates(event: DomainEvent, now: number): Candidates | null {
  switch (event.type) {
    case "message": {
      const { message } = event;
      const users = event.members.filter((m) => m !== message.sender);
      return { users, type: "entry", body: entryEvent(message), seq: message.seq, members: event.members };
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
    // Known people only (the common case): nothing to do, not even a turn of the chain or the
    // event's body for bots (judged before anything is built: this runs for every entry).
    if (event.type === "message" ? this.#knownHumans(event.members) : event.type === "receipt" && this.#knownHumans(event.members, event.user)) return;
    const found = candidates(event, this.deps.clock.now());
    if (found) this.#enqueue(() => this.#append(found));
  }

  /** Every one of `users` (but `except`) is known not to be a bot. */
  #knownHumans(users: readonly string[], except?: string): boolean {
    for (const u of users) if (u !== except && this.#isBot.get(u) !== false) return false;
    return true;
  }

  /**
   * Appends the entries each bot's position is behind (a crash between a commit and its append),
   * oldest first, in every conversation or in `conv`. Run it before live events: it takes the
   * chain's turn, so events published meanwhile follow it, and an entry both caught up and
   * published is appended once (positions).
   */
  catchUp(log: MessageLog, conv?: string): Promise<void> {
    return this.#catchUp(log, () => this.deps.outbox.behind(CATCH_UP_PAIRS, conv));
  }

  /**
   * catchUp() of one conversation whose log and roster are not in the outbox's database (a
   * Workers conversation object under LOG_PLACEMENT=object, where the database's last_seq never
   * moves): who is behind is judged on `conversations`, the log's own, against the positions the
   * outbox keeps beside its rows.
   */
  catchUpFromLog(log: MessageLog, conversations: Pick<ConversationStore, "roster" | "conversation">, conv: string): Promise<void> {
    return this.#catchUp(log, () => this.#behindIn(conversations, conv));
  }

  /** Whether `users` has a bot, as far as this sink knows (undefined: some were not looked up yet). */
  hasBotAmong(users: readonly string[]): boolean | undefined {
    let unknown = false;
    for (const u of users) {
      const isBot = this.#isBot.get(u);
      if (isBot) return true;
      if (isBot === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  }

  #catchUp(log: MessageLog, behind: () => Promise<BehindBot[]>): Promise<void> {
    this.#enqueue(async () => {
      for (let pairs = await behind(); pairs.length > 0; pairs = await behind()) {
        for (const pair of pairs) await this.#catchUpPair(log, pair);
      }
    });
    return this.#chain;
  }

  /** What the outbox's behind() answers, from the log's roster: members read to its end, former ones to their removal. */
  async #behindIn(conversations: Pick<ConversationStore, "roster" | "conversation">, conv: string): Promise<BehindBot[]> {
    const [roster, conversation] = await Promise.all([conversations.roster(conv), conversations.conversation(conv)]);
    if (!roster || !conversation) return [];
    const ranges = [
      ...[...roster.members].map(([id, m]) => ({ id, joinedSeq: m.joinedSeq, to: conversation.lastSeq })),
      ...[...roster.former].map(([id, f]) => ({ id, joinedSeq: f.joinedSeq, to: f.removedSeq })),
    ];
    const bots = await this.#botsAmong(ranges.map((r) => r.id));
    if (bots.length === 0) return [];
    // deleted bots are left out (their positions went with them)
    const live = new Set((await this.deps.bots.targets(bots)).map((b) => b.id));
    const positions = await this.deps.outbox.positions(conv, [...live]);
    const behind: BehindBot[] = [];
    for (const r of ranges) {
      if (!live.has(r.id)) continue;
      // a bot added by the entry at joinedSeq hears of that entry too; one there from the start, of everything
      const after = positions.get(r.id) ?? Math.max(r.joinedSeq - 1, 0);
      if (after < r.to) behind.push({ botId: r.id, conv, after, to: r.to });
    }
    return behind.slice(0, CATCH_UP_PAIRS);
  }

  async #catchUpPair(log: MessageLog, { botId, conv, after, to }: BehindBot): Promise<void> {
    const page = await log.history(conv, { after, limit: CATCH_UP_PAGE, maxBytes: MAX_PAGE_BYTES, viewer: botId, readable: { from: 1, to } });
    let pastEnd = false;
    for (const message of page.items) {
      pastEnd = message.seq > to;
      if (pastEnd) break;
      await this.#append({ users: message.sender === botId ? [] : [botId], type: "entry", body: entryEvent(message), seq: message.seq, members: [botId] });
    }
    // Nothing more it may read up to `to`: its position moves there (else the pair would stay
    // behind, and catchUp would look at it again forever).
    if (pastEnd || !page.hasMore) await this.deps.outbox.append([], this.deps.clock.now(), outboxLimits(this.deps.policy, this.deps.clock.now()), [{ botId, conv, seq: to }]);
  }

  /**
   * A conversation was created (a direct one with a bot, a group with bots in it). Appended by
   * the creating request itself, outside the chain: nothing of the conversation precedes it, and
   * on Workers a request must not wait on another's work.
   */
  async conversationCreated(conversation: Conversation, by: string): Promise<void> {
    const users = conversation.members.map((m) => m.userId).filter((u) => u !== by);
    const body: BotEventBody = { type: "conversation", ts: this.deps.clock.now(), conv: conversation.id, conversation };
    await this.#append({ users, type: "conversation", body }).catch((error) => this.deps.onError(error));
  }

  #enqueue(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step).catch((error) => this.deps.onError(error));
  }

  async #append({ users, type, body, seq, members }: Candidates): Promise<void> {
    const reached: Reached[] = seq === undefined ? [] : (await this.#botsAmong(members ?? users)).map((botId) => ({ botId, conv: body.conv, seq }));
    const bots = await this.#botsAmong(users);
    const targets = bots.length === 0 ? [] : (await this.deps.bots.targets(bots)).filter((b) => b.events.includes(type));
    if (targets.length === 0 && reached.length === 0) return;
    const rows: OutboxRow[] = targets.map((b) => ({ botId: b.id, convKey: body.conv, event: body, seq }));
    const now = this.deps.clock.now();
    await this.deps.outbox.append(rows, now, outboxLimits(this.deps.policy, now), reached);
    if (targets.length > 0) await this.deps.onAppended?.(targets);
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
