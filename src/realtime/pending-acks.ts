// The sends of one connection waiting for their ack. The ack of a committed send leaves through
// the conversation's stream (OrderedDelivery), at its seq, so that it never arrives after the
// msg of a later seq: when the committed message reaches the connection, its send is marked
// `delivered`, and the stream takes its ack when it gets there. A resend, or a message whose
// delivery never reached the connection, is answered by the send itself.
import type { Rid } from "../schema/frames.ts";
import type { Message } from "../schema/messages.ts";

export interface PendingAck {
  readonly conv: string;
  readonly rid: Rid;
  /** the committed message reached this connection's stream, which will answer it */
  delivered: boolean;
  /** the stream sent the ack */
  sent: boolean;
  /** settles once the stream sent the ack, or handed the send back to answer itself */
  readonly answered: Promise<void>;
}

/**
 * Most acks leave through the stream before their send looks again, so `answered` is made only
 * when someone waits for it: a send costs no promise of its own.
 */
class Entry implements PendingAck {
  delivered = false;
  sent = false;
  #settled = false;
  #settle: (() => void) | undefined;
  #answered: Promise<void> | undefined;

  constructor(
    readonly conv: string,
    readonly rid: Rid,
  ) {}

  get answered(): Promise<void> {
    if (this.#settled) return Promise.resolve();
    return (this.#answered ??= new Promise<void>((resolve) => (this.#settle = resolve)));
  }

  settle(): void {
    this.#settled = true;
    this.#settle?.();
  }
}

export class PendingAcks {
  /**
   * conv → clientId → the sends with that clientId, oldest first (a client may repeat one); made
   * at the first send (an idle socket has none). Two maps rather than one keyed by `conv + clientId`:
   * each own message is looked up three times (expect, delivered, take), and a joined key is a new
   * string to hash every time.
   */
  #sends: Map<string, Map<string, Entry[]>> | undefined;

  constructor(private readonly userId: () => string | undefined) {}

  expect(conv: string, clientId: string, rid: Rid): PendingAck {
    const entry = new Entry(conv, rid);
    const sends = (this.#sends ??= new Map());
    let byClientId = sends.get(conv);
    if (!byClientId) sends.set(conv, (byClientId = new Map()));
    const list = byClientId.get(clientId);
    if (list) list.push(entry);
    else byClientId.set(clientId, [entry]);
    return entry;
  }

  /** True when `message` is one of this connection's sends still to answer. */
  has(message: Message): boolean {
    return this.#listOf(message) !== undefined;
  }

  /** The committed `message` reached the connection's stream: its send is answered from there. */
  delivered(message: Message): void {
    const entry = this.#listOf(message)?.find((e) => !e.delivered);
    if (entry) entry.delivered = true;
  }

  /** The stream sends the ack of `message`: the send it answers (delivered ones first), if one waits. */
  take(message: Message): PendingAck | undefined {
    const list = this.#listOf(message);
    if (!list) return undefined;
    const entry = list.find((e) => e.delivered) ?? list[0]!;
    entry.sent = true;
    this.#remove(message.conv, message.clientId, list, entry);
    return entry;
  }

  /** Answered by the send itself (or failed): it no longer waits. */
  forget(pending: PendingAck, clientId: string): void {
    const list = this.#sends?.get(pending.conv)?.get(clientId);
    if (list?.includes(pending as Entry)) this.#remove(pending.conv, clientId, list, pending as Entry);
  }

  /** The stream of `conv` is gone: its waiting sends are handed back to answer themselves. */
  handBack(conv: string): void {
    const byClientId = this.#sends?.get(conv);
    if (!byClientId) return;
    this.#sends!.delete(conv);
    for (const list of byClientId.values()) for (const entry of list) entry.settle();
  }

  /** The sends waiting with `message`'s conv and clientId, when this connection's user sent it. */
  #listOf(message: Message): Entry[] | undefined {
    if (this.#sends === undefined || message.sender !== this.userId()) return undefined;
    return this.#sends.get(message.conv)?.get(message.clientId);
  }

  #remove(conv: string, clientId: string, list: Entry[], entry: Entry): void {
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) {
      const byClientId = this.#sends!.get(conv)!;
      byClientId.delete(clientId);
      if (byClientId.size === 0) this.#sends!.delete(conv);
    }
    entry.settle();
  }
}
