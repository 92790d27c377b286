// The requests of one socket, bounded: at most `maxInflight` are answered at once, at most one
// of an exclusive kind (history pages: a page may be large), and the rest wait in arrival order
// up to `maxWaitingBytes` of frames. A frame that does not fit is refused at once, so whatever a
// client pipelines, the server holds a bounded amount of its requests and their answers.

export interface QueuedRequest {
  /** size of the frame as received, counted while it waits */
  bytes: number;
  /** at most one exclusive request runs at a time */
  exclusive: boolean;
  run(): Promise<void>;
}

export class RequestQueue {
  readonly #waiting: QueuedRequest[] = [];
  #waitingBytes = 0;
  #active = 0;
  #exclusiveActive = false;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(private readonly limits: { maxInflight: number; maxWaitingBytes: number }) {}

  /** Runs the request now or later; false when it is refused (too much waiting already). */
  submit(request: QueuedRequest): boolean {
    if (this.#closed) return true;
    if (this.#waiting.length === 0 && this.#canStart(request)) {
      this.#start(request);
      return true;
    }
    if (this.#waitingBytes + request.bytes > this.limits.maxWaitingBytes) return false;
    this.#waiting.push(request);
    this.#waitingBytes += request.bytes;
    return true;
  }

  /** The socket is gone: nothing waiting runs any more. */
  close(): void {
    this.#closed = true;
    this.#waiting.length = 0;
    this.#waitingBytes = 0;
  }

  /** Resolves once no request is running (after close(): once the last one answered). */
  idle(): Promise<void> {
    return this.#active === 0 ? Promise.resolve() : new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #canStart(request: QueuedRequest): boolean {
    return this.#active < this.limits.maxInflight && !(request.exclusive && this.#exclusiveActive);
  }

  #start(request: QueuedRequest): void {
    this.#active++;
    if (request.exclusive) this.#exclusiveActive = true;
    void request.run().finally(() => {
      this.#active--;
      if (request.exclusive) this.#exclusiveActive = false;
      this.#pump();
      if (this.#active === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    });
  }

  #pump(): void {
    while (!this.#closed && this.#waiting.length > 0 && this.#canStart(this.#waiting[0]!)) {
      const next = this.#waiting.shift()!;
      this.#waitingBytes -= next.bytes;
      this.#start(next);
    }
  }
}
