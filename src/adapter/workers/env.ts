// What the Worker receives as `env`: bindings declared in wrangler.toml, [vars] and secrets.
import type { ConversationObject } from "./conversation-object.ts";
import type { UserObject } from "./user-object.ts";

export interface Env {
  /** the D1 database, used when DATABASE_URL is not set */
  DB?: D1Database;
  /** one Durable Object per conversation (idFromName(convId)): its writes and fan-out */
  CONVERSATIONS: DurableObjectNamespace<ConversationObject>;
  /** one Durable Object per user (idFromName(userId)): that user's sockets */
  USERS: DurableObjectNamespace<UserObject>;
  /** the web app's built files (wrangler.toml [assets], npm run build:web) */
  ASSETS?: Fetcher;
  /** libSQL / Turso over HTTP (libsql:, https:, http:); takes precedence over DB */
  DATABASE_URL?: string;
  /** secret */
  DATABASE_AUTH_TOKEN?: string;
  /** secret, at least 32 characters; see config.ts for what happens when it is missing */
  JWT_SECRET?: string;
  ACCESS_TOKEN_TTL?: string;
  LOG_LEVEL?: string;
  /** with UPSTASH_REDIS_REST_TOKEN: presence on Upstash, shared with Bun nodes (user-object.ts) */
  UPSTASH_REDIS_REST_URL?: string;
  /** secret */
  UPSTASH_REDIS_REST_TOKEN?: string;
  [name: string]: unknown;
}
