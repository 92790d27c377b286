// Notifications for people whose devices are all offline (docs/protocol.md "Push notifications").
// The runtime says when an entry was committed for a member with no connected device (Bun: the
// hub; Workers: the user's object) and when a member read a conversation; this decides what is
// pushed, through the PushProvider port (push.ts):
// - content entries from someone else, unless the user muted the conversation (list settings);
// - one per conversation until read: a notification stays outstanding (PushStore) until the user
//   reads up to its entry, and nothing more is pushed for that conversation meanwhile;
// - a read that covers an outstanding notification pushes `clear` to every device of the user,
//   whose service worker closes it.
// Deliveries are bounded (MAX_IN_FLIGHT at once, MAX_QUEUED waiting, beyond that dropped) and
// counted by outcome; a subscription the push service calls gone (404/410) is deleted.
import { newId } from "./random.ts";
import { nextTurn } from "./next-turn.ts";
import { noMetrics, type Metrics } from "./metrics.ts";
import type { Clock } from "./ports.ts";
import type { PushOutcome, PushPayload, PushProvider, PushSubscription } from "./push.ts";
import { checkPushEndpoint, type PushEndpointRules } from "./push-endpoint.ts";
import { notFound } from "./errors.ts";
import type { ConversationStore } from "./store/conversations.ts";
import type { PushStore } from "./store/push.ts";
import type { UserStore } from "./store/users.ts";
import type { Message } from "../schema/messages.ts";
import type { PushSubscribeRequest } from "../schema/push.ts";

const MAX_IN_FLIGHT = 8;
const MAX_QUEUED = 1000;
/** characters of a message's text in its notification */
export const PREVIEW_CHARS = 140;
/** how long a push service keeps a notification for a device that is off (entries; clears live shorter) */
const ENTRY_TTL_S = 24 * 3600;
const CLEAR_TTL_S = 3600;

/** How a runtime sends pushes (ServiceDeps.push). */
export interface PushWiring {
  provider: PushProvider;
  rules: PushEndpointRules;
  /** subscriptions one user keeps; a new one beyond it replaces the oldest (MAX_PUSH_SUBSCRIPTIONS_PER_USER) */
  maxSubscriptionsPerUser: number;
  metrics?: Metrics;
  onError?(error: unknown): void;
}

export interface PushNotifierDeps extends PushWiring {
  store: PushStore;
  users: UserStore;
  conversations: ConversationStore;
  clock: Clock;
}

/** What a notification says of an entry: its text (cut), a caption, or what it is. */
export function previewOf(body: Message["body"]): string | null {
  const cut = (s: string) => (s.length > PREVIEW_CHARS ? `${s.slice(0, PREVIEW_CHARS - 1)}…` : s);
  switch (body.type) {
    case "text":
      return cut(body.text);
    case "image":
      return cut(body.caption ?? "📷 Photo");
    case "file":
      return cut(body.caption ?? `📎 ${body.name}`);
    default:
      return null; // edits, reactions, recalls, membership: not worth waking a phone for
  }
}

export class PushNotifier {
  #inFlight = 0;
  readonly #queue: (() => void)[] = [];
  /** users whose subscriptions are asked for in this turn, and the one query that will answer them all */
  #lookup?: { users: Set<string>; found: Promise<Map<string, PushSubscription[]>> };

  constructor(private readonly deps: PushNotifierDeps) {}

  get publicKey(): string {
    return this.deps.provider.publicKey;
  }

