// HTTP/1.1 over a bare TCP socket, for what fetch cannot do: send a head and part of a body,
// then stall or hang up; read an answer that arrives before the body was sent.
import { connect, type Socket } from "node:net";

export class RawHttp {
  #received = "";
  #closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (d: Buffer) => (this.#received += d.toString("latin1")));
    socket.on("close", () => (this.#closed = true));
    socket.on("error", () => {}); // a reset by the server is an outcome, not a failure
  }

  static open(base: string): Promise<RawHttp> {
    const url = new URL(base);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => resolve(new RawHttp(socket)));
      socket.once("error", reject);
    });
  }

  /** Writes a request head: `headers` plus Host and Connection: close. */
  head(method: string, path: string, headers: Record<string, string>): this {
    const lines = [`${method} ${path} HTTP/1.1`, "Host: localhost", "Connection: close", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    this.socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    return this;
  }

  write(bytes: Uint8Array | string): this {
    this.socket.write(bytes);
    return this;
  }

  /** Writes `bytes` once the socket took what was written before (a client at the server's pace). */
  async send(bytes: Uint8Array): Promise<void> {
    if (!this.socket.write(bytes)) await new Promise((resolve) => this.socket.once("drain", resolve));
  }

  /** Hangs up at once, mid-request. */
  destroy(): void {
    this.socket.destroy();
  }

  /** The status of the answer, once one arrived (null if none within `timeoutMs`). */
  async status(timeoutMs = 5000): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(this.#received);
      if (m) return Number(m[1]);
      if (this.#closed) return null;
      await Bun.sleep(10);
    }
    return null;
  }

  received(): string {
    return this.#received;
  }
}
