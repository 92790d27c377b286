// Who is typing where: a `typing` frame shows its sender for a few seconds (senders repeat it
// while they type), and their message arriving ends it at once.
import { signal } from "@preact/signals";

const SHOWN_MS = 5000;

export class Typing {
  readonly #who = signal<Record<string, string[]>>({});
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  in(conv: string): string[] {
    return this.#who.value[conv] ?? [];
  }

  typing(conv: string, user: string): void {
    const key = `${conv} ${user}`;
    clearTimeout(this.#timers.get(key));
    this.#timers.set(key, setTimeout(() => this.stopped(conv, user), SHOWN_MS));
    const now = this.in(conv);
    if (!now.includes(user)) this.#who.value = { ...this.#who.value, [conv]: [...now, user] };
  }

  stopped(conv: string, user: string): void {
    const key = `${conv} ${user}`;
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    const now = this.in(conv);
    if (now.includes(user)) this.#who.value = { ...this.#who.value, [conv]: now.filter((u) => u !== user) };
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#who.value = {};
  }
}
