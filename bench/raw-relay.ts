// The baseline for the WebSocket benches: a raw Bun WebSocket relay with no auth and no
// persistence, the physical-limit reference for this machine. GET /healthz → 200; PORT from env.
//   /v1/ws?id=<me>&peer=<other>  (1:1) every frame is relayed as is to the socket named `peer`
//   /v1/ws?id=<me>&room=<room>   (fan-out) every frame is relayed as is to the room's other sockets
//   /v1/ws?id=<me>               (idle) nothing is relayed
// The sender gets {"t":"ack","rid","seq"} for each frame (its rid read with JSON.parse, as a
// server that validates frames would). GET /sockets → {"open": n}: the sockets it holds.
interface Data {
  id: string;
  peer: string;
  room: string;
}
const sockets = new Map<string, Bun.ServerWebSocket<Data>>();
const rooms = new Map<string, Set<Bun.ServerWebSocket<Data>>>();
let seq = 0;
const server = Bun.serve<Data>({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  fetch(req, srv) {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") return Response.json({ ok: true });
    if (url.pathname === "/sockets") return Response.json({ open: sockets.size });
    if (url.pathname === "/v1/ws") {
      const q = url.searchParams;
      if (srv.upgrade(req, { data: { id: q.get("id") ?? "", peer: q.get("peer") ?? "", room: q.get("room") ?? "" } })) return undefined;
    }
    return new Response("not found", { status: 404 });
  },
  websocket: {
    open(ws) {
      sockets.set(ws.data.id, ws);
      if (ws.data.room) {
        let room = rooms.get(ws.data.room);
        if (!room) rooms.set(ws.data.room, (room = new Set()));
        room.add(ws);
      }
    },
    message(ws, message) {
      const text = typeof message === "string" ? message : new TextDecoder().decode(message);
      const frame = JSON.parse(text);
      if (ws.data.peer) sockets.get(ws.data.peer)?.send(text);
      if (ws.data.room) for (const other of rooms.get(ws.data.room) ?? []) if (other !== ws) other.send(text);
      ws.send(JSON.stringify({ t: "ack", rid: frame.rid, seq: ++seq }));
    },
    close(ws) {
      if (sockets.get(ws.data.id) === ws) sockets.delete(ws.data.id);
      rooms.get(ws.data.room)?.delete(ws);
    },
  },
});
console.log(JSON.stringify({ msg: "raw relay listening", url: `http://127.0.0.1:${server.port}` }));
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
