// Configuration on Bun: the environment goes through src/config.ts (main.ts); here what Bun adds
// to it, JWT_SECRET or in development a generated one kept in DATA_DIR so tokens survive restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomToken } from "../../core/random.ts";
import { log } from "../../log.ts";

export function jwtSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // private: see store/libsql.ts
  const secret = randomToken(48);
  writeFileSync(file, secret, { mode: 0o600 });
  log("config").warning("JWT_SECRET is not set: generated one in {file} (set JWT_SECRET in production)", { file });
  return secret;
}
