// `bun run dev` / `npm run dev`: the server on the embedded defaults, configured by env.
import { loadConfig } from "../../config.ts";
import { defaultLogFormat, log, setupLogging } from "../../log.ts";
import { startServer } from "./server.ts";

const config = loadConfig(process.env);
const terminal = process.stdout.isTTY === true;
await setupLogging(config.LOG_LEVEL, config.LOG_FORMAT ?? defaultLogFormat(process.env, terminal), terminal);
const server = await startServer(config);
log("server").info("Parley listening on {url}", { url: server.url });

// SIGTERM/SIGINT: a graceful stop (see RunningServer.stop), bounded by SHUTDOWN_TIMEOUT_MS; a
// second signal does not start another one.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log("server").info("{signal}: shutting down", { signal });
    // stop() bounds its waits by the same timeout; this is the backstop should anything hang.
    setTimeout(() => {
      log("server").error("shutdown took longer than {ms} ms: exiting", { ms: config.SHUTDOWN_TIMEOUT_MS });
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 1000).unref();
    await server.stop();
    log("server").info("stopped");
    process.exit(0);
  });
}
