// GET /v1/ws on Workers. A user's sockets all live in that user's Durable Object (user-object.ts),
// but the contract names the user only in the first frame (hello's token), after the upgrade.
// Two ways in:
//
// - `?token=<accessToken>` on the upgrade (an extension; the SDK may use it): the Worker checks
//   the token's signature and hands the upgrade itself to the user's object. The Worker is then
//   out of the path and the socket hibernates with the object. The client still says hello
//   first, which the object authenticates fully (revoked logins included).
// - a plain contract client: the Worker accepts the socket, answers what comes before hello as a
//   session would (the core Session, with no backend: errors, 4003, 1009, rate limit), closes it
//   4001 on a bad token or no hello within the hello timeout, and on a good one opens a socket to
//   the user's object, forwards hello and everything after, and pipes both ways, close codes
//   included. The object hibernates; this Worker request stays up as the pipe.
import type { MiddlewareHandler } from "hono";
import type { Accounts } from "../../core/accounts.ts";
import { isBotToken } from "../../core/bots.ts";
import { AppError } from "../../core/errors.ts";
import type { AccessClaims } from "../../core/ports.ts";
import type { AppEnv } from "../../http/env.ts";
import { CloseCode } from "../../schema/close-codes.ts";
import type { RealtimeBackend } from "../../realtime/backend.ts";
import { Session } from "../../realtime/session.ts";
import { ClientFrame } from "../../schema/frames.ts";
import type { Env } from "./env.ts";
import { closeCode, tooBig } from "./frames.ts";
import { OWNER_HEADER, userObject } from "./objects.ts";
import type { Runtime } from "./runtime.ts";

/**
 * Whose socket a token opens: a JWT's signature is enough here (the user's object checks the
 * login); a bot token (opaque) is looked up by `accounts`.
 */
type Identify = (token: string) => Promise<AccessClaims | null>;
const identifier = (rt: Runtime, accounts: Pick<Accounts, "authenticate">): Identify => (token) =>
  isBotToken(token) ? accounts.authenticate(token) : rt.deps.tokens.verify(token);

export const workersWebSocket =
  (env: Env, rt: Runtime, accounts: Pick<Accounts, "authenticate">): MiddlewareHandler<AppEnv> =>
  async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new AppError("invalid_request", "expected a WebSocket upgrade");
    const identify = identifier(rt, accounts);
    const token = c.req.query("token");
    if (token === undefined) return proxy(env, rt, identify);
    const claims = await identify(token);
    if (!claims) throw new AppError("unauthorized", "invalid or expired token");
    const headers = new Headers(c.req.raw.headers);
    headers.set(OWNER_HEADER, claims.userId);
    const res = await userObject(env, claims.userId).fetch(c.req.url, { headers });
    // A fresh response: the app's middleware adds headers, and a fetched one is immutable.
    return new Response(res.body, { status: res.status, headers: res.headers, webSocket: res.webSocket });
  };

/** Before hello nothing reaches a backend: a session given this one only ever answers or closes. */
const noBackend: RealtimeBackend = new Proxy({} as RealtimeBackend, {
  get: () => () => Promise.reject(new Error("no backend before hello")),
});

/** The token of a valid hello frame, else null. */
function helloToken(raw: string): string | null {
  try {
    const frame = ClientFrame.safeParse(JSON.parse(raw));
    return frame.success && frame.data.t === "hello" ? frame.data.token : null;
  } catch {
    return null;
  }
}

function proxy(env: Env, rt: Runtime, identify: Identify): Response {
  const { 0: client, 1: socket } = new WebSocketPair();
  socket.accept();
  const maxFrame = rt.settings.config.MAX_FRAME_BYTES;
  let upstream: WebSocket | null = null;
  /** frames behind hello while the user's object is being reached; null before hello */
  let pending: string[] | null = null;
  let closed = false;

  const close = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    clearTimeout(helloTimer);
    for (const ws of [socket, upstream]) {
      try {
        ws?.close(closeCode(code), reason);
      } catch {
        // already closed
      }
    }
  };
  const gate = new Session(
    {
      id: "gate",
      send(text) {
        try {
          socket.send(text);
          return true;
        } catch {
          return false;
        }
      },
      close,
    },
    noBackend,
    { onAuthenticated: () => {}, onClosed: () => {} },
    rt.limits,
  );
  const helloTimer = setTimeout(() => close(CloseCode.UNAUTHORIZED, "no hello"), rt.limits.helloTimeoutMs);

  const connect = async (token: string, hello: string) => {
    const claims = await identify(token);
    if (!claims) return close(CloseCode.UNAUTHORIZED, "invalid token");
    if (closed) return;
    const res = await userObject(env, claims.userId).fetch("https://user.object/v1/ws", {
      headers: { Upgrade: "websocket", [OWNER_HEADER]: claims.userId },
    });
    const ws = res.webSocket;
    if (!ws) return close(1011, "realtime unavailable");
    ws.accept();
    ws.addEventListener("message", (e) => {
      try {
        socket.send(e.data);
      } catch {
        // the client is gone; its close event ends the pipe
      }
    });
    ws.addEventListener("close", (e) => close(closeCode(e.code, 1011), e.reason)); // no code: the object went away
    ws.addEventListener("error", () => close(1011, "realtime connection failed"));
    upstream = ws;
    if (closed) return ws.close(1000, "client gone");
    clearTimeout(helloTimer);
    ws.send(hello);
    for (const frame of pending ?? []) ws.send(frame);
    pending = null;
  };

  socket.addEventListener("message", (e) => {
    if (closed) return;
    // Size and binary frames are judged here, as a session would (binary does not survive the pipe as such).
    if (typeof e.data !== "string") return gate.binary();
    if (tooBig(e.data, maxFrame)) return close(CloseCode.TOO_BIG, "frame too large");
    if (upstream && pending === null) return upstream.send(e.data);
    if (pending) return void pending.push(e.data);
    const token = helloToken(e.data);
    if (token === null) return void gate.text(e.data);
    pending = [];
    connect(token, e.data).catch(() => close(1011, "realtime unavailable"));
  });
  socket.addEventListener("close", (e) => close(e.code, e.reason));
  socket.addEventListener("error", () => close(1011, "socket error"));
  return new Response(null, { status: 101, webSocket: client });
}