  async subscribe(userId: string, input: PushSubscribeRequest): Promise<{ subscription: PushSubscription; created: boolean }> {
    await checkPushEndpoint(input.endpoint, this.deps.rules);
    const sub: PushSubscription = {
      id: newId(this.deps.clock.now()),
      userId,
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      createdAt: this.deps.clock.now(),
    };
    return this.deps.store.saveSubscription(sub, this.deps.maxSubscriptionsPerUser);
  }

  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    if (!(await this.deps.store.removeSubscription(userId, endpoint))) throw notFound("push subscription");
  }

  /**
   * `message` was committed for these members, who have no device connected. Settles when pushed
   * (never rejects). One query finds which of them have devices to notify, however many they are.
   */
  async entryForOffline(userIds: readonly string[], message: Message): Promise<void> {
    try {
      const preview = previewOf(message.body);
      const recipients = userIds.filter((u) => u !== message.sender);
      if (preview === null || recipients.length === 0) return;
      const byUser = await this.#subscriptionsOf(recipients);
      // nothing claimed for users without devices: a device subscribing later hears of the next entry
      if (byUser.size === 0) return;
      const now = this.deps.clock.now();
      // muted in the user's list settings (PATCH …/settings mutedUntil): not told
      const muted = new Set(await this.deps.store.mutedAmong([...byUser.keys()], message.conv, now));
      const asked = [...byUser.keys()].filter((u) => !muted.has(u));
      // one per conversation until read: only those without one outstanding are told
      const claimed = asked.length > 0 ? await this.deps.store.claimOutstanding(asked, message.conv, message.seq, now) : [];
      if (claimed.length === 0) return;
      const payload = await this.#entryPayload(message, preview);
      await Promise.all(claimed.flatMap((u) => byUser.get(u)!.map((s) => this.#deliver(s, payload, "normal", ENTRY_TTL_S))));
    } catch (error) {
      this.deps.onError?.(error);
    }
  }

  /**
   * The devices of these users that have any. A committed batch publishes its entries one by one,
   * each with its offline members: the users asked for within one turn are looked up together, by
   * one query, instead of one query per entry (which was most of an HTTP send's SQL under load).
   */
  async #subscriptionsOf(userIds: readonly string[]): Promise<Map<string, PushSubscription[]>> {
    if (!this.#lookup) {
      const users = new Set<string>();
      const found = nextTurn().then(async () => {
        this.#lookup = undefined;
        const byUser = new Map<string, PushSubscription[]>();
        for (const sub of await this.deps.store.subscriptionsOfAny([...users])) byUser.set(sub.userId, [...(byUser.get(sub.userId) ?? []), sub]);
        return byUser;
      });
      this.#lookup = { users, found };
    }
    for (const u of userIds) this.#lookup.users.add(u);
    const all = await this.#lookup.found;
    return new Map(userIds.flatMap((u) => (all.has(u) ? [[u, all.get(u)!] as const] : [])));
  }

  async #entryPayload(message: Message, preview: string): Promise<PushPayload> {
    const [sender, conversation] = await Promise.all([this.deps.users.userById(message.sender), this.deps.conversations.conversation(message.conv)]);
    return {
      t: "entry",
      conv: message.conv,
      seq: message.seq,
      sender: { id: message.sender, name: sender?.displayName ?? "Someone" },
      title: conversation?.kind === "group" ? conversation.title : null,
      preview,
    };
  }

  /** `userId` read `conv` up to `seq` (on any device): an outstanding notification is cleared everywhere. */
  async read(userId: string, conv: string, seq: number): Promise<void> {
    try {
      if (!(await this.deps.store.clearOutstanding(userId, conv, seq))) return;
      const subs = await this.deps.store.subscriptionsOf(userId);
      await Promise.all(subs.map((s) => this.#deliver(s, { t: "clear", conv }, "low", CLEAR_TTL_S)));
    } catch (error) {
      this.deps.onError?.(error);
    }
  }

  async #deliver(sub: PushSubscription, payload: PushPayload, urgency: "normal" | "low", ttlSeconds: number): Promise<void> {
    const metrics = this.deps.metrics ?? noMetrics;
    if (this.#inFlight >= MAX_IN_FLIGHT) {
      if (this.#queue.length >= MAX_QUEUED) return metrics.inc("parley_push_deliveries_total", { result: "dropped" });
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    }
    this.#inFlight++;
    let outcome: PushOutcome = "failed";
    try {
      await checkPushEndpoint(sub.endpoint, this.deps.rules);
      outcome = await this.deps.provider.send(sub, payload, { urgency, ttlSeconds });
      if (outcome === "gone") await this.deps.store.deleteSubscription(sub.id);
    } catch (error) {
      this.deps.onError?.(error);
    } finally {
      this.#inFlight--;
      this.#queue.shift()?.();
      metrics.inc("parley_push_deliveries_total", { result: outcome });
    }
  }
}
