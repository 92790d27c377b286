// Push notifications for devices without a socket (docs/protocol.md "Push notifications"): the
// server's VAPID key, and a device's Web Push subscription as PushSubscription.toJSON() gives it.
import { z } from "zod";

const base64url = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "base64url")
    .refine((s) => Math.floor((s.replace(/=+$/, "").length * 3) / 4) === bytes, `${bytes} bytes, base64url`);

export const PushEndpoint = z.string().min(1).max(1024).meta({ description: "the push service's URL for the device (https)" });

export const PushSubscribeRequest = z
  .object({
    endpoint: PushEndpoint,
    keys: z.object({
      p256dh: base64url(65).meta({ description: "the device's P-256 public key, uncompressed (65 bytes)" }),
      auth: base64url(16).meta({ description: "the device's auth secret (16 bytes)" }),
    }),
    expirationTime: z.number().nullable().optional().meta({ description: "accepted and ignored (browsers send it)" }),
  })
  .meta({ id: "PushSubscribeRequest" });
export type PushSubscribeRequest = z.infer<typeof PushSubscribeRequest>;

export const PushUnsubscribeRequest = z.object({ endpoint: PushEndpoint });

export const PushSubscriptionInfo = z
  .object({ id: z.string(), endpoint: z.string(), createdAt: z.number().int() })
  .meta({ id: "PushSubscription" });
export type PushSubscriptionInfo = z.infer<typeof PushSubscriptionInfo>;

export const VapidKey = z
  .object({ publicKey: z.string().meta({ description: "the applicationServerKey for PushManager.subscribe (base64url P-256 point)" }) })
  .meta({ id: "VapidKey" });
export type VapidKey = z.infer<typeof VapidKey>;
