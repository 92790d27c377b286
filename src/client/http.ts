// The contract's HTTP routes (docs/protocol.md: accounts, conversations, entries, groups, contacts,
// presence, uploads), typed from the shared schemas. Only `fetch`: runs in browsers, Bun, Workers and Node alike.
import type { z } from "zod";
import { newClientId } from "./client-ids.ts";
import type { AuthResponse, LoginRequest, RegisterRequest, User } from "../schema/accounts.ts";
import type { Contact, CreateFriendRequest, FriendRequest, Page } from "../schema/contacts.ts";
import type { Bot, BotEvent, CreateBotRequest, EventType, WebhookInfo } from "../schema/bots.ts";
import type { ConversationSettings, ListQuery, SettingsChange, SettingsRequest, UnreadTotals } from "../schema/conversation-list.ts";
import type { Conversation, ConversationSummary, CreateConversationRequest, ReceiptState } from "../schema/conversations.ts";
import type { ConversationChanges, SendBody } from "../schema/entries.ts";
import type { Message, MessagePage } from "../schema/messages.ts";
import type { PresenceItem } from "../schema/presence.ts";
import type { PushSubscribeRequest, PushSubscriptionInfo, VapidKey } from "../schema/push.ts";
import type { SearchPage } from "../schema/search.ts";
import type { Role } from "../schema/roles.ts";
import type { SignedUrl, Upload } from "../schema/uploads.ts";
import { ParleyError } from "./errors.ts";

