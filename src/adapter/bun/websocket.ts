// GET /v1/ws on Bun.serve's native WebSockets, driving the runtime-free realtime Hub.
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import type { Connection } from "../../realtime/connection.ts";
import type { Hub } from "../../realtime/hub.ts";
import type { Session } from "../../realtime/session.ts";
import { WriteBatcher } from "./write-batcher.ts";

export interface BunWebSocketOptions {
  /** largest frame accepted; bigger ones close the socket with 1009 */
  maxFrameBytes: number;
  /**
   * bytes that may be queued for a socket (frames waiting for the end of the turn plus what the
   * socket could not write yet); a frame that does not fit closes it as too slow (4008), and
   * message delivery pauses above half of it until the socket drains
   */
  maxBufferedBytes: number;
}

type SocketData = { session?: Session };

/**
 * UTF-8 length of a frame. A fan-out hands the same text to every member's socket in a row:
 * the last answer is kept for it.
 */
let last = { text: "", bytes: 0 };
function utf8Length(text: string): number {
  if (text !== last.text) last = { text, bytes: Buffer.byteLength(text, "utf8") };
  return last.bytes;
}

export function bunWebSocket(hub: Hub, options: BunWebSocketOptions) {
  const upgrade: MiddlewareHandler<AppEnv & { Bindings: Server<SocketData> }> = async (c) => {
    if (c.env.upgrade(c.req.raw, { data: {} })) return new Response(null);
    throw new AppError("invalid_request", "expected a WebSocket upgrade");
  };

  const congested = (ws: ServerWebSocket<SocketData>) => writes.bufferedAmount(ws) > options.maxBufferedBytes / 2;
  // Frames queued in the write batcher count as buffered: once written, delivery waiting on them goes on.
  const writes = new WriteBatcher<SocketData>((ws) => {
    if (!congested(ws)) ws.data.session?.drained();
  });
  /** the most bytes ever queued for one socket (a gauge: MAX_BUFFERED_BYTES must bound it) */
  let peakQueuedBytes = 0;
  const connection = (ws: ServerWebSocket<SocketData>, id: string): Connection => ({
    id,
    send(text) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      const queued = writes.bufferedAmount(ws) + utf8Length(text);
      // Every byte queued for the socket counts: one that does not fit is refused, never queued.
      if (queued > options.maxBufferedBytes) return false;
      writes.send(ws, text, utf8Length(text));
      if (queued > peakQueuedBytes) peakQueuedBytes = queued;
      return true;
    },
    congested: () => congested(ws),
    queuedBytes: () => writes.bufferedAmount(ws),
    close: (code, reason) => {
      writes.flushSocket(ws);
      ws.close(code, reason);
    },
  });

  const websocket: WebSocketHandler<SocketData> = {
    maxPayloadLength: options.maxFrameBytes,
    backpressureLimit: options.maxBufferedBytes * 2,
    closeOnBackpressureLimit: false,
    idleTimeout: 0, // the hub's heartbeat closes idle sockets
    open(ws) {
      ws.data.session = hub.attach(connection(ws, crypto.randomUUID()));
    },
    message(ws, message) {
      if (typeof message === "string") void ws.data.session!.text(message);
      else ws.data.session!.binary();
    },
    drain(ws) {
      ws.data.session?.drained();
    },
    // A protocol-level ping (which Bun answers itself) is a sign of life like any frame.
    ping(ws) {
      ws.data.session?.heard(Date.now());
    },
    close(ws, code) {
      ws.data.session?.closed(code);
    },
  };

  return { upgrade: upgrade as unknown as MiddlewareHandler<AppEnv>, websocket, peakQueuedBytes: () => peakQueuedBytes };
}
