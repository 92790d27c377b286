// The push port: how a notification reaches a device that has no socket open. The domain decides
// who is told what (push-notifier.ts); a provider carries it. Web Push (src/push/web-push.ts) is
// the one provider today; a mobile one (APNs, FCM) implements the same interface for its own
// kind of subscription.

/** A device's subscription as the browser (or a mobile SDK) gave it. */
export interface PushSubscription {
  id: string;
  userId: string;
  /** the push service's URL for this device (Web Push) */
  endpoint: string;
  /** the device's public key (P-256, base64url) and auth secret (16 bytes, base64url), RFC 8291 */
  p256dh: string;
  auth: string;
  createdAt: number;
}

/** What a notification says; the service worker shows `entry` and closes on `clear` (tag: the conversation). */
export type PushPayload =
  | { t: "entry"; conv: string; seq: number; sender: { id: string; name: string }; title: string | null; preview: string }
  | { t: "clear"; conv: string };

/**
 * delivered: the push service took it; gone: the subscription no longer exists (404/410: forget
 * it); failed: anything else (not retried: the next entry of another conversation tries again).
 */
export type PushOutcome = "delivered" | "gone" | "failed";

export interface PushProvider {
  /** the key a client subscribes with (VAPID: the application server key, base64url) */
  readonly publicKey: string;
  send(subscription: PushSubscription, payload: PushPayload, options: { urgency: "normal" | "low"; ttlSeconds: number }): Promise<PushOutcome>;
}
