// Configuration from environment variables, validated once. Defaults give the embedded setup.
import { z } from "zod";

const csv = z
  .string()
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
  .optional();

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z.string().optional(),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  /** SQLite synchronous level of the embedded file (see README "Durability") */
  DB_SYNCHRONOUS: z.enum(["NORMAL", "FULL"]).default("NORMAL"),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
  ACCESS_TOKEN_TTL: z.coerce.number().int().min(30).default(900),
  /** comma-separated Origins allowed on /v1/ws; unset: any localhost origin (dev) */
  ALLOWED_ORIGINS: csv,
  HEARTBEAT_MS: z.coerce.number().int().min(100).default(30_000),
  /** how long a new socket may take to say hello (the contract: 10 s) */
  HELLO_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** frames per second one socket may send (sustained, and as a burst) before `rate_limited` */
  WS_FRAMES_PER_SEC: z.coerce.number().int().min(1).default(1000),
  WS_FRAME_BURST: z.coerce.number().int().min(1).default(2000),
  MAX_DEVICES_PER_USER: z.coerce.number().int().min(1).default(10),
  /** largest WebSocket frame accepted (the contract requires at least 64 KiB) */
  MAX_FRAME_BYTES: z.coerce.number().int().min(65_536).default(256 * 1024),
  /** bytes that may be queued for one socket; a frame that does not fit closes it with 4008 */
  MAX_BUFFERED_BYTES: z.coerce.number().int().min(65_536).default(8 * 1024 * 1024),
  /** how long a backed-up socket may take nothing before it is closed with 4008 */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** requests of one socket answered at once (a send counts until its ack left); more wait */
  WS_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(32),
  /** how long after sending its sender may edit a text entry, seconds */
  EDIT_WINDOW_S: z.coerce.number().int().min(0).default(172_800),
  /** how long after sending its sender may recall an entry, seconds (a group's admins: any time) */
  RECALL_WINDOW_S: z.coerce.number().int().min(0).default(120),
  /** keep the full-text index of GET /v1/search (off: searches find nothing new) */
  SEARCH_INDEX: z.enum(["on", "off"]).default("on"),
  /** friends: direct conversations only between friends (see src/core/contacts.ts) */
  DIRECT_MESSAGES: z.enum(["anyone", "friends"]).default("anyone"),
  /** friend requests one user may have waiting for an answer at once */
  MAX_PENDING_FRIEND_REQUESTS: z.coerce.number().int().min(1).max(10_000).default(100),
  UPSTASH_REDIS_REST_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  /** when set, GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` */
  METRICS_TOKEN: z.string().min(1).optional(),
  /** how long a graceful shutdown (SIGTERM, SIGINT) may take before the process exits anyway */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warning", "error", "fatal"]).default("info"),
  /** json: one JSON object per line; pretty: short lines for a terminal. Unset: see defaultLogFormat (src/log.ts) */
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  // Rate limits of POST /v1/auth/{register,login,refresh} (src/http/rate-limit.ts), per minute,
  // per server process; 0 turns one off. The defaults let one address register ~1,200 users a
  // minute, so tests do not notice them; a benchmark registering more sets AUTH_RATE_LIMIT_PER_IP=0.
  /** auth requests per minute per client IP */
  AUTH_RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).default(1200),
  /** failed auth requests (401 wrong password or refresh token, 409 username taken) per minute per client IP */
  AUTH_FAILURE_LIMIT_PER_IP: z.coerce.number().int().min(0).default(60),
  /** failed logins per minute per username, wherever they come from (password guessing) */
  LOGIN_FAILURE_LIMIT_PER_USERNAME: z.coerce.number().int().min(0).default(10),
  /** read the client IP from this header (e.g. x-real-ip behind your own proxy) instead of the socket */
  CLIENT_IP_HEADER: z.string().min(1).optional(),
  /** the largest upload (POST /v1/uploads), bytes; larger ones get 413 */
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(26_214_400),
  /** uploads one user may run at the same time (per process on Bun, per isolate on Workers) */
  UPLOADS_IN_FLIGHT_PER_USER: z.coerce.number().int().min(1).default(4),
  /** bytes one user may upload per UTC day; 0: no quota */
  UPLOAD_BYTES_PER_DAY: z.coerce.number().int().min(0).default(1024 * 1024 * 1024),
  /** where upload bytes live on Bun: `disk` (DATA_DIR/uploads) or `s3` (the S3_* settings). Workers use their R2 binding */
  UPLOAD_STORE: z.enum(["disk", "s3"]).default("disk"),
  /** any S3-compatible store (UPLOAD_STORE=s3): endpoint URL (unset: AWS), bucket, credentials, region */
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).optional(),
  /** argon2id cost on Bun; lower it only for benchmarks and tests that create many users */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).default(65_536),
  ARGON2_TIME_COST: z.coerce.number().int().min(1).default(2),
  // ---- bots (docs/protocol.md "Bots and integrations", src/adapter/bots.ts) ----
  /** production mode: webhook URLs must be https */
  NODE_ENV: z.string().optional(),
  /** "1": webhooks may call loopback and private addresses (a receiver on the same host, tests) */
  WEBHOOK_ALLOW_PRIVATE: z.enum(["0", "1"]).default("0"),
  /** how long a failing webhook delivery is retried before it is listed as a failure, seconds */
  WEBHOOK_RETRY_FOR_S: z.coerce.number().int().min(1).default(86_400),
  /** how long events wait for a bot that does not fetch them, hours */
  BOT_RETENTION_HOURS: z.coerce.number().int().min(1).default(72),
  /** events kept per bot; the oldest beyond it are dropped */
  BOT_OUTBOX_MAX: z.coerce.number().int().min(1).default(10_000),
  MAX_BOTS_PER_USER: z.coerce.number().int().min(0).default(20),
  // ---- push notifications (docs/protocol.md "Push notifications", src/adapter/push.ts) ----
  /** the VAPID key pair (base64url: the 65-byte public point, the 32-byte private scalar); unset on Bun: generated into DATA_DIR/vapid.json */
  VAPID_PUBLIC_KEY: z.string().min(1).optional(),
  VAPID_PRIVATE_KEY: z.string().min(1).optional(),
  /** the contact push services may use about this server: a mailto: or https: URL */
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:)/, "a mailto: or https: URL").default("mailto:parley@localhost"),
  /** "1": push endpoints on this machine's loopback addresses, http too (development, tests) */
  PUSH_ALLOW_LOCALHOST: z.enum(["0", "1"]).default("0"),
  /** push subscriptions (devices) one user keeps; a new one beyond it replaces the oldest */
  MAX_PUSH_SUBSCRIPTIONS_PER_USER: z.coerce.number().int().min(1).max(100).default(10),
});
export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** The edit and recall windows of the configuration, as the domain takes them. */
export const entryWindowsFrom = (config: Config) => ({ editMs: config.EDIT_WINDOW_S * 1000, recallMs: config.RECALL_WINDOW_S * 1000 });
