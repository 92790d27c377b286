import type { AccessClaims } from "../core/ports.ts";
import type { Services } from "../core/services.ts";

/** What every handler can reach through `c.get(...)`. */
export type AppEnv = {
  Variables: { services: Services; auth: AccessClaims; requestId: string };
};
