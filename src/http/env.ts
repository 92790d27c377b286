import type { AccessClaims } from "../core/ports.ts";
import type { Services } from "../core/services.ts";
import type { User } from "../schema/accounts.ts";
import type { ErrorCode } from "../schema/errors.ts";

/** What every handler can reach through `c.get(...)`. */
export type AppEnv = {
  Variables: {
    services: Services;
    auth: AccessClaims;
    requestId: string;
    /** set by register, login and refresh when they succeed (the auth rate limits remember the address) */
    loggedIn?: User;
    /** the contract error code of an error answer (metrics.ts counts it) */
    errorCode?: ErrorCode;
  };
};
