// The logged-in app: one ParleyClient (its socket, outbox and cursors, kept in localStorage per
// user) and the models the screens read, fed from the client's events. Each feature (a frame
// kind, contacts, uploads, search…) has its model under model/ and its wiring here.
import { computed, signal } from "@preact/signals";
import { newClientId, ParleyClient, WebStorage, type ConnectionState, type Conversation, type Message, type ParleyError, type SendBody, type SettingsChange, type User } from "parley/client";
import { Attachments } from "./model/attachments.ts";
import { Contacts } from "./model/contacts.ts";
import { Conversations } from "./model/conversations.ts";
import { isAction, isContent } from "./model/entries.ts";
import { UploadLinks } from "./model/links.ts";
import { ListSettings } from "./model/list-settings.ts";
import { OutgoingMessages } from "./model/outgoing.ts";
import { PresenceBook } from "./model/presence.ts";
import { Receipts } from "./model/receipts.ts";
import { Notifications } from "./model/notifications.ts";
import { Search } from "./model/search.ts";
import { Timeline } from "./model/timeline.ts";
import { Typing } from "./model/typing.ts";
import { Users } from "./model/users.ts";
import { clearLogin, deviceName, saveLogin, type Login } from "./session.ts";
import { now } from "./ui/format.ts";

export class Chat {
  readonly me: User;
  readonly client: ParleyClient;
  readonly users: Users;
  readonly conversations: Conversations;
  readonly listSettings: ListSettings;
  readonly receipts: Receipts;
  readonly presence: PresenceBook;
  readonly outgoing: OutgoingMessages;
  readonly attachments: Attachments;
  readonly links: UploadLinks;
  readonly contacts: Contacts;
  readonly search: Search;
  /** push notifications on this device while it is closed */
  readonly notifications: Notifications;
  readonly typing = new Typing();
  readonly connection = signal<ConnectionState>("idle");
  readonly everConnected = signal(false);
  /** why the connection stopped for good (e.g. the same device connected elsewhere) */
  readonly stopped = signal<string | null>(null);
  /** the conversation on screen */
  readonly openConv = signal<string | null>(null);
  /** unsent text per conversation, kept while switching between them */
  readonly drafts = new Map<string, string>();
  readonly #timelines = new Map<string, Timeline>();
  readonly #off: (() => void)[] = [];

