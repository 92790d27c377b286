// A WebSocket client over a plain TCP socket, for what a well-behaved client cannot do: see the
// refused upgrade's status and body, stop reading (so the server's send buffer fills up), write
// many frames in one TCP write, send protocol-level pings. Used by tests and by bench:abuse.
import { connect as tcpConnect, type Socket } from "node:net";

type Frame = Record<string, any> & { t: string };
const DEFAULT_TIMEOUT = 5_000;

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

/**
 * Many masked text frames in one buffer, for `RawWsClient.write`. Masking runs byte by byte here
 * (about 1 s for 48 MB under load): a test builds a burst before it times anything.
 */
export function clientTextFrames(texts: string[]): Buffer {
  return Buffer.concat(texts.map(clientTextFrame));
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
    this.write(clientTextFrames(texts));
  }

  /** Frames built beforehand (clientTextFrames), in one TCP write. */
  write(frames: Buffer): void {
    this.socket.write(frames);
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
