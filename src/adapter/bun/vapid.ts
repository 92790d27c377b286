// The VAPID key pair on Bun: VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY, or else one generated on first
// start and kept in DATA_DIR/vapid.json (0600), so that devices' subscriptions survive restarts
// (a new key would silently orphan every one of them).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../config.ts";
import { log } from "../../log.ts";
import { generateVapidKeys, type VapidKeys } from "../../push/vapid.ts";
import { configuredVapidKeys } from "../push.ts";

export async function vapidKeys(config: Config): Promise<VapidKeys> {
  const configured = configuredVapidKeys(config);
  if (configured) return configured;
  const file = join(config.DATA_DIR, "vapid.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as VapidKeys;
  if (!existsSync(config.DATA_DIR)) mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const keys = await generateVapidKeys();
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  log("config").info("generated a VAPID key pair for push notifications in {file}", { file });
  return keys;
}
