// A WebSocket test client for GET /v1/ws (PROTOCOL.md "Realtime"), talking to a server only
// through a real socket (Bun's global WebSocket), plus a raw-TCP handshake for what a browser
// client cannot show (the refused upgrade's status and body, a reader that never reads).
import { connect as tcpConnect, type Socket } from "node:net";

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

// ---- raw TCP: a hand-made handshake ---------------------------------------------------------

export interface RawHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function hostPort(base: string): { host: string; port: number } {
  const u = new URL(base);
  return { host: u.hostname === "localhost" ? "127.0.0.1" : u.hostname, port: Number(u.port || 80) };
}

function upgradeRequest(base: string, extra: Record<string, string>): string {
  const u = new URL(base);
  const headers: Record<string, string> = {
    Host: u.host,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
    "Sec-WebSocket-Version": "13",
    ...extra,
  };
  return `GET /v1/ws HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n")}\r\n\r\n`;
}

function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine, ...lines] = head.split("\r\n");
  const status = Number(statusLine!.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status, headers };
}

/**
 * Sends a WebSocket upgrade request by hand and reads a non-101 answer completely (status,
 * headers, body): what a refused upgrade looks like on the wire.
 */
export function rawUpgradeRefused(base: string, headers: Record<string, string>, timeoutMs = DEFAULT_TIMEOUT): Promise<RawHttpResponse> {
  const { host, port } = hostPort(base);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    let buf: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`raw upgrade: no complete answer within ${timeoutMs} ms: ${buf.toString()}`)), timeoutMs);
    const finish = (err: Error | null, res?: RawHttpResponse) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    socket.on("connect", () => socket.write(upgradeRequest(base, headers)));
    socket.on("error", (e) => finish(e));
    const tryParse = (ended: boolean) => {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return ended ? finish(new Error(`raw upgrade: truncated answer: ${buf.toString()}`)) : undefined;
      const { status, headers: h } = parseHead(buf.subarray(0, end).toString("latin1"));
      const body = buf.subarray(end + 4);
      const length = h["content-length"] === undefined ? undefined : Number(h["content-length"]);
      if (status === 101) return finish(new Error("raw upgrade: the server accepted the upgrade (101)"));
      if (length !== undefined && body.length >= length) return finish(null, { status, headers: h, body: body.subarray(0, length).toString() });
      if (ended) return finish(null, { status, headers: h, body: body.toString() });
    };
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      tryParse(false);
    });
    socket.on("end", () => tryParse(true));
  });
}

/** A WebSocket frame as the server sent it (servers never mask). */
export interface RawFrame {
  opcode: number;
  payload: Buffer;
}

/** Parses as many complete frames as `buf` holds; returns them and the unparsed rest. */
export function parseFrames(buf: Buffer): { frames: RawFrame[]; rest: Buffer } {
  const frames: RawFrame[] = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 2) break;
    const b0 = buf[off]!;
    const b1 = buf[off + 1]!;
    let len = b1 & 0x7f;
    let head = 2;
    if (len === 126) {
      if (buf.length - off < 4) break;
      len = buf.readUInt16BE(off + 2);
      head = 4;
    } else if (len === 127) {
      if (buf.length - off < 10) break;
      len = Number(buf.readBigUInt64BE(off + 2));
      head = 10;
    }
    const masked = (b1 & 0x80) !== 0;
    if (masked) head += 4;
    if (buf.length - off < head + len) break;
    if (!(b0 & 0x80)) throw new Error("fragmented server frames are not handled by this test client");
    frames.push({ opcode: b0 & 0x0f, payload: Buffer.from(buf.subarray(off + head, off + head + len)) });
    off += head + len;
  }
  return { frames, rest: Buffer.from(buf.subarray(off)) };
}

/** A masked client text frame. */
export function clientTextFrame(text: string): Buffer {
  return clientFrame(0x1, Buffer.from(text));
}

/** A masked client frame of any opcode (0x1 text, 0x9 ping, ...). */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from(crypto.getRandomValues(new Uint8Array(4)));
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, masked]);
}

/**
 * A WebSocket client over a plain TCP socket that can stop reading: `pause()` leaves every byte
 * the server sends in the kernel buffers, so the server's own send buffer fills up.
 */
export class RawWsClient {
  #buf: Buffer = Buffer.alloc(0);
  readonly frames: RawFrame[] = [];
  ended = false;
  #waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.on("data", (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      const { frames, rest } = parseFrames(this.#buf);
      this.#buf = rest;
      this.frames.push(...frames);
      this.#wake();
    });
    const end = () => {
      this.ended = true;
      this.#wake();
    };
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", end);
  }

  static connect(base: string, headers: Record<string, string> = {}, timeoutMs = DEFAULT_TIMEOUT): Promise<RawWsClient> {
    const { host, port } = hostPort(base);
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host, port });
      let head = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error("raw ws: handshake timed out")), timeoutMs);
      const fail = (e: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(e);
      };
      const onData = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        clearTimeout(timer);
        const { status } = parseHead(head.subarray(0, end).toString("latin1"));
        if (status !== 101) return fail(new Error(`raw ws: upgrade answered ${status}`));
        const client = new RawWsClient(socket);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.emit("data", Buffer.from(rest));
        resolve(client);
      };
      socket.on("data", onData);
      socket.on("error", fail);
      socket.on("connect", () => socket.write(upgradeRequest(base, headers)));
    });
  }

  sendText(text: string): void {
    this.socket.write(clientTextFrame(text));
  }

  /** Many text frames in one TCP write. */
  sendTexts(texts: string[]): void {
    this.socket.write(Buffer.concat(texts.map(clientTextFrame)));
  }

  /** A protocol-level ping (opcode 9), not a `ping` frame of the protocol. */
  sendPing(): void {
    this.socket.write(clientFrame(0x9, Buffer.alloc(0)));
  }

  /** Bytes received so far (every frame's payload). */
  get received(): number {
    return this.frames.reduce((n, f) => n + f.payload.length, 0);
  }

  /** Stops reading from the socket: the kernel buffers fill, then the server's. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** JSON of every text frame so far. */
  texts(): Frame[] {
    return this.frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString()));
  }

  /** The close frame's code, if one arrived. */
  closeCode(): number | undefined {
    const f = this.frames.find((x) => x.opcode === 8);
    return f && f.payload.length >= 2 ? f.payload.readUInt16BE(0) : undefined;
  }

  /** Waits until `pred` holds (checked after every chunk) or the socket ends. */
  async until(pred: () => boolean, timeoutMs = DEFAULT_TIMEOUT): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (this.ended) return pred();
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const waiter = () => done();
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(waiter);
        setTimeout(() => this.#waiters.delete(waiter), left + 1);
      });
    }
    return true;
  }

  destroy(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const ws = [...this.#waiters];
    this.#waiters.clear();
    for (const w of ws) w();
  }
}
