// A small libSQL server for tests: the Hrana 2 protocol over HTTP with JSON (what
// @libsql/client speaks to sqld/Turso when no newer endpoint answers), on one bun:sqlite file.
// It serves each pipeline as one stream that ends with the request (no batons), which is all the
// libSQL client's execute() and batch() need. Requests run one at a time, like sqld's writer.
// Spec: the libsql repository, docs/HRANA_2_SPEC.md.
import { Database } from "bun:sqlite";

type Value =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };
interface Stmt {
  sql?: string;
  sql_id?: number;
  args?: Value[];
  named_args?: { name: string; value: Value }[];
  want_rows?: boolean;
}
type Cond =
  | { type: "ok" | "error"; step: number }
  | { type: "not"; cond: Cond }
  | { type: "and" | "or"; conds: Cond[] }
  | { type: "is_autocommit" };
type StreamRequest =
  | { type: "close" | "get_autocommit" }
  | { type: "execute"; stmt: Stmt }
  | { type: "batch"; batch: { steps: { condition?: Cond; stmt: Stmt }[] } }
  | { type: "sequence"; sql?: string; sql_id?: number }
  | { type: "store_sql"; sql_id: number; sql: string }
  | { type: "close_sql"; sql_id: number };

const fromValue = (v: Value): unknown => {
  switch (v.type) {
    case "null":
      return null;
    case "integer": {
      const n = BigInt(v.value);
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    case "float":
      return v.value;
    case "text":
      return v.value;
    case "blob":
      return Buffer.from(v.base64, "base64");
  }
};

const toValue = (x: unknown): Value => {
  if (x === null || x === undefined) return { type: "null" };
  if (typeof x === "bigint") return { type: "integer", value: String(x) };
  if (typeof x === "number") return Number.isInteger(x) ? { type: "integer", value: String(x) } : { type: "float", value: x };
  if (typeof x === "string") return { type: "text", value: x };
  if (x instanceof Uint8Array) return { type: "blob", base64: Buffer.from(x).toString("base64") };
  return { type: "text", value: String(x) };
};

export interface HranaServer {
  url: string;
  /** every Authorization header seen */
  authorizations: Set<string | null>;
  /** how many pipelines were served */
  pipelines(): number;
  stop(): Promise<void>;
}

export function startHranaServer(file: string): HranaServer {
  const db = new Database(file, { create: true });
  db.exec("PRAGMA journal_mode = WAL");
  const authorizations = new Set<string | null>();
  let served = 0;

  const execute = (stmt: Stmt, sqls: Map<number, string>) => {
    const sql = stmt.sql ?? sqls.get(stmt.sql_id!);
    if (sql === undefined) throw new Error(`unknown sql_id ${stmt.sql_id}`);
    const prepared = db.prepare(sql);
    const named = Object.fromEntries((stmt.named_args ?? []).map((a) => [a.name, fromValue(a.value)]));
    const args = stmt.named_args?.length ? [named] : (stmt.args ?? []).map(fromValue);
    const cols = prepared.columnNames.map((name) => ({ name, decltype: null }));
    const rows = cols.length > 0 ? (prepared.values(...(args as never[])) as unknown[][]) : (prepared.run(...(args as never[])), []);
    const { changes, rowid } = db.query("SELECT changes() AS changes, last_insert_rowid() AS rowid").get() as { changes: number; rowid: number };
    return {
      cols,
      rows: stmt.want_rows === false ? [] : rows.map((r) => r.map(toValue)),
      affected_row_count: changes,
      last_insert_rowid: String(rowid),
    };
  };

  const error = (e: unknown) => ({ message: e instanceof Error ? e.message : String(e), code: "SQLITE_ERROR" });

  const pipeline = (requests: StreamRequest[]) => {
    const sqls = new Map<number, string>();
    const results = requests.map((req) => {
      try {
        switch (req.type) {
          case "close":
            return { type: "ok", response: { type: "close" } };
          case "get_autocommit":
            return { type: "ok", response: { type: "get_autocommit", is_autocommit: !db.inTransaction } };
          case "store_sql":
            sqls.set(req.sql_id, req.sql);
            return { type: "ok", response: { type: "store_sql" } };
          case "close_sql":
            sqls.delete(req.sql_id);
            return { type: "ok", response: { type: "close_sql" } };
          case "sequence":
            db.exec(req.sql ?? sqls.get(req.sql_id!)!);
            return { type: "ok", response: { type: "sequence" } };
          case "execute":
            return { type: "ok", response: { type: "execute", result: execute(req.stmt, sqls) } };
          case "batch": {
            const stepResults: unknown[] = [];
            const stepErrors: unknown[] = [];
            const holds = (c: Cond): boolean => {
              switch (c.type) {
                case "ok":
                  return stepResults[c.step] != null;
                case "error":
                  return stepErrors[c.step] != null;
                case "not":
                  return !holds(c.cond);
                case "and":
                  return c.conds.every(holds);
                case "or":
                  return c.conds.some(holds);
                case "is_autocommit":
                  return !db.inTransaction;
              }
            };
            req.batch.steps.forEach((step, i) => {
              stepResults[i] = null;
              stepErrors[i] = null;
              if (step.condition && !holds(step.condition)) return;
              try {
                stepResults[i] = execute(step.stmt, sqls);
              } catch (e) {
                stepErrors[i] = error(e);
              }
            });
            return { type: "ok", response: { type: "batch", result: { step_results: stepResults, step_errors: stepErrors } } };
          }
          default:
            throw new Error(`unsupported request ${(req as { type: string }).type}`);
        }
      } catch (e) {
        return { type: "error", error: error(e) };
      }
    });
    // The stream ends with the request: roll back whatever it left open.
    if (db.inTransaction) db.exec("ROLLBACK");
    return { baton: null, base_url: null, results };
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const { pathname } = new URL(req.url);
      authorizations.add(req.headers.get("authorization"));
      if (req.method === "GET" && pathname === "/v2") return new Response("ok");
      if (req.method === "POST" && pathname === "/v2/pipeline") {
        const body = (await req.json()) as { baton?: string | null; requests: StreamRequest[] };
        if (body.baton) return Response.json({ message: "batons are not supported here" }, { status: 400 });
        served++;
        return Response.json(pipeline(body.requests));
      }
      return new Response("not found", { status: 404 });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    authorizations,
    pipelines: () => served,
    async stop() {
      await server.stop(true);
      db.close();
    },
  };
}
