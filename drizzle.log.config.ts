import { defineConfig } from "drizzle-kit";

// The migrations of each conversation object's own storage (src/store/log-schema.ts), apart from
// the shared database's (drizzle.config.ts): `npx drizzle-kit generate --config drizzle.log.config.ts`.
// The object applies them itself when it wakes (src/adapter/workers/conversation-log.ts).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/log-schema.ts",
  out: "./drizzle/log",
});
