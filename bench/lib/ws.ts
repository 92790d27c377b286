// A lean WebSocket client for load: hello → welcome, then raw frame callbacks (no per-frame
// bookkeeping beyond JSON.parse), for load generators where test/support/ws.ts is too heavy.
export function wsUrl(base: string): string {
  return `${base.replace(/^http/, "ws")}/v1/ws`;
}

export interface LeanWs {
  ws: WebSocket;
  onFrame: (f: any) => void;
  /** when set, frames are handed over as text and not parsed (for receivers under heavy load) */
  onText?: (text: string) => void;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
}

/** Opens a socket; if `token` is given, says hello and waits for welcome. */
export async function openWs(url: string, token?: string, timeoutMs = 10_000): Promise<LeanWs> {
  const ws = new WebSocket(url);
  const lean: LeanWs = {
    ws,
    onFrame: () => {},
    closed: new Promise((resolve) => {
      ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }));
    }),
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connect ${url} timed out`)), timeoutMs);
    ws.addEventListener("open", () => (clearTimeout(timer), resolve()));
    ws.addEventListener("error", () => (clearTimeout(timer), reject(new Error(`connect ${url} failed`))));
  });
  ws.addEventListener("message", (e) => {
    if (lean.onText) lean.onText(e.data as string);
    else lean.onFrame(JSON.parse(e.data as string));
  });
  if (token !== undefined) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no welcome")), timeoutMs);
      lean.onFrame = (f) => {
        if (f.t === "welcome") {
          clearTimeout(timer);
          lean.onFrame = () => {};
          resolve();
        } else if (f.t === "error") {
          clearTimeout(timer);
          reject(new Error(`hello: ${JSON.stringify(f)}`));
        }
      };
      void lean.closed.then((c) => reject(new Error(`closed ${c.code} before welcome`)));
      lean.send({ t: "hello", token });
    });
  }
  return lean;
}
