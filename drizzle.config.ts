import { defineConfig } from "drizzle-kit";

// One schema, one migrations folder: used by the libSQL store on Bun and by D1 on Workers.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema.ts",
  out: "./drizzle",
});
