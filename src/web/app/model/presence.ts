// Online state and last seen of the people this user shares conversations with: read with
// GET /v1/presence (at start and after every reconnect, as transitions are not replayed), then
// kept by `presence` frames.
import { signal } from "@preact/signals";
import type { ParleyHttp, PresenceItem } from "parley/client";

/** GET /v1/presence answers at most this many users per request. */
const PER_REQUEST = 200;

export class PresenceBook {
  readonly #of = signal<Record<string, PresenceItem>>({});

  constructor(private readonly api: ParleyHttp) {}

  get(user: string): PresenceItem | undefined {
    return this.#of.value[user];
  }

  async load(users: readonly string[]): Promise<void> {
    const unique = [...new Set(users)];
    for (let i = 0; i < unique.length; i += PER_REQUEST) {
      for (const item of await this.api.presence(unique.slice(i, i + PER_REQUEST))) this.set(item);
    }
  }

  set(item: PresenceItem): void {
    this.#of.value = { ...this.#of.value, [item.user]: item };
  }
}
