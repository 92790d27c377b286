// What a bot token may do: the one table of scopes, for every HTTP route, WebSocket frame and
// Telegram method a bot can reach. People (no scopes on their claims) may do everything here.
// Deny by default: an operation that is not listed is refused to bots, so a route added later
// stays closed to them until it is given a scope here.
import type { Scope } from "../schema/bots.ts";
import { forbidden } from "./errors.ts";
import type { AccessClaims } from "./ports.ts";

const read = "read" as const;
const send = "send" as const;
const manage = "manage" as const;

/** Operation → the scope it needs. HTTP: "METHOD /path" as routed (":param"); "ws:<t>"; "tg:<method>". */
const REQUIRED: Record<string, Scope> = {
  "GET /v1/me": read,
  "GET /v1/users": read,
  "GET /v1/presence": read,
  "GET /v1/conversations": read,
  "GET /v1/conversations/:id": read,
  "GET /v1/conversations/:id/receipts": read,
  "GET /v1/conversations/:id/messages": read,
  "POST /v1/conversations/:id/read": read,
  // the caller's own list (its settings are nobody else's)
  "GET /v1/unread": read,
  "GET /v1/conversations/:id/settings": read,
  "PATCH /v1/conversations/:id/settings": read,
  "POST /v1/conversations/:id/clear": read,
  "POST /v1/conversations/:id/messages/:seq/hide": read,
  "GET /v1/updates": read,
  "GET /v1/search": read,
  "GET /v1/uploads/:id": read,
  "POST /v1/uploads/:id/url": read,

  "POST /v1/conversations": send,
  "POST /v1/conversations/:id/messages": send,
  "POST /v1/conversations/:id/messages/:seq/edit": send,
  "POST /v1/conversations/:id/messages/:seq/recall": send,
  "PUT /v1/conversations/:id/messages/:seq/reactions/:emoji": send,
  "DELETE /v1/conversations/:id/messages/:seq/reactions/:emoji": send,
  "POST /v1/uploads": send,

  "POST /v1/conversations/:id/members": manage,
  "DELETE /v1/conversations/:id/members/:userId": manage,
  "PATCH /v1/conversations/:id/members/:userId": manage,
  "POST /v1/conversations/:id/transfer": manage,
  "PATCH /v1/conversations/:id": manage,
  "DELETE /v1/conversations/:id": manage,
  // a bot configuring its own delivery (its owner may too, with a person's token)
  "PUT /v1/bots/:id/webhook": manage,
  "GET /v1/bots/:id/webhook": manage,
  "DELETE /v1/bots/:id/webhook": manage,
  "GET /v1/bots/:id/webhook/failures": manage,

  "ws:hello": read,
  "ws:sync": read,
  "ws:recv": read,
  "ws:read": read,
  "ws:send": send,
  "ws:typing": send,

  "tg:getMe": read,
  "tg:getUpdates": read,
  "tg:getChat": read,
  "tg:getWebhookInfo": read,
  "tg:setWebhook": read,
  "tg:deleteWebhook": read,
  "tg:sendMessage": send,
  "tg:editMessageText": send,
  "tg:deleteMessage": send,
  "tg:sendChatAction": send,
};

/** The scope a bot needs for `operation`; undefined: closed to bots. */
export const scopeFor = (operation: string): Scope | undefined => REQUIRED[operation];

/** Whether the caller may do `operation`: people always; bots with the scope it needs. */
export function allows(claims: AccessClaims, operation: string): boolean {
  if (!claims.scopes) return true;
  const needed = scopeFor(operation);
  return needed !== undefined && claims.scopes.includes(needed);
}

/** 403 unless the caller may do `operation`. */
export function requireScope(claims: AccessClaims, operation: string): void {
  if (allows(claims, operation)) return;
  const needed = scopeFor(operation);
  throw forbidden(needed ? `this bot token lacks the ${needed} scope` : "bots cannot do this", { operation, ...(needed ? { scope: needed } : {}) });
}
