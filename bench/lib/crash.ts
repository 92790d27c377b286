// Crash safety run: WebSocket senders keep many clientIds in flight, the server gets SIGKILL
// mid-load, restarts on the same data, every unacked message is resent with its clientId (and,
// to check idempotency, every acked one too), then each conversation's history is checked:
// no acked message lost, each clientId exactly once, seqs 1..n, acked seq/id unchanged.
// Used by test/crash/crash.test.ts (small) and bench/crash.ts (big).
import { freePort, spawnParley, tempDir, type Child } from "./server.ts";
import { directConversation, history, registerUsers, type BenchUser } from "./users.ts";
import { openWs, wsUrl, type LeanWs } from "./ws.ts";

export interface SentRecord {
  conv: string;
  clientId: string;
  sender: string;
  /** the first ack (before the crash, or after the resend) */
  ack?: { seq: number; id: string };
  /** acked before the kill */
  ackedBeforeKill: boolean;
  /** the ack to the resend after the restart */
  reAck?: { seq: number; id: string };
}

export interface HistoryItem {
  id: string;
  conv: string;
  seq: number;
  clientId: string;
  sender: string;
}

export interface CrashFigures {
  sent: number;
  ackedBeforeKill: number;
  inFlightAtKill: number;
  resent: number;
  resentAcked: number;
  /** acked before the kill but absent from history after the restart */
  lost: number;
  /** sent (and resent until acked) but absent from history */
  missing: number;
  /** extra copies of a clientId in history */
  duplicates: number;
  /** seqs missing from 1..max, summed over conversations, plus repeated seqs */
  gaps: number;
  /** acked messages whose seq or id in history (or in the re-ack) differs from the first ack */
  changedSeqs: number;
  /** history entries with a clientId this run never sent */
  unknown: number;
  historyTotal: number;
  conversations: number;
}

/** Pure check of the records against each conversation's history (testable on its own). */
export function checkCrash(records: SentRecord[], histories: Map<string, HistoryItem[]>): CrashFigures {
  let lost = 0, missing = 0, duplicates = 0, gaps = 0, changedSeqs = 0, unknown = 0, historyTotal = 0;
  const byKey = new Map<string, HistoryItem[]>();
  for (const [conv, items] of histories) {
    historyTotal += items.length;
    const seqs = new Set<number>();
    let max = 0;
    for (const it of items) {
      if (seqs.has(it.seq)) gaps++;
      seqs.add(it.seq);
      if (it.seq > max) max = it.seq;
      const k = `${conv}\n${it.sender}\n${it.clientId}`;
      const list = byKey.get(k);
      if (list) list.push(it);
      else byKey.set(k, [it]);
    }
    for (let s = 1; s <= max; s++) if (!seqs.has(s)) gaps++;
  }
  const known = new Set<string>();
  for (const r of records) {
    const k = `${r.conv}\n${r.sender}\n${r.clientId}`;
    known.add(k);
    const found = byKey.get(k) ?? [];
    if (found.length === 0) {
      if (r.ackedBeforeKill) lost++;
      else missing++;
      continue;
    }
    duplicates += found.length - 1;
    if (r.ack) {
      const h = found[0]!;
      if (h.seq !== r.ack.seq || h.id !== r.ack.id) changedSeqs++;
      else if (r.reAck && (r.reAck.seq !== r.ack.seq || r.reAck.id !== r.ack.id)) changedSeqs++;
    }
  }
  for (const [k, list] of byKey) if (!known.has(k)) unknown += list.length;
  const ackedBeforeKill = records.filter((r) => r.ackedBeforeKill).length;
  return {
    sent: records.length,
    ackedBeforeKill,
    inFlightAtKill: records.length - ackedBeforeKill,
    resent: 0,
    resentAcked: 0,
    lost,
    missing,
    duplicates,
    gaps,
    changedSeqs,
    unknown,
    historyTotal,
    conversations: histories.size,
  };
}

export interface CrashOptions {
  /** pairs of users, each pair one direct conversation where BOTH users send */
  pairs: number;
  /** sends in flight per socket */
  window: number;
  /** kill after this many acks in total (the load keeps going until then) */
  killAfterAcks: number;
  /** upper bound on the load phase before the kill, whatever the acks */
  maxLoadMs?: number;
  env?: Record<string, string>;
  log?: (msg: string) => void;
}

interface Sender {
  user: BenchUser;
  conv: string;
  ws?: LeanWs;
}

let ridSeq = 0;

/**
 * Drives `senders` over WebSocket: each keeps `window` sends in flight, drawing clientIds from
 * `next()` until it returns undefined or `stop()` is true. Resolves when nothing is in flight, or
 * when the socket closes (in-flight sends stay unacked).
 */
