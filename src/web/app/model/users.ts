// Names of the people this user has met: the server has no lookup of a user by id yet (only the
// username search of GET /v1/users?q=), so the app remembers every user it has seen (its own,
// search results) in localStorage, and shows a short form of the id for anyone else. A lookup
// route, once there is one, would fill this from `name`'s misses.
import { signal } from "@preact/signals";
import type { User } from "parley/client";

export class Users {
  readonly #known = signal<Record<string, User>>({});

  constructor(
    me: User,
    private readonly storageKey: string,
  ) {
    try {
      this.#known.value = JSON.parse(localStorage.getItem(storageKey) ?? "{}") as Record<string, User>;
    } catch {
      // a damaged entry: start over
    }
    this.learn([me]);
  }

  learn(users: readonly User[]): void {
    const known = { ...this.#known.value };
    let changed = false;
    for (const user of users) {
      const had = known[user.id];
      if (had?.username === user.username && had.displayName === user.displayName) continue;
      known[user.id] = { id: user.id, username: user.username, displayName: user.displayName };
      changed = true;
    }
    if (!changed) return;
    this.#known.value = known;
    localStorage.setItem(this.storageKey, JSON.stringify(known));
  }

  get(id: string): User | undefined {
    return this.#known.value[id];
  }

  /** The name to show: the display name, or a short form of the id for someone not met yet. */
  name(id: string): string {
    const user = this.#known.value[id];
    return user ? user.displayName || user.username : `user ${id.slice(-6)}`;
  }
}