  constructor(
    login: Login,
    /** this login ended (logged out, revoked, kicked); `reason` is shown on the login screen */
    private readonly ended: (reason?: string) => void,
  ) {
    this.me = login.user;
    const storage = new WebStorage(localStorage, `parley:${login.user.id}:`);
    this.client = new ParleyClient({
      baseUrl: location.origin,
      device: deviceName(),
      tokens: login.tokens,
      onTokens: saveLogin,
      storage,
      // Conversations are followed from where the list stands (see start); one that appears
      // later (someone wrote to us) from its first message seen.
      startFrom: "first-seen",
      autoMarkDelivered: true,
      reconnect: { maxDelayMs: 5000 },
    });
    const api = this.client.api;
    this.users = new Users(login.user, `parley:${login.user.id}:users`, (ids) => api.users(ids));
    this.conversations = new Conversations(api, login.user.id);
    this.listSettings = new ListSettings(api, this.conversations, now, (change) => this.#settled(change));
    this.receipts = new Receipts(api);
    this.presence = new PresenceBook(api);
    this.outgoing = new OutgoingMessages(storage.loadOutbox());
    this.attachments = new Attachments(api, (conv, body) => this.send(conv, body));
    this.links = new UploadLinks(api);
    this.contacts = new Contacts(api, (users) => this.users.learn(users));
    this.search = new Search(api);
    this.notifications = new Notifications(api);

    const on = this.#off.push.bind(this.#off);
    on(this.client.on("msg", (m) => this.#received(m)));
    on(this.client.on("receipt", (r) => {
      this.receipts.apply(r);
      if (r.user === this.me.id && r.kind === "read") this.conversations.read(r.conv, r.seq);
    }));
    on(this.client.on("typing", (t) => t.user !== this.me.id && this.typing.typing(t.conv, t.user)));
    on(this.client.on("presence", (p) => this.presence.set(p)));
    // added to a group while connected: its entries follow
    on(this.client.on("conversation", (c) => {
      this.added(c);
      void this.refresh(); // with its last entry
    }));
    on(this.client.on("settings", (change) => this.#settled(change)));
    on(this.client.on("contact", () => void this.contacts.refresh().catch(() => {})));
    on(this.client.on("state", (state) => (this.connection.value = state)));
    on(this.client.on("connected", ({ reconnected }) => {
      this.everConnected.value = true;
      if (reconnected) void this.#caughtUp();
    }));
    on(this.client.on("error", (error) => this.#error(error)));
    const onVisible = () => this.readOpen();
    document.addEventListener("visibilitychange", onVisible);
    on(() => document.removeEventListener("visibilitychange", onVisible));
  }

  /** What the connection banner says, or null when the socket is open. */
  readonly banner = computed(() => {
    const state = this.connection.value;
    if (state === "open" || state === "idle") return null;
    if (state === "stopped") return this.stopped.value ?? "Disconnected.";
    return this.everConnected.value ? "Connection lost. Reconnecting…" : "Connecting…";
  });

  /**
   * Reads the list, follows every conversation from its newest message (the screens read history
   * over HTTP, so the socket need not replay what came while this device was away), and
   * connects.
   */
  async start(): Promise<void> {
    await this.conversations.refresh().catch(() => {});
    for (const c of this.conversations.ordered.value) {
      this.client.track(c.id, c.lastSeq);
      // what came while this device was away has now reached it
      if (c.unread > 0) this.client.markDelivered(c.id, c.lastSeq);
    }
    this.connect();
    void this.contacts.refresh().catch(() => {});
    void this.notifications.load().catch(() => {});
    await this.#loadPresence(this.#peers()).catch(() => {});
    this.#loadOpen(); // its members are known now
  }

  connect(): void {
    this.stopped.value = null;
    this.client.connect().catch(() => {}); // failures arrive as events
  }

  stop(): void {
    for (const off of this.#off.splice(0)) off();
    this.client.close();
    this.typing.clear();
  }

  async logout(): Promise<void> {
    await this.notifications.disable().catch(() => {}); // the next user of this browser must not get this one's
    await this.client.logout().catch(() => {}); // offline: the login is forgotten here all the same
    clearLogin();
    this.ended();
  }

  /** The conversation's messages; the newest page is read the first time it is shown. */
  timeline(conv: string): Timeline {
    let timeline = this.#timelines.get(conv);
    if (!timeline) this.#timelines.set(conv, (timeline = new Timeline(this.client.api, conv)));
    timeline.open().catch(() => {});
    return timeline;
  }

  open(conv: string | null): void {
    this.openConv.value = conv;
    this.#loadOpen();
    this.readOpen();
  }

  /** The open conversation's receipts and its members' presence. */
  #loadOpen(): void {
    const conv = this.openConv.value;
    if (!conv) return;
    this.receipts.load(conv).catch(() => {});
    const members = this.conversations.members(conv)?.map((m) => m.userId) ?? [];
    this.#loadPresence(members).catch(() => {});
  }

  /** Marks the conversation on screen read, up to its newest message, if the page is seen. */
  readOpen(): void {
    const conv = this.openConv.value;
    const item = conv ? this.conversations.get(conv) : undefined;
    if (!conv || !item || document.visibilityState !== "visible") return;
    const seq = Math.max(item.lastSeq, this.client.cursor(conv) ?? 0);
    if (seq <= item.readSeq) return;
    this.client.markRead(conv, seq);
    this.conversations.read(conv, seq);
  }

  /** Sends through the outbox: offline, it goes out (with the same clientId) once connected. */
  send(conv: string, body: SendBody): void {
    const entry = { clientId: newClientId(), conv, body, createdAt: Date.now() };
    this.outgoing.added(entry);
    this.client.send(conv, entry.body, { clientId: entry.clientId }).catch((error: ParleyError) => this.outgoing.failed(entry.clientId, error.message));
  }

  #received(entry: Message): void {
    const beingRead = entry.conv === this.openConv.value && document.visibilityState === "visible";
    this.#timelines.get(entry.conv)?.add([entry]);
    if (!this.conversations.received(entry, beingRead)) void this.refresh();
    if (!isContent(entry) && !isAction(entry)) this.#changed(entry.conv);
    if (entry.sender === this.me.id) return this.outgoing.arrived(entry.clientId);
    if (isContent(entry)) this.typing.sent(entry.conv, entry.sender);
    if (beingRead) this.readOpen();
  }

  /** This user's settings of a conversation changed, here or on another device. */
  #settled(change: SettingsChange): void {
    this.conversations.settled(change);
    const timeline = this.#timelines.get(change.conv);
    if (change.clearedSeq > 0) timeline?.cleared(change.clearedSeq);
    if (change.hiddenSeq !== undefined) timeline?.hid(change.hiddenSeq);
  }

  /** Members or the conversation itself changed: its title (the list), members and receipts. */
  #changed(conv: string): void {
    void this.refresh();
    this.conversations.changed(conv).catch(() => {});
    if (conv === this.openConv.value) this.receipts.load(conv).catch(() => {});
  }

  /** After a reconnect: what the socket does not replay (list counts, contacts, presence, receipts). */
  async #caughtUp(): Promise<void> {
    void this.contacts.refresh().catch(() => {});
    await this.refresh();
    await this.#loadPresence(this.#peers()).catch(() => {});
    this.#loadOpen();
  }

  /**
   * Reloads the list. A conversation the socket does not follow yet (someone started it with us
   * while the socket was away) is followed from there on: the next hello resumes it.
   */
  async refresh(): Promise<void> {
    const known = new Set(this.#peers());
    await this.conversations.refresh().catch(() => {});
    for (const c of this.conversations.ordered.value) {
      if (this.client.cursor(c.id) === undefined) this.client.track(c.id, c.lastSeq);
      if (c.clearedSeq > 0) this.#timelines.get(c.id)?.cleared(c.clearedSeq); // cleared elsewhere while away
    }
    await this.#loadPresence(this.#peers().filter((p) => !known.has(p))).catch(() => {});
  }

  /** A conversation this user created or reopened. */
  added(conversation: Conversation): void {
    this.conversations.added(conversation);
    if (this.client.cursor(conversation.id) === undefined) this.client.track(conversation.id, conversation.lastSeq);
  }

  /** The other members of every direct conversation: their presence shows in the list. */
  #peers(): string[] {
    return this.conversations.ordered.value.map((c) => this.conversations.peer(c.id)).filter((p) => p !== undefined);
  }

  async #loadPresence(users: string[]): Promise<void> {
    if (users.length) await this.presence.load(users);
  }

  #error(error: ParleyError): void {
    if (error.code === "unauthorized") {
      clearLogin();
      return this.ended("Your session has ended. Please log in again.");
    }
    // The same device connected elsewhere, or too many devices; a revoked login ends as
    // unauthorized on the next connect.
    if (error.code === "kicked") this.stopped.value = `Disconnected: ${error.message}.`;
    // a send restored from the outbox and refused for good
    const clientId = (error.details as { clientId?: string } | undefined)?.clientId;
    if (clientId) this.outgoing.failed(clientId, error.message);
  }
}
