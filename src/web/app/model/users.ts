// Names of users. Those this user has met (itself, search results, contacts) are kept in
// localStorage, so names show at once after a reload; everyone named on screen (a sender, a
// member, a friend request) is also looked up by id (GET /v1/users?ids=), in batches, once per
// session: a stranger gets a name, and a display name changed since is brought up to date.
import { signal } from "@preact/signals";
import type { User } from "parley/client";

/** GET /v1/users?ids= names at most this many users per request. */
const PER_REQUEST = 100;
/** After a failed lookup (offline), its ids may be asked again this much later. */
const RETRY_AFTER_MS = 5000;

export class Users {
  readonly #known = signal<Record<string, User>>({});
  /** looked up this session, or being looked up: not asked again */
  readonly #asked = new Set<string>();
  readonly #wanted = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    me: User,
    private readonly storageKey: string,
    private readonly lookup: (ids: string[]) => Promise<User[]>,
  ) {
    try {
      this.#known.value = JSON.parse(localStorage.getItem(storageKey) ?? "{}") as Record<string, User>;
    } catch {
      // a damaged entry: start over
    }
    this.learn([me]);
    this.#asked.add(me.id);
  }

  learn(users: readonly User[]): void {
    const known = { ...this.#known.value };
    let changed = false;
    for (const user of users) {
      this.#asked.add(user.id); // fresh from the server
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
    this.#want(id);
    return this.#known.value[id];
  }

  /** The name to show: the display name, or a short form of the id until the lookup answered. */
  name(id: string): string {
    const user = this.get(id);
    return user ? user.displayName || user.username : `user ${id.slice(-6)}`;
  }

  /** Asks for `id` with the next batch (collected until the current render is done). */
  #want(id: string): void {
    if (this.#asked.has(id)) return;
    this.#asked.add(id);
    this.#wanted.add(id);
    this.#timer ??= setTimeout(() => void this.#lookUp(), 0);
  }

  async #lookUp(): Promise<void> {
    this.#timer = undefined;
    const ids = [...this.#wanted];
    this.#wanted.clear();
    for (let i = 0; i < ids.length; i += PER_REQUEST) {
      const batch = ids.slice(i, i + PER_REQUEST);
      try {
        this.learn(await this.lookup(batch));
      } catch {
        // offline: asked again when next shown, a while later
        setTimeout(() => batch.forEach((id) => this.#asked.delete(id)), RETRY_AFTER_MS);
      }
    }
  }
}
