// Push settings from the configuration, the same on both runtimes: the Web Push provider signed
// with the VAPID keys, which endpoints may be called, the cap on subscriptions per user.
import type { Config } from "../config.ts";
import type { Metrics } from "../core/metrics.ts";
import type { PushWiring } from "../core/push-notifier.ts";
import type { PushEndpointRules } from "../core/push-endpoint.ts";
import { log } from "../log.ts";
import { vapid, type VapidKeys } from "../push/vapid.ts";
import { webPush } from "../push/web-push.ts";

/** The configured key pair, null when neither half is set; a half alone is a configuration error. */
export function configuredVapidKeys(config: Config): VapidKeys | null {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = config;
  if (!publicKey && !privateKey) return null;
  if (!publicKey || !privateKey) throw new Error("invalid configuration: set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither");
  return { publicKey, privateKey };
}

export function pushWiringFrom(config: Config, keys: VapidKeys, options: { metrics?: Metrics; resolve?: PushEndpointRules["resolve"] } = {}): PushWiring {
  return {
    provider: webPush(vapid(keys, config.VAPID_SUBJECT)),
    rules: { allowLocalhost: config.PUSH_ALLOW_LOCALHOST === "1", resolve: options.resolve },
    maxSubscriptionsPerUser: config.MAX_PUSH_SUBSCRIPTIONS_PER_USER,
    metrics: options.metrics,
    onError: (error) => log("push").warning("push failed: {error}", { error }),
  };
}
