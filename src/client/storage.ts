// Where the client keeps what must survive a restart of the app: per-conversation cursors (the
// highest contiguous seq the app holds) and the outbox (sends not acknowledged yet). One storage
// belongs to one user. Writes for one key are issued in order; an async storage must apply them
// in that order.
import type { SendBody } from "../schema/entries.ts";

type Awaitable<T> = T | Promise<T>;

export interface PendingSend {
  clientId: string;
  conv: string;
  body: SendBody;
  createdAt: number;
}

export interface ClientStorage {
  loadCursors(): Awaitable<Record<string, number>>;
  saveCursor(conv: string, seq: number): Awaitable<void>;
  /** the conversation is no longer readable (left, removed) */
  removeCursor(conv: string): Awaitable<void>;
  /** in the order they were put */
  loadOutbox(): Awaitable<PendingSend[]>;
  putOutbox(entry: PendingSend): Awaitable<void>;
  removeOutbox(clientId: string): Awaitable<void>;
}

/** The default: kept in memory, gone with the page or process. */
export class MemoryStorage implements ClientStorage {
  readonly cursors = new Map<string, number>();
  readonly outbox = new Map<string, PendingSend>();

  loadCursors(): Record<string, number> {
    return Object.fromEntries(this.cursors);
  }
  saveCursor(conv: string, seq: number): void {
    this.cursors.set(conv, seq);
  }
  removeCursor(conv: string): void {
    this.cursors.delete(conv);
  }
  loadOutbox(): PendingSend[] {
    return [...this.outbox.values()];
  }
  putOutbox(entry: PendingSend): void {
    this.outbox.set(entry.clientId, entry);
  }
  removeOutbox(clientId: string): void {
    this.outbox.delete(clientId);
  }
}

/** Kept in a Web Storage (`localStorage`, `sessionStorage`) or anything with the same two methods. */
export class WebStorage extends MemoryStorage {
  constructor(
    private readonly store: Pick<Storage, "getItem" | "setItem">,
    private readonly prefix = "parley:",
  ) {
    super();
    const read = <T>(key: string, fallback: T): T => {
      try {
        return (JSON.parse(store.getItem(prefix + key) ?? "null") as T | null) ?? fallback;
      } catch {
        return fallback;
      }
    };
    for (const [conv, seq] of Object.entries(read<Record<string, number>>("cursors", {}))) this.cursors.set(conv, seq);
    for (const entry of read<PendingSend[]>("outbox", [])) this.outbox.set(entry.clientId, entry);
  }

  override saveCursor(conv: string, seq: number): void {
    super.saveCursor(conv, seq);
    this.store.setItem(this.prefix + "cursors", JSON.stringify(this.loadCursors()));
  }
  override removeCursor(conv: string): void {
    super.removeCursor(conv);
    this.store.setItem(this.prefix + "cursors", JSON.stringify(this.loadCursors()));
  }
  override putOutbox(entry: PendingSend): void {
    super.putOutbox(entry);
    this.#saveOutbox();
  }
  override removeOutbox(clientId: string): void {
    super.removeOutbox(clientId);
    this.#saveOutbox();
  }
  #saveOutbox(): void {
    this.store.setItem(this.prefix + "outbox", JSON.stringify(this.loadOutbox()));
  }
}
