// Presence shared by every node through Upstash Redis (REST). The rules live in Lua
// (./upstash-scripts.ts) so that concurrent nodes agree on every transition.
import type { Redis } from "@upstash/redis";
import { systemClock, type Clock } from "../core/ports.ts";
import {
  assertTtl,
  DEFAULT_PRESENCE_TTL_MS,
  groupByUser,
  type Presence,
  type PresenceEntry,
  type PresenceStatus,
  type PresenceRefreshResult,
  type WentOffline,
} from "../core/presence.ts";
import { upstashClient, type UpstashConfig } from "../upstash.ts";
import { CONNECT, DISCONNECT, REAP, REFRESH, STATUS } from "./upstash-scripts.ts";

export interface UpstashPresenceOptions extends UpstashConfig {
  /** every key starts with it (default "parley:"); tests use a unique one */
  prefix?: string;
  ttlMs?: number;
  clock?: Clock;
}

// Users per script call: bounds the request size and how long one script holds Redis.
const BATCH = 500;
// Users one refresh reaps at most; the next refresh, on this node or another, takes the rest.
const REAP_LIMIT = 100;

type Script = ReturnType<Redis["createScript"]>;

export class UpstashPresence implements Presence {
  readonly ttlMs: number;
  readonly #clock: Clock;
  readonly #prefix: string;
  readonly #index: string;
  readonly #seen: string;
  readonly #scripts: Record<"connect" | "disconnect" | "refresh" | "reap" | "status", Script>;

  constructor(options: UpstashPresenceOptions) {
    this.ttlMs = assertTtl(options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS);
    this.#clock = options.clock ?? systemClock;
    this.#prefix = `${options.prefix ?? "parley:"}presence:`;
    this.#index = `${this.#prefix}index`;
    this.#seen = `${this.#prefix}seen`;
    const redis = upstashClient(options);
    // EVALSHA first, EVAL when Redis does not have the script yet
    this.#scripts = {
      connect: redis.createScript(CONNECT),
      disconnect: redis.createScript(DISCONNECT),
      refresh: redis.createScript(REFRESH),
      reap: redis.createScript(REAP),
      status: redis.createScript(STATUS),
    };
  }

  async connect(userId: string, connectionId: string): Promise<{ becameOnline: boolean }> {
    const now = this.#clock.now();
    const result = await this.#scripts.connect.exec([this.#conns(userId), this.#index], [userId, connectionId, String(now), String(now + this.ttlMs)]);
    return { becameOnline: Number(result) === 1 };
  }

  async disconnect(userId: string, connectionId: string): Promise<{ becameOffline: boolean; lastSeen: number }> {
    const now = this.#clock.now();
    const result = await this.#scripts.disconnect.exec([this.#conns(userId), this.#index, this.#seen], [userId, connectionId, String(now)]);
    return { becameOffline: Number(result) === 1, lastSeen: now };
  }

  async refresh(entries: readonly PresenceEntry[]): Promise<PresenceRefreshResult> {
    const now = this.#clock.now();
    const lost: PresenceEntry[] = [];
    let due: string[] = [];
    const users = [...groupByUser(entries)];
    // one round even without entries: a node with no sockets still reaps
    for (const batch of users.length > 0 ? chunks(users, BATCH) : [[]]) {
      const args = [String(now), String(now + this.ttlMs), String(REAP_LIMIT)];
      for (const [userId, connectionIds] of batch) args.push(userId, String(connectionIds.length), ...connectionIds);
      const [lostPairs, candidates] = (await this.#scripts.refresh.exec(
        [this.#index, ...batch.map(([userId]) => this.#conns(userId))],
        args,
      )) as [string[], string[]];
      for (const [userId, connectionId] of pairs(lostPairs)) lost.push({ userId, connectionId });
      due = candidates;
    }
    return { lost, expired: await this.#reap(due, now) };
  }

  async status(userIds: readonly string[]): Promise<PresenceStatus[]> {
    const now = this.#clock.now();
    const statuses: PresenceStatus[] = [];
    for (const batch of chunks(userIds, BATCH)) {
      const flat = (await this.#scripts.status.exec(
        [this.#index, this.#seen, ...batch.map((userId) => this.#conns(userId))],
        [String(now), String(this.ttlMs), ...batch],
      )) as (number | null)[];
      batch.forEach((userId, k) => {
        const lastSeen = flat[2 * k + 1];
        statuses.push({ userId, online: flat[2 * k] === 1, lastSeen: lastSeen == null ? null : Number(lastSeen) });
      });
    }
    return statuses;
  }

  async #reap(candidates: string[], now: number): Promise<WentOffline[]> {
    if (candidates.length === 0) return [];
    const gone = (await this.#scripts.reap.exec(
      [this.#index, this.#seen, ...candidates.map((userId) => this.#conns(userId))],
      [String(now), String(this.ttlMs), ...candidates],
    )) as (string | number)[];
    return pairs(gone).map(([userId, lastSeen]) => ({ userId: String(userId), lastSeen: Number(lastSeen) }));
  }

  #conns(userId: string): string {
    return `${this.#prefix}conns:${userId}`;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function pairs<T>(flat: T[]): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}
