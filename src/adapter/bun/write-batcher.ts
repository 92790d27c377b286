// Frames for Bun sockets, written once per run of synchronous code and socket. Outside Bun's own
// callbacks every ws.send() is a write of its own; a committed batch sends many frames to the
// same sockets (acks to the senders, messages to the readers), all from one synchronous pass, so
// they are queued and written together under ws.cork(), one write per socket instead of one per
// frame. They are written in a microtask, not at the next turn of the event loop: a turn waits
// for every frame the loop reads meanwhile, and acks would wait behind all of them.
import type { ServerWebSocket } from "bun";

interface Queued {
  frames: string[];
  /** UTF-8 bytes of the frames */
  bytes: number;
}

export class WriteBatcher<T> {
  readonly #queued = new Map<ServerWebSocket<T>, Queued>();
  #scheduled = false;

  /** `flushed` runs after a socket's frames were handed to it (its queue went down). */
  constructor(private readonly flushed: (ws: ServerWebSocket<T>) => void = () => {}) {}

  /** Queues a frame of `bytes` (UTF-8) for the socket; written once the code running now is done. */
  send(ws: ServerWebSocket<T>, text: string, bytes: number): void {
    let q = this.#queued.get(ws);
    if (!q) this.#queued.set(ws, (q = { frames: [], bytes: 0 }));
    q.frames.push(text);
    q.bytes += bytes;
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  /** What the socket holds and will hold: its send buffer plus the frames queued here. */
  bufferedAmount(ws: ServerWebSocket<T>): number {
    return ws.getBufferedAmount() + (this.#queued.get(ws)?.bytes ?? 0);
  }

  /** Writes the socket's queued frames now (before it closes, so they go out first). */
  flushSocket(ws: ServerWebSocket<T>): void {
    const q = this.#queued.get(ws);
    if (!q) return;
    this.#queued.delete(ws);
    ws.cork(() => {
      for (const frame of q.frames) ws.send(frame);
    });
    this.flushed(ws);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    for (const ws of this.#queued.keys()) this.flushSocket(ws);
  };
}