function drive(
  s: Sender,
  window: number,
  next: () => SentRecord | undefined,
  onAck: (r: SentRecord, ack: { seq: number; id: string }) => void,
  errors: string[],
): Promise<void> {
  const ws = s.ws!;
  const pending = new Map<string, SentRecord>();
  let finished = false;
  return new Promise<void>((resolve) => {
    const done = () => {
      if (!finished) {
        finished = true;
        resolve();
      }
    };
    const pump = () => {
      while (!finished && pending.size < window) {
        const r = next();
        if (!r) break;
        const rid = `k${++ridSeq}`;
        pending.set(rid, r);
        try {
          ws.send({ t: "send", rid, conv: r.conv, clientId: r.clientId, body: { type: "text", text: `crash ${r.clientId}` } });
        } catch {
          done();
          return;
        }
      }
      if (pending.size === 0) done();
    };
    ws.onFrame = (f) => {
      if (f.t === "ack") {
        const r = pending.get(f.rid);
        if (!r) return;
        pending.delete(f.rid);
        onAck(r, { seq: f.seq, id: f.id });
        pump();
      } else if (f.t === "error" && f.rid && pending.has(f.rid)) {
        errors.push(JSON.stringify(f));
        pending.delete(f.rid);
        pump();
      }
    };
    void ws.closed.then(done);
    pump();
  });
}

export interface CrashResult extends CrashFigures {
  killedAtMs: number;
  restartMs: number;
  resendMs: number;
  errors: string[];
}

export async function runCrash(opts: CrashOptions): Promise<CrashResult> {
  const log = opts.log ?? (() => {});
  const data = tempDir("parley-crash-");
  let server: Child | undefined;
  try {
    const port = freePort();
    server = await spawnParley({ dataDir: data.dir, port, env: opts.env });
    const users = await registerUsers(server.url, opts.pairs * 2, 16, "c");
    const senders: Sender[] = [];
    for (let i = 0; i < opts.pairs; i++) {
      const a = users[2 * i]!, b = users[2 * i + 1]!;
      const conv = await directConversation(server.url, a, b);
      senders.push({ user: a, conv }, { user: b, conv });
    }
    for (const s of senders) s.ws = await openWs(wsUrl(server.url), s.user.accessToken);
    log(`${senders.length} senders connected`);

    // Load, then SIGKILL while sends are in flight.
    const records: SentRecord[] = [];
    const errors: string[] = [];
    let acked = 0;
    let killed = false;
    let killedAt = 0;
    const t0 = performance.now();
    let killNow!: () => void;
    const killSignal = new Promise<void>((r) => (killNow = r));
    const deadline = setTimeout(() => killNow(), opts.maxLoadMs ?? 30_000);
    const loads = senders.map((s, si) => {
      let n = 0;
      return drive(
        s,
        opts.window,
        () => {
          if (killed) return undefined;
          const r: SentRecord = { conv: s.conv, clientId: `s${si}-m${n++}`, sender: s.user.id, ackedBeforeKill: false };
          records.push(r);
          return r;
        },
        (r, ack) => {
          if (killed) return; // an ack read after the kill decision still counts as unacked: conservative
          r.ack = ack;
          r.ackedBeforeKill = true;
          if (++acked >= opts.killAfterAcks) killNow();
        },
        errors,
      );
    });
    await killSignal;
    clearTimeout(deadline);
    killed = true;
    await server.kill9();
    killedAt = performance.now() - t0;
    await Promise.all(loads);
    for (const s of senders) s.ws!.ws.close();
    log(`killed after ${Math.round(killedAt)} ms: sent ${records.length}, acked ${acked}`);

    // Restart on the same data (same port when it is free again, else a new one).
    const t1 = performance.now();
    try {
      server = await spawnParley({ dataDir: data.dir, port, env: opts.env });
    } catch {
      server = await spawnParley({ dataDir: data.dir, env: opts.env });
    }
    const restartMs = performance.now() - t1;
    for (const s of senders) s.ws = await openWs(wsUrl(server.url), s.user.accessToken);

    // Resend every message (unacked ones must land once; acked ones must get their original ack).
    const t2 = performance.now();
    const bySender = new Map<string, SentRecord[]>();
    for (const r of records) {
      const k = `${r.conv}\n${r.sender}`;
      (bySender.get(k) ?? bySender.set(k, []).get(k)!).push(r);
    }
    let resent = 0, resentAcked = 0;
    await Promise.all(
      senders.map((s) => {
        const queue = bySender.get(`${s.conv}\n${s.user.id}`) ?? [];
        let i = 0;
        return drive(
          s,
          opts.window,
          () => {
            const r = queue[i++];
            if (r && !r.ackedBeforeKill) resent++;
            return r;
          },
          (r, ack) => {
            r.reAck = ack;
            if (!r.ack) {
              r.ack = ack;
              resentAcked++;
            }
          },
          errors,
        );
      }),
    );
    const resendMs = performance.now() - t2;
    for (const s of senders) s.ws!.ws.close();

    const histories = new Map<string, HistoryItem[]>();
    for (let i = 0; i < senders.length; i += 2) {
      const s = senders[i]!;
      histories.set(s.conv, await history(server.url, s.conv, s.user.accessToken));
    }
    const figures = checkCrash(records, histories);
    return { ...figures, resent, resentAcked, killedAtMs: killedAt, restartMs, resendMs, errors };
  } finally {
    await server?.stop();
    data.remove();
  }
}