export type RegisterInput = z.input<typeof RegisterRequest>;
export type LoginInput = z.input<typeof LoginRequest>;
export type HistoryRange = { after?: number; before?: number; limit?: number };
/** A page of a contacts list: `cursor` is the previous page's `nextCursor`. */
export type PageRange = { limit?: number; cursor?: string };
export type SearchFilters = { conv?: string; from?: string; after?: number; before?: number; limit?: number; cursor?: string };
export type CreateBotInput = z.input<typeof CreateBotRequest>;
export type PushSubscribeInput = z.input<typeof PushSubscribeRequest>;
/** Which conversations a list shows (absent: no filter; hidden ones only with `hidden: true`). */
export type ListFilter = Partial<ListQuery>;

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
  /** Users whose username starts with `q`. */
  searchUsers = async (q: string, limit?: number): Promise<User[]> =>
    (await this.#call<{ items: User[] }>("GET", `/v1/users?${new URLSearchParams({ q, ...(limit ? { limit: String(limit) } : {}) })}`)).items;
  /** These users (at most 100 ids), those that exist, in the order asked. */
  users = async (ids: readonly string[]): Promise<User[]> =>
    (await this.#call<{ items: User[] }>("GET", `/v1/users?${new URLSearchParams({ ids: ids.join(",") })}`)).items;
  /** Online state and last seen of these users (only those sharing a conversation with the caller are answered). */
  presence = async (userIds: readonly string[]): Promise<PresenceItem[]> =>
    (await this.#call<{ items: PresenceItem[] }>("GET", `/v1/presence?${new URLSearchParams({ users: userIds.join(",") })}`)).items;

  // Conversations.
  createConversation = (input: CreateConversationRequest) => this.#call<Conversation>("POST", "/v1/conversations", input);
  /** The caller's conversations, pinned first, then by latest activity. */
  conversations = async (filter: ListFilter = {}): Promise<ConversationSummary[]> =>
    (await this.#call<{ items: ConversationSummary[] }>("GET", `/v1/conversations${query(flags(filter))}`)).items;
  conversation = (id: string) => this.#call<Conversation>("GET", `/v1/conversations/${enc(id)}`);
  receipts = (id: string) => this.#call<ReceiptState>("GET", `/v1/conversations/${enc(id)}/receipts`);

  // Messages.
  history = (conv: string, range: HistoryRange = {}) => this.#call<MessagePage>("GET", `/v1/conversations/${enc(conv)}/messages${query(range)}`);
  /** Idempotent per clientId: sending again with the same one returns the original message. */
  send = (conv: string, body: SendBody, clientId: string = newClientId()) =>
    this.#call<Message>("POST", `/v1/conversations/${enc(conv)}/messages`, { clientId, body });
  /** Each of these is an entry of the log, idempotent per clientId like a send. */
  edit = (conv: string, seq: number, text: string, clientId: string = newClientId()) =>
    this.#call<Message>("POST", `/v1/conversations/${enc(conv)}/messages/${seq}/edit`, { clientId, text });
  recall = (conv: string, seq: number, clientId: string = newClientId()) =>
    this.#call<Message>("POST", `/v1/conversations/${enc(conv)}/messages/${seq}/recall`, { clientId });
  /** The reaction entry, or undefined when the reaction already stood so (nothing changed). */
  react = async (conv: string, seq: number, emoji: string, on: boolean, clientId: string = newClientId()) => {
    const path = `/v1/conversations/${enc(conv)}/messages/${seq}/reactions/${enc(emoji)}?clientId=${enc(clientId)}`;
    const answer = await this.#call<Message | { changed: false }>(on ? "PUT" : "DELETE", path);
    return "changed" in answer ? undefined : answer;
  };

  // Groups: each change is an entry of the log.
  addMembers = (conv: string, users: string[]) => this.#call<Message>("POST", `/v1/conversations/${enc(conv)}/members`, { users });
  removeMember = (conv: string, userId: string) => this.#call<Message>("DELETE", `/v1/conversations/${enc(conv)}/members/${enc(userId)}`);
  updateMember = (conv: string, userId: string, change: { role?: Role; mutedUntil?: number | null }) =>
    this.#call<{ items: Message[] }>("PATCH", `/v1/conversations/${enc(conv)}/members/${enc(userId)}`, change);
  transfer = (conv: string, to: string) => this.#call<Message>("POST", `/v1/conversations/${enc(conv)}/transfer`, { to });
  updateConversation = (conv: string, changes: ConversationChanges) => this.#call<Message>("PATCH", `/v1/conversations/${enc(conv)}`, changes);
  dissolve = (conv: string) => this.#call<Message>("DELETE", `/v1/conversations/${enc(conv)}`);
  markRead = (conv: string, seq: number) =>
    this.#call<{ readSeq: number; unread: number }>("POST", `/v1/conversations/${enc(conv)}/read`, { seq });

  // The caller's own list: settings, clearing, hiding, unread totals (nobody else sees any of it).
  conversationSettings = (conv: string) => this.#call<ConversationSettings>("GET", `/v1/conversations/${enc(conv)}/settings`);
  updateSettings = (conv: string, changes: SettingsRequest) =>
    this.#call<ConversationSettings>("PATCH", `/v1/conversations/${enc(conv)}/settings`, changes);
  /** History up to `seq` (at most the last seq) is gone for the caller. */
  clearHistory = (conv: string, seq: number) => this.#call<ConversationSettings>("POST", `/v1/conversations/${enc(conv)}/clear`, { seq });
  /** One entry is gone for the caller. */
  hideEntry = (conv: string, seq: number) => this.#call<SettingsChange>("POST", `/v1/conversations/${enc(conv)}/messages/${seq}/hide`);
  /** Unread entries and conversations with any, muted, archived and hidden ones left out. */
  unread = () => this.#call<UnreadTotals>("GET", "/v1/unread");

  // Search: entries the caller may read, newest first; `cursor` is the previous page's nextCursor.
  search = (q: string, filters: SearchFilters = {}) => this.#call<SearchPage>("GET", `/v1/search${query({ q, ...filters })}`);

  // Contacts.
  /** 201 a new request; 200 the caller's pending one to `to`, or `to`'s request to the caller, accepted. */
  sendFriendRequest = (input: CreateFriendRequest) => this.#call<FriendRequest>("POST", "/v1/friends/requests", input);
  /** Pending requests to the caller (`in`) or from the caller (`out`). */
  friendRequests = (direction: "in" | "out", range: PageRange = {}) =>
    this.#call<Page<FriendRequest>>("GET", `/v1/friends/requests${query({ direction, ...range })}`);
  acceptFriendRequest = (id: string) => this.#call<FriendRequest>("POST", `/v1/friends/requests/${enc(id)}/accept`);
  rejectFriendRequest = (id: string) => this.#call<FriendRequest>("POST", `/v1/friends/requests/${enc(id)}/reject`);
  cancelFriendRequest = (id: string) => this.#call<FriendRequest>("POST", `/v1/friends/requests/${enc(id)}/cancel`);
  friends = (range: PageRange = {}) => this.#call<Page<Contact>>("GET", `/v1/friends${query(range)}`);
  unfriend = (userId: string) => this.#call<void>("DELETE", `/v1/friends/${enc(userId)}`);
  block = (userId: string) => this.#call<Contact>("PUT", `/v1/blocks/${enc(userId)}`);
  unblock = (userId: string) => this.#call<void>("DELETE", `/v1/blocks/${enc(userId)}`);
  blocks = (range: PageRange = {}) => this.#call<Page<Contact>>("GET", `/v1/blocks${query(range)}`);

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

  // Bots (docs/protocol.md "Bots and integrations"). The token is in the answers of createBot and
  // rotateBotToken only: keep it. A bot uses this client with its token as the access token.
  createBot = (input: CreateBotInput) => this.#call<{ bot: Bot; token: string }>("POST", "/v1/bots", input);
  bots = async (): Promise<Bot[]> => (await this.#call<{ items: Bot[] }>("GET", "/v1/bots")).items;
  deleteBot = (id: string) => this.#call<void>("DELETE", `/v1/bots/${enc(id)}`);
  rotateBotToken = (id: string) => this.#call<{ bot: Bot; token: string }>("POST", `/v1/bots/${enc(id)}/token`);
  setWebhook = (id: string, webhook: { url: string; secret: string; events?: EventType[] }) =>
    this.#call<WebhookInfo>("PUT", `/v1/bots/${enc(id)}/webhook`, webhook);
  webhook = (id: string) => this.#call<WebhookInfo>("GET", `/v1/bots/${enc(id)}/webhook`);
  deleteWebhook = (id: string) => this.#call<void>("DELETE", `/v1/bots/${enc(id)}/webhook`);
  webhookFailures = async (id: string) =>
    (await this.#call<{ items: { event: BotEvent; attempts: number; lastError: string | null }[] }>("GET", `/v1/bots/${enc(id)}/webhook/failures`)).items;
  /** A bot's long poll: events with id >= offset (confirming those below), waiting up to `timeout` s. */
  updates = async (range: { offset?: number; limit?: number; timeout?: number } = {}): Promise<BotEvent[]> =>
    (await this.#call<{ items: BotEvent[] }>("GET", `/v1/updates${query(range)}`)).items;

  // Push notifications (docs/protocol.md "Push notifications"): a device subscribes with the
  // server's key and hands over its subscription (PushSubscription.toJSON() in a browser).
  pushKey = async (): Promise<string> => (await this.#call<VapidKey>("GET", "/v1/push/vapid-key")).publicKey;
  subscribePush = (subscription: PushSubscribeInput) => this.#call<PushSubscriptionInfo>("POST", "/v1/push/subscriptions", subscription);
  unsubscribePush = (endpoint: string) => this.#call<void>("DELETE", "/v1/push/subscriptions", { endpoint });

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

/** `?a=1&b=2` of the defined values, or "" */
function query(params: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) qs.set(key, String(value));
  const text = qs.toString();
  return text ? `?${text}` : "";
}

const flags = (filter: ListFilter) => Object.fromEntries(Object.entries(filter).map(([key, on]) => [key, on === undefined ? undefined : String(on)]));

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
