// The bot events of one conversation object: the core's sink (bots.ts) gets the same committed
// events as the sockets, in commit order, and appends them to the bots' outbox in the shared
// database after the commit, moving each bot's position there in the same transaction (so an
// entry is appended once: bot-events.ts).
//
// An object that stops between a commit and that append (a deploy, a reset, a failed D1 call)
// leaves entries the outbox never got. They are caught up from the log:
// - at the first commit of the object's next life (both placements), before its live events;
// - under LOG_PLACEMENT=object also by an alarm, so they come even if nobody writes again: before
//   a commit that may concern bots the object sets its alarm (awaited, so the alarm is stored no
//   later than the commit: a commit that survives a crash has its alarm too), and the alarm
//   catches up some seconds after the last such commit. Commits known to concern no bot (every
//   member of the last entry looked up: not a bot) set none. A catch-up that failed fails the
//   alarm, which the runtime runs again.
// Under "object" the log, its roster and its last seq are this object's (the directory's copy of
// last_seq never moves), so who is behind is judged on them (BotEventSink.catchUpFromLog).
import type { BotEventSink } from "../../core/bot-events.ts";
import type { DomainEvent } from "../../core/events.ts";
import { withAppendEntries } from "../../core/measured-message-log.ts";
import type { Store } from "../../core/store/index.ts";
import type { MessageLog, NewEntry } from "../../core/store/message-log.ts";
import { workersBotSink } from "./bots.ts";
import type { Env } from "./env.ts";
import type { Runtime } from "./runtime.ts";

/** How long after the last commit that may concern bots the alarm looks for events left behind. */
const CATCH_UP_AFTER_MS = 5_000;
/** storage key: the conversation the alarm catches up */
const CONV = "botsConv";

export class ConversationBots {
  readonly #sink: BotEventSink;
  readonly #ctx: DurableObjectState;
  readonly #store: Store;
  readonly #objectPlacement: boolean;
  /** tests only (BOT_TEST_DROP_EVENTS): live events are dropped, as a crash after the commit would */
  readonly #dropLive: boolean;
  #caughtUp = false;
  /** who the last committed entry concerned: whether the next commit may concern a bot */
  #members: readonly string[] | undefined;
  /** the conversation stored for the alarm in this life */
  #armedFor: string | undefined;
  /** an append failed since the alarm's catch-up began */
  #failed = false;

  constructor(ctx: DurableObjectState, env: Env, rt: Runtime, store: Store) {
    this.#ctx = ctx;
    this.#store = store;
    this.#objectPlacement = rt.settings.logPlacement === "object";
    this.#dropLive = rt.settings.botTestDropEvents;
    this.#sink = workersBotSink(env, rt, () => (this.#failed = true));
  }

  /** The log whose commits set the alarm first when they may concern bots (object placement). */
  guard(log: MessageLog): MessageLog {
    if (!this.#objectPlacement) return log;
    return withAppendEntries(log, async (batch) => {
      await this.#arm(batch);
      return log.appendEntries(batch);
    });
  }

  /** A committed event, in commit order (the object's publish). */
  publish(event: DomainEvent): void {
    if (event.type === "message") {
      this.#members = event.members;
      // An earlier life may have committed entries whose events it never appended: the first
      // commit of this life catches them up first (the chain keeps the live ones behind).
      if (!this.#caughtUp) {
        this.#caughtUp = true;
        void this.#catchUp(event.message.conv);
      }
    }
    if (!this.#dropLive) this.#sink.publish(event);
    this.#ctx.waitUntil(this.#sink.idle);
  }

  /** The object's alarm: what the outbox missed of its conversation is appended. */
  async alarm(): Promise<void> {
    const conv = await this.#ctx.storage.get<string>(CONV);
    if (conv === undefined) return;
    this.#failed = false;
    await this.#catchUp(conv);
    if (this.#failed) throw new Error(`bot events of ${conv} not caught up (the alarm runs again)`);
  }

  #catchUp(conv: string): Promise<void> {
    const { messageLog, conversations } = this.#store;
    return this.#objectPlacement ? this.#sink.catchUpFromLog(messageLog, conversations, conv) : this.#sink.catchUp(messageLog, conv);
  }

  async #arm(batch: NewEntry[]): Promise<void> {
    const conv = batch[0]?.conv;
    if (conv === undefined || !this.#mayConcernBots(batch)) return;
    const stored = this.#armedFor === conv ? undefined : this.#ctx.storage.put(CONV, conv);
    await Promise.all([stored, this.#ctx.storage.setAlarm(Date.now() + CATCH_UP_AFTER_MS)]);
    this.#armedFor = conv;
  }

  #mayConcernBots(batch: NewEntry[]): boolean {
    if (this.#members === undefined || this.#sink.hasBotAmong(this.#members) !== false) return true;
    return batch.some((e) => e.body.type === "members_added" && this.#sink.hasBotAmong(e.body.users) !== false);
  }
}
