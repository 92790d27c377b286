// What the Worker receives as `env`: the bindings declared in wrangler.toml, [vars] and secrets.
// The Durable Objects are known by their RPC interfaces (rpc.ts), not their classes.
import type { Config } from "../../config.ts";
import type { WorkersOnlyConfig } from "./config.ts";
import type { BotRpc, ConversationRpc, UserRpc } from "./rpc.ts";

/** Every setting of src/config.ts, and the Worker's own (config.ts), as a [vars] string or a secret. */
type Settings = { [Name in keyof Config | keyof WorkersOnlyConfig]?: string };

export interface Env extends Settings {
  /** the D1 database, used when DATABASE_URL is not set */
  DB?: D1Database;
  /** one Durable Object per conversation (idFromName(convId)): its writes and fan-out */
  CONVERSATIONS: DurableObjectNamespace<ConversationRpc>;
  /** one Durable Object per user (idFromName(userId)): that user's sockets */
  USERS: DurableObjectNamespace<UserRpc>;
  /** the web app's built files (wrangler.toml [assets], npm run build:web) */
  ASSETS?: Fetcher;
  /** the R2 bucket of upload bytes; without it, uploads are off (501) */
  UPLOADS?: R2Bucket;
  /** one Durable Object per bot (idFromName(botId)): its webhook deliveries */
  BOTS: DurableObjectNamespace<BotRpc>;
  /** the Workers Analytics Engine dataset the metrics are written to (metrics.ts); none: not counted */
  METRICS?: AnalyticsEngineDataset;
}
