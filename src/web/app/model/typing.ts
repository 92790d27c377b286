// Who is typing where: a `typing` frame shows its sender for a few seconds (senders repeat it
// while they type), and their message arriving ends it.
import { signal } from "@preact/signals";

const SHOWN_MS = 5000;
/**
 * A typing frame this recent is about the next message, not the one arriving: typing frames are
 * relayed at once while a message waits for its commit, so one sent just after a message can
 * overtake it.
 */
const NEWER_THAN_MESSAGE_MS = 200;

export class Typing {
  readonly #who = signal<Record<string, string[]>>({});
  readonly #timers = new Map<string, { timer: ReturnType<typeof setTimeout>; at: number }>();

  in(conv: string): string[] {
    return this.#who.value[conv] ?? [];
  }

  typing(conv: string, user: string): void {
    const key = `${conv} ${user}`;
    clearTimeout(this.#timers.get(key)?.timer);
    this.#timers.set(key, { timer: setTimeout(() => this.#stop(conv, user), SHOWN_MS), at: Date.now() });
    const now = this.in(conv);
    if (!now.includes(user)) this.#who.value = { ...this.#who.value, [conv]: [...now, user] };
  }

  /** A message of `user` arrived: they are done typing it. */
  sent(conv: string, user: string): void {
    const at = this.#timers.get(`${conv} ${user}`)?.at;
    if (at !== undefined && Date.now() - at >= NEWER_THAN_MESSAGE_MS) this.#stop(conv, user);
  }

  clear(): void {
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#who.value = {};
  }

  #stop(conv: string, user: string): void {
    const key = `${conv} ${user}`;
    clearTimeout(this.#timers.get(key)?.timer);
    this.#timers.delete(key);
    const now = this.in(conv);
    if (now.includes(user)) this.#who.value = { ...this.#who.value, [conv]: now.filter((u) => u !== user) };
  }
}
