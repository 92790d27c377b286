// A WebSocket test client for GET /v1/ws (PROTOCOL.md "Realtime"), talking to a server only
// through a real socket (Bun's global WebSocket), plus a raw-TCP handshake for what a browser
// client cannot show (the refused upgrade's status and body, a reader that never reads).

export type Frame = Record<string, any> & { t: string };
export interface Closed {
  code: number;
  reason: string;
}

const DEFAULT_TIMEOUT = 5_000;

/** ws://host:port/v1/ws for an http(s) base URL. */
export const wsUrl = (base: string): string => `${base.replace(/^http/, "ws")}/v1/ws`;

let ridCounter = 0;
export const nextRid = (): string => `r${++ridCounter}`;

export interface ConnectOptions {
  /** sent as the Origin header of the upgrade (Bun's WebSocket accepts headers) */
  origin?: string;
  label?: string;
  /** query parameters of the upgrade URL (e.g. the Workers build's `token`) */
  query?: Record<string, string>;
}

export class WsClient {
  /** every frame received, parsed, in arrival order */
  readonly frames: Frame[] = [];
  /** Date.now() at the arrival of each of `frames` */
  readonly arrivedAt: number[] = [];
  /** raw text frames that were not JSON (the server should never send any) */
  readonly garbage: unknown[] = [];
  readonly closed: Promise<Closed>;
  closeInfo: Closed | null = null;
  #consumed = new Set<number>();
  #waiters = new Set<() => void>();
  #keepAlive: ReturnType<typeof setInterval> | undefined;

