// A TCP proxy on 127.0.0.1 between clients and a server, for network failures on demand:
// cutAll() resets every client's connection at once and leaves the server's side of it open
// but silent (a half-open connection, as a dead NAT or a pulled cable leaves it): the server
// must find out by itself. Used by the reconnect-storm test and bench.
import type { Socket, TCPSocketListener } from "bun";

interface Pair {
  client: Socket<Side>;
  upstream: Socket<Side> | null;
  /** what the client sent before the upstream connection was up */
  early: Uint8Array[];
  cut: boolean;
}
interface Side {
  pair: Pair;
  /** bytes the socket did not take yet (written on drain) */
  pending: Uint8Array[];
}

function write(to: Socket<Side>, chunk: Uint8Array): void {
  // copies: the runtime may reuse a received chunk's memory
  if (to.data.pending.length > 0) return void to.data.pending.push(chunk.slice());
  const written = to.write(chunk);
  if (written < chunk.byteLength) to.data.pending.push(chunk.slice(Math.max(0, written)));
}

function flush(socket: Socket<Side>): void {
  const { pending } = socket.data;
  while (pending.length > 0) {
    const chunk = pending[0]!;
    const written = socket.write(chunk);
    if (written < chunk.byteLength) {
      pending[0] = chunk.subarray(Math.max(0, written));
      return;
    }
    pending.shift();
  }
}

export class TcpProxy {
  readonly #pairs = new Set<Pair>();
  readonly #listener: TCPSocketListener<Side>;

  constructor(target: { hostname: string; port: number }) {
    const pairs = this.#pairs;
    this.#listener = Bun.listen<Side>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(client) {
          const pair: Pair = { client, upstream: null, early: [], cut: false };
          client.data = { pair, pending: [] };
          pairs.add(pair);
          void Bun.connect<Side>({
            ...target,
            data: { pair, pending: [] },
            socket: {
              open(upstream) {
                pair.upstream = upstream;
                for (const chunk of pair.early.splice(0)) write(upstream, chunk);
              },
              data(upstream, chunk) {
                if (!upstream.data.pair.cut) write(upstream.data.pair.client, chunk);
              },
              drain: flush,
              close(upstream) {
                if (!upstream.data.pair.cut) upstream.data.pair.client.end();
                pairs.delete(upstream.data.pair);
              },
              connectError(upstream) {
                upstream.data.pair.client.end();
                pairs.delete(upstream.data.pair);
              },
            },
          }).catch(() => client.end());
        },
        data(client, chunk) {
          const { pair } = client.data;
          if (pair.cut) return;
          if (pair.upstream) write(pair.upstream, chunk);
          else pair.early.push(new Uint8Array(chunk));
        },
        drain: flush,
        close(client) {
          const { pair } = client.data;
          if (!pair.cut) pair.upstream?.end();
        },
      },
    });
  }

  get port(): number {
    return this.#listener.port;
  }

  /** Connections open through the proxy (cut ones included until the server closes them). */
  get connections(): number {
    return this.#pairs.size;
  }

  /** Resets every client connection now; the server's side stays open and hears nothing more. */
  cutAll(): number {
    let n = 0;
    for (const pair of this.#pairs) {
      if (pair.cut) continue;
      pair.cut = true;
      pair.client.terminate();
      n++;
    }
    return n;
  }

  stop(): void {
    this.#listener.stop(true);
    for (const pair of this.#pairs) {
      pair.client.terminate();
      pair.upstream?.terminate();
    }
    this.#pairs.clear();
  }
}
