// Reconnect storm at size: `npm run bench:storm` (flags --clients=N --group-size=G
// --processes=P --send-every-ms=MS --before-cut-ms=MS --after-cut-ms=MS, or env CLIENTS, ...).
// N SDK clients in groups of G, spread over P load-generator processes, reach the server through
// a TCP proxy; under steady load (one message per client every MS) the proxy cuts every
// connection at once and all reconnect with the SDK's backoff (250 ms doubling to 5 s, jitter).
// Prints time to full recovery, deliveries/s during the catch-up, exactly-once-in-order, the
// server's sockets afterwards and its RSS (baseline before the cut, peak, after).
import { runStorm } from "./lib/storm.ts";
import { emit, numFlag } from "./lib/stats.ts";

const r = await runStorm({
  clients: numFlag("clients", 1000),
  groupSize: numFlag("group-size", 10),
  processes: numFlag("processes", 4),
  sendEveryMs: numFlag("send-every-ms", 1000),
  loadBeforeCutMs: numFlag("before-cut-ms", 5000),
  loadAfterCutMs: numFlag("after-cut-ms", 5000),
  reconnect: { minDelayMs: 250, maxDelayMs: 5000 },
  heartbeatMs: numFlag("heartbeat-ms", 5000),
  log: (line) => console.error(line),
});
const ok = r.complete && r.outOfOrderOrRepeated === 0 && r.notReconnected === 0 && r.serverSocketsAfter === r.clients && r.errors.length === 0;
emit({ bench: "storm", ...r, errors: r.errors.length, ok });
if (r.errors.length) console.error(r.errors.join("\n"));
process.exit(ok ? 0 : 1);
