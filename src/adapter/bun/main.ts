// `bun run dev` / `npm run dev`: the server on the embedded defaults, configured by env.
import { loadConfig } from "../../config.ts";
import { defaultLogFormat, log, setupLogging } from "../../log.ts";
import { startServer } from "./server.ts";

const config = loadConfig(process.env);
const terminal = process.stdout.isTTY === true;
await setupLogging(config.LOG_LEVEL, config.LOG_FORMAT ?? defaultLogFormat(process.env, terminal), terminal);
const server = await startServer(config);
log("server").info("Parley listening on {url}", { url: server.url });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    await server.stop();
    process.exit(0);
  });
}
