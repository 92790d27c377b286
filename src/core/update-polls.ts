// Long polling (GET /v1/updates, Telegram getUpdates): a request waits up to its timeout and is
// answered as soon as its bot has something. It looks at the outbox every `intervalMs`, and
// sooner when woken: on Bun the event sink wakes a bot's polls right after appending for it (and
// a token rotation wakes them, to end them with 401). On Workers nothing wakes them (a request
// must not wait on a promise another request settles): they look every `intervalMs`.
import type { BotEvent } from "../schema/bots.ts";
import type { Bots } from "./bots.ts";
import { AppError } from "./errors.ts";
import type { Clock } from "./ports.ts";
import type { BotOutbox } from "./store/bot-outbox.ts";

export interface UpdatePollsDeps {
  outbox: BotOutbox;
  bots: Bots;
  clock: Clock;
  retentionMs: number;
  /** how often a waiting poll looks at the outbox */
  intervalMs: number;
  /** long polls one bot may have waiting at once (in this process) */
  maxPerBot: number;
}

export interface PollRequest {
  botId: string;
  /** the token the poll came with: checked again while it waits (a rotation ends the poll) */
  token: string;
  offset?: number;
  limit: number;
  timeoutS: number;
  signal?: AbortSignal;
}

/**
 * What a surface makes of the events it reads (Telegram: its Updates). Events it has nothing
 * for (null) are confirmed at once, so a poll never keeps returning nothing for them.
 */
export type Selector<T> = (events: BotEvent[]) => Promise<(T | null)[]>;

export class UpdatePolls {
  readonly #waiting = new Map<string, Set<() => void>>();

  constructor(private readonly deps: UpdatePollsDeps) {}

  /** Wakes the bots' waiting polls (they look at the outbox now). */
  wake(botIds: Iterable<string>): void {
    for (const id of botIds) for (const resume of this.#waiting.get(id) ?? []) resume();
  }

  async poll<T>(req: PollRequest, select: Selector<T>): Promise<T[]> {
    const { outbox, bots, clock } = this.deps;
    if ((await bots.self(req.botId)).webhook) {
      throw new AppError("conflict", "a webhook is set: delete it to poll for updates");
    }
    if (req.offset !== undefined) await outbox.confirm(req.botId, req.offset);
    const deadline = clock.now() + req.timeoutS * 1000;
    let offset = req.offset ?? 0;
    for (;;) {
      const events = await outbox.pending(req.botId, offset, req.limit, clock.now() - this.deps.retentionMs);
      const selected = events.length > 0 ? await select(events) : [];
      const kept = selected.filter((s): s is T => s !== null);
      if (kept.length > 0) return kept;
      // nothing here for this surface: confirm those and look past them
      if (events.length > 0) {
        offset = events.at(-1)!.id + 1;
        await outbox.confirm(req.botId, offset);
        continue;
      }
      if (clock.now() >= deadline || req.signal?.aborted) return [];
      await this.#wait(req.botId, Math.min(deadline - clock.now(), this.deps.intervalMs), req.signal);
      if (!(await bots.authenticate(req.token))) throw new AppError("unauthorized", "the bot token was revoked");
    }
  }

  #wait(botId: string, ms: number, signal?: AbortSignal): Promise<void> {
    const waiting = this.#waiting.get(botId) ?? new Set();
    if (waiting.size >= this.deps.maxPerBot) {
      throw new AppError("rate_limited", `at most ${this.deps.maxPerBot} long polls per bot at once`, { retryAfter: 1 });
    }
    this.#waiting.set(botId, waiting);
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        waiting.delete(done);
        if (waiting.size === 0 && this.#waiting.get(botId) === waiting) this.#waiting.delete(botId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done);
      waiting.add(done);
    });
  }
}
