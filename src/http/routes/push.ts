// /v1/push: the server's VAPID key and each device's Web Push subscription (docs/protocol.md
// "Push notifications"). People only: bots have no devices to notify (src/core/scopes.ts).
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../core/errors.ts";
import type { PushNotifier } from "../../core/push-notifier.ts";
import { PushSubscribeRequest, PushSubscriptionInfo, PushUnsubscribeRequest, VapidKey } from "../../schema/push.ts";
import { requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonBody, jsonResponse } from "../openapi.ts";

const common = { security: bearer, middleware: requireAuth, tags: ["push"] };
const notConfigured = { 501: { description: "not_implemented: push is not configured on this server (Workers without VAPID keys)" } };

const key = createRoute({
  ...common,
  method: "get",
  path: "/v1/push/vapid-key",
  description: "The key devices subscribe with (PushManager.subscribe's applicationServerKey).",
  responses: { 200: jsonResponse(VapidKey, "the public key"), ...errorResponses(401, 403), ...notConfigured },
});

const subscribe = createRoute({
  ...common,
  method: "post",
  path: "/v1/push/subscriptions",
  description:
    "This device is notified while the caller has no socket open. 201 new, 200 when the endpoint was the caller's already (keys updated). " +
    "An endpoint moves to the latest user who subscribes it; beyond MAX_PUSH_SUBSCRIPTIONS_PER_USER the oldest is replaced. " +
    "Endpoints must be https on a public address.",
  request: { body: jsonBody(PushSubscribeRequest) },
  responses: {
    201: jsonResponse(PushSubscriptionInfo, "subscribed"),
    200: jsonResponse(PushSubscriptionInfo, "already subscribed: keys updated"),
    ...errorResponses(400, 401, 403),
    ...notConfigured,
  },
});

const unsubscribe = createRoute({
  ...common,
  method: "delete",
  path: "/v1/push/subscriptions",
  description: "This device is no longer notified.",
  request: { body: jsonBody(PushUnsubscribeRequest) },
  responses: { 204: { description: "removed" }, ...errorResponses(400, 401, 403, 404), ...notConfigured },
});

function pushOf(services: AppEnv["Variables"]["services"]): PushNotifier {
  if (!services.push) throw new AppError("not_implemented", "push notifications are not configured on this server");
  return services.push;
}

export const pushRoutes = new OpenAPIHono<AppEnv>()
  .openapi(key, (c) => c.json({ publicKey: pushOf(c.get("services")).publicKey }, 200))
  .openapi(subscribe, async (c) => {
    const { subscription, created } = await pushOf(c.get("services")).subscribe(c.get("auth").userId, c.req.valid("json"));
    const { id, endpoint, createdAt } = subscription;
    return created ? c.json({ id, endpoint, createdAt }, 201) : c.json({ id, endpoint, createdAt }, 200);
  })
  .openapi(unsubscribe, async (c) => {
    await pushOf(c.get("services")).unsubscribe(c.get("auth").userId, c.req.valid("json").endpoint);
    return c.body(null, 204);
  });
