// The Web Push provider (RFC 8030): a POST of the encrypted payload (encrypt.ts) to the
// subscription's endpoint, signed with VAPID (vapid.ts). Runtime-free: fetch and Web Crypto only.
import type { PushOutcome, PushPayload, PushProvider } from "../core/push.ts";
import { toBase64url } from "./base64url.ts";
import { encryptPayload } from "./encrypt.ts";
import type { Vapid } from "./vapid.ts";

/** A push service that takes longer than this has failed (the request is cut). */
const TIMEOUT_MS = 10_000;

/**
 * RFC 8030 §5.4: a newer message with the same Topic replaces one the push service still holds
 * for an offline device, so a `clear` overtakes its conversation's `entry`. At most 32 base64url
 * characters: derived from the conversation's id.
 */
async function topicOf(conv: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(conv)));
  return toBase64url(digest).slice(0, 32);
}

export function webPush(vapid: Vapid, fetcher: typeof fetch = fetch): PushProvider {
  return {
    publicKey: vapid.publicKey,
    async send(subscription, payload: PushPayload, { urgency, ttlSeconds }): Promise<PushOutcome> {
      let res: Response;
      try {
        const body = await encryptPayload(new TextEncoder().encode(JSON.stringify(payload)), subscription);
        res = await fetcher(subscription.endpoint, {
          method: "POST",
          headers: {
            Authorization: await vapid.authorization(subscription.endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            TTL: String(ttlSeconds),
            Urgency: urgency,
            Topic: await topicOf(payload.conv),
          },
          body,
          redirect: "manual", // a push service does not redirect; following one would reach a URL nobody checked
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.body?.cancel();
      } catch {
        return "failed";
      }
      if (res.status === 404 || res.status === 410) return "gone";
      return res.ok ? "delivered" : "failed";
    },
  };
}
