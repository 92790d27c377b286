// The contract's HTTP routes (PROTOCOL.md "Accounts", "Conversations", "Messages", "Uploads"),
// typed from the shared schemas. Only `fetch`: runs in browsers, Bun, Workers and Node alike.
import type { z } from "zod";
import type { AuthResponse, LoginRequest, RegisterRequest, User } from "../schema/accounts.ts";
import type { Conversation, ConversationSummary, CreateConversationRequest, ReceiptState } from "../schema/conversations.ts";
import type { Message, MessageBody, MessagePage } from "../schema/messages.ts";
import type { SignedUrl, Upload } from "../schema/uploads.ts";
import { ParleyError } from "./errors.ts";

export type RegisterInput = z.input<typeof RegisterRequest>;
export type LoginInput = z.input<typeof LoginRequest>;
export type HistoryRange = { after?: number; before?: number; limit?: number };

/** How the HTTP client authenticates: the current access token, and a renewed one after a 401. */
export interface HttpAuth {
  token(): Promise<string | null>;
  /** a new access token after the server refused the current one; null: give up */
  renew(): Promise<string | null>;
}

/** `fetch`, or anything with its call shape. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** What one request sends besides its method and path. */
interface Payload {
  body?: BodyInit;
  headers?: Record<string, string>;
}

export interface HttpOptions {
  fetch?: FetchLike;
  auth?: HttpAuth;
}

export class ParleyHttp {
  readonly #fetch: FetchLike;
  readonly #base: string;

  constructor(
    baseUrl: string,
    private readonly options: HttpOptions = {},
  ) {
    this.#base = baseUrl.replace(/\/+$/, "");
    // Unbound `fetch` throws "Illegal invocation" in browsers.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  // Accounts. These three need no token; the caller decides what to do with the new pair.
  register = (input: RegisterInput) => this.#call<AuthResponse>("POST", "/v1/auth/register", input, false);
  login = (input: LoginInput) => this.#call<AuthResponse>("POST", "/v1/auth/login", input, false);
  refresh = (refreshToken: string) => this.#call<AuthResponse>("POST", "/v1/auth/refresh", { refreshToken }, false);
  logout = () => this.#call<void>("POST", "/v1/auth/logout");
  me = () => this.#call<User>("GET", "/v1/me");

  // Conversations.
  createConversation = (input: CreateConversationRequest) => this.#call<Conversation>("POST", "/v1/conversations", input);
  conversations = async (): Promise<ConversationSummary[]> =>
    (await this.#call<{ items: ConversationSummary[] }>("GET", "/v1/conversations")).items;
  conversation = (id: string) => this.#call<Conversation>("GET", `/v1/conversations/${enc(id)}`);
  receipts = (id: string) => this.#call<ReceiptState>("GET", `/v1/conversations/${enc(id)}/receipts`);

  // Messages.
  history = (conv: string, range: HistoryRange = {}) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(range)) if (value !== undefined) query.set(key, String(value));
    const qs = query.toString();
    return this.#call<MessagePage>("GET", `/v1/conversations/${enc(conv)}/messages${qs ? `?${qs}` : ""}`);
  };
  /** Idempotent per clientId: sending again with the same one returns the original message. */
  send = (conv: string, body: MessageBody, clientId: string = crypto.randomUUID()) =>
    this.#call<Message>("POST", `/v1/conversations/${enc(conv)}/messages`, { clientId, body });
  markRead = (conv: string, seq: number) =>
    this.#call<{ readSeq: number; unread: number }>("POST", `/v1/conversations/${enc(conv)}/read`, { seq });

  // Uploads.
  /**
   * Streams a file to the server → its record (`id` goes into `file` / `image` message bodies).
   * The server sniffs the type from the bytes; `contentType` is only what is sent. A stream can
   * be sent once: after a 401 it is not retried with a renewed token (a Blob is).
   */
  upload = (name: string, data: Blob | ReadableStream<Uint8Array>, contentType = "application/octet-stream") =>
    this.#json<Upload>(this.#request("POST", `/v1/uploads?name=${enc(name)}`, { body: data, headers: { "Content-Type": contentType } }));
  /** The bytes of an upload as a Response (read its body, blob() or arrayBuffer()); `range` as in a Range header, e.g. "bytes=0-1023". */
  download = (id: string, range?: string) => this.#request("GET", `/v1/uploads/${enc(id)}`, range ? { headers: { Range: range } } : {});
  /** A signed link to an upload for an hour, for `<img src>` (relative to the server's origin). */
  uploadLink = (id: string) => this.#call<SignedUrl>("POST", `/v1/uploads/${enc(id)}/url`);

  #call<T>(method: string, path: string, json?: unknown, authenticated = true): Promise<T> {
    const payload = json === undefined ? {} : { body: JSON.stringify(json), headers: { "Content-Type": "application/json" } };
    return this.#json<T>(this.#request(method, path, payload, authenticated));
  }

  async #json<T>(response: Promise<Response>): Promise<T> {
    const text = await (await response).text();
    return (text ? safeJson(text) : undefined) as T;
  }

  /** The response of a request that succeeded (after one token renewal, if needed); a ParleyError otherwise. */
  async #request(method: string, path: string, payload: Payload, authenticated = true): Promise<Response> {
    const auth = authenticated ? this.options.auth : undefined;
    // A stream is consumed by sending it: such a request cannot be repeated.
    const repeatable = !(payload.body instanceof ReadableStream);
    let token = (await auth?.token()) ?? null;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...payload.headers };
      if (token) headers.Authorization = `Bearer ${token}`;
      let res: Response;
      try {
        // duplex: what fetch requires of a streamed body (browsers, Node)
        res = await this.#fetch(this.#base + path, { method, headers, body: payload.body, ...(repeatable ? {} : { duplex: "half" }) } as RequestInit);
      } catch (err) {
        throw new ParleyError("network", `${method} ${path}: ${(err as Error)?.message ?? err}`);
      }
      if (res.status === 401 && auth && attempt === 0 && repeatable) {
        const renewed = await auth.renew().catch(() => null);
        if (renewed) {
          await res.body?.cancel();
          token = renewed;
          continue;
        }
      }
      if (res.ok) return res;
      const text = await res.text();
      const body = text ? safeJson(text) : undefined;
      const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      throw new ParleyError(error?.code ?? `http_${res.status}`, error?.message ?? (text || res.statusText), res.status, error?.details);
    }
  }
}

const enc = encodeURIComponent;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