  private constructor(
    readonly ws: WebSocket,
    readonly label: string,
  ) {
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") this.garbage.push(e.data);
      else {
        try {
          const frame = JSON.parse(e.data);
          this.frames.push(frame);
          this.arrivedAt.push(Date.now());
        } catch {
          this.garbage.push(e.data);
        }
      }
      this.#wake();
    };
    this.closed = new Promise<Closed>((resolve) => {
      ws.onclose = (e) => {
        this.closeInfo = { code: e.code, reason: e.reason };
        resolve(this.closeInfo);
        this.#wake();
      };
    });
  }

  /** Opens a socket (no hello yet). Rejects when the upgrade fails. */
  static async connect(base: string, opts: ConnectOptions = {}): Promise<WsClient> {
    const init = opts.origin ? ({ headers: { Origin: opts.origin } } as unknown as string[]) : undefined;
    const url = wsUrl(base) + (opts.query ? `?${new URLSearchParams(opts.query)}` : "");
    const ws = new WebSocket(url, init);
    const client = new WsClient(ws, opts.label ?? "ws");
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${client.label}: connect timed out`)), DEFAULT_TIMEOUT);
      ws.onopen = () => {
        clearTimeout(timer);
        resolve();
      };
      ws.onerror = (e) => {
        clearTimeout(timer);
        reject(new Error(`${client.label}: connect failed: ${(e as ErrorEvent).message ?? "error"}`));
      };
    });
    return client;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  /** Sends hello and resolves with welcome (throws on close or error). */
  async hello(token: string, opts: { device?: string; cursors?: Record<string, number>; rid?: string } = {}): Promise<Frame> {
    const { device, cursors, rid } = opts;
    this.send({ t: "hello", token, ...(device ? { device } : {}), ...(cursors ? { cursors } : {}), ...(rid ? { rid } : {}) });
    return this.waitFor((f) => f.t === "welcome", { what: "welcome" });
  }

  /** Sends a frame with a fresh rid and resolves with the first answer carrying that rid. */
  async request(frame: Record<string, unknown>, timeoutMs = DEFAULT_TIMEOUT): Promise<Frame> {
    const rid = (frame.rid as string | undefined) ?? nextRid();
    this.send({ ...frame, rid });
    return this.waitFor((f) => f.rid === rid, { timeoutMs, what: `answer to ${frame.t} ${rid}` });
  }

  /** A send frame; resolves with its ack (or error) frame. */
  sendText(conv: string, text: string, clientId: string = crypto.randomUUID()): Promise<Frame> {
    return this.request({ t: "send", conv, clientId, body: { type: "text", text } });
  }

  /**
   * A round trip that orders everything before it: when the pong arrives, every frame the
   * server queued on this socket before reading our ping has arrived too.
   */
  async barrier(): Promise<void> {
    const rid = nextRid();
    this.send({ t: "ping", rid });
    await this.waitFor((f) => f.t === "pong" && f.rid === rid, { what: "pong (barrier)" });
  }

  /**
   * The first frame matching `pred` not returned by an earlier wait, whether it already arrived
   * or arrives within the timeout. Throws on timeout or when the socket closes first.
   */
  waitFor(pred: (f: Frame) => boolean, opts: { timeoutMs?: number; what?: string } = {}): Promise<Frame> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT;
    return new Promise<Frame>((resolve, reject) => {
      const check = (): boolean => {
        for (let i = 0; i < this.frames.length; i++) {
          if (this.#consumed.has(i) || !pred(this.frames[i]!)) continue;
          this.#consumed.add(i);
          done();
          resolve(this.frames[i]!);
          return true;
        }
        if (this.closeInfo) {
          done();
          reject(new Error(`${this.label}: closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for ${opts.what ?? "a frame"}; got ${this.#summary()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.label}: no ${opts.what ?? "matching frame"} within ${timeoutMs} ms; got ${this.#summary()}`));
      }, timeoutMs);
      const waiter = () => void check();
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      if (!check()) this.#waiters.add(waiter);
    });
  }

  /** Waits until `n` frames matching `pred` arrived in total (consumed or not); returns them. */
  async waitForCount(pred: (f: Frame) => boolean, n: number, opts: { timeoutMs?: number; what?: string } = {}): Promise<Frame[]> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.frames.filter(pred);
      if (matching.length >= n) return matching;
      if (this.closeInfo) {
        throw new Error(`${this.label}: closed (${this.closeInfo.code}) with ${matching.length}/${n} ${opts.what ?? "frames"}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: ${matching.length}/${n} ${opts.what ?? "frames"} within ${timeoutMs} ms`);
      await this.#nextEvent(left);
    }
  }

  /** All frames received so far that match. */
  all(pred: (f: Frame) => boolean): Frame[] {
    return this.frames.filter(pred);
  }

  /** The close code and reason, once the socket closed (rejects after the timeout). */
  async closedWithin(timeoutMs = DEFAULT_TIMEOUT): Promise<Closed> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.label}: still open after ${timeoutMs} ms; got ${this.#summary()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Pings every `intervalMs` (as a real client does every heartbeat) until the socket closes. */
  keepAlive(intervalMs: number): void {
    clearInterval(this.#keepAlive);
    this.#keepAlive = setInterval(() => {
      if (this.open) this.send({ t: "ping" });
    }, intervalMs);
    void this.closed.then(() => clearInterval(this.#keepAlive));
  }

  close(): void {
    clearInterval(this.#keepAlive);
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000, "bye");
  }

  #nextEvent(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(fire, timeoutMs);
      function fire() {
        clearTimeout(timer);
        resolve();
      }
      const waiter = () => {
        this.#waiters.delete(waiter);
        fire();
      };
      this.#waiters.add(waiter);
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  #summary(): string {
    const tail = this.frames.slice(-8).map((f) => JSON.stringify(f).slice(0, 160));
    return `${this.frames.length} frames [${tail.join(", ")}]`;
  }
}

/** Every socket a test opened, so afterEach/afterAll can close whatever is left. */
export class Sockets {
  readonly #all = new Set<WsClient>();

  async open(base: string, opts: ConnectOptions = {}): Promise<WsClient> {
    const c = await WsClient.connect(base, opts);
    this.#all.add(c);
    return c;
  }

  /** Connects and says hello; resolves with the client once welcome arrived. */
  async hello(
    base: string,
    token: string,
    opts: { device?: string; cursors?: Record<string, number>; label?: string; origin?: string; query?: Record<string, string> } = {},
  ): Promise<WsClient> {
    const c = await this.open(base, { label: opts.label ?? opts.device, origin: opts.origin, query: opts.query });
    await c.hello(token, opts);
    return c;
  }

  closeAll(): void {
    for (const c of this.#all) c.close();
    this.#all.clear();
  }
}

// The raw-TCP clients (a hand-made handshake, a reader that stops reading) are shared with the
// benchmarks' attack patterns.
export { clientFrame, clientTextFrame, clientTextFrames, parseFrames, rawUpgradeRefused, RawWsClient, type RawFrame, type RawHttpResponse } from "../../bench/lib/raw-ws.ts";
