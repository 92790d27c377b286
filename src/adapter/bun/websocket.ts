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
   * bytes queued for a socket beyond which it counts as too slow (4008); message delivery
   * pauses above half of it until the socket drains
   */
  maxBufferedBytes: number;
}

type SocketData = { session?: Session };

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
  const connection = (ws: ServerWebSocket<SocketData>, id: string): Connection => ({
    id,
    send(text) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      writes.send(ws, text);
      // The no-gap promise needs room: past the limit the socket counts as too slow. Only what
      // the socket could not take counts; frames queued in the write batcher leave at the end of the turn.
      return ws.getBufferedAmount() <= options.maxBufferedBytes;
    },
    congested: () => congested(ws),
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
    close(ws) {
      ws.data.session?.closed();
    },
  };

  return { upgrade: upgrade as unknown as MiddlewareHandler<AppEnv>, websocket };
}
