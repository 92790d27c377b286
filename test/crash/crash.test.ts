// Crash safety (issue "Throughput and crash safety"): SIGKILL the server process mid-load,
// restart it on the same data, resend every unacked message with its clientId, and check that
// nothing acknowledged was lost, nothing is there twice, seqs have no gaps, and every acked
// message kept its seq and id. The big version with figures: `npm run bench:crash`.
import { describe, expect, test } from "bun:test";
import { checkCrash, runCrash, type HistoryItem, type SentRecord } from "../../bench/lib/crash.ts";

describe("crash safety", () => {
  test("kill -9 mid-load: no acked message lost, no duplicate, no gap, acked seq/id kept", async () => {
    const r = await runCrash({ pairs: 4, window: 16, killAfterAcks: 600, maxLoadMs: 8_000 });
    const summary = JSON.stringify({ ...r, errors: r.errors.slice(0, 5) });
    // the kill really happened mid-load
    expect(r.ackedBeforeKill, summary).toBeGreaterThan(0);
    expect(r.inFlightAtKill, summary).toBeGreaterThan(0);
    expect(r.resent, summary).toBe(r.inFlightAtKill);
    expect(r.errors, summary).toEqual([]);
    expect(r.lost, summary).toBe(0);
    expect(r.missing, summary).toBe(0);
    expect(r.duplicates, summary).toBe(0);
    expect(r.gaps, summary).toBe(0);
    expect(r.changedSeqs, summary).toBe(0);
    expect(r.unknown, summary).toBe(0);
    expect(r.historyTotal, summary).toBe(r.sent);
  }, 60_000);

  // The checker itself must be able to fail.
  describe("checkCrash", () => {
    const rec = (clientId: string, seq?: number, id = `id-${clientId}`): SentRecord => ({
      conv: "c",
      clientId,
      sender: "u",
      ackedBeforeKill: seq !== undefined,
      ack: seq === undefined ? undefined : { seq, id },
    });
    const item = (clientId: string, seq: number, id = `id-${clientId}`): HistoryItem => ({ conv: "c", clientId, sender: "u", seq, id });
    const check = (records: SentRecord[], items: HistoryItem[]) => checkCrash(records, new Map([["c", items]]));

    test("a clean history passes", () => {
      const f = check([rec("a", 1), rec("b")], [item("a", 1), item("b", 2)]);
      expect([f.lost, f.missing, f.duplicates, f.gaps, f.changedSeqs, f.unknown]).toEqual([0, 0, 0, 0, 0, 0]);
    });
    test("finds a lost acked message and a gap", () => {
      const f = check([rec("a", 1), rec("b", 2), rec("c", 3)], [item("a", 1), item("c", 3)]);
      expect(f.lost).toBe(1);
      expect(f.gaps).toBe(1);
    });
    test("finds a duplicate", () => {
      expect(check([rec("a", 1)], [item("a", 1), item("a", 2, "other")]).duplicates).toBe(1);
    });
    test("finds a changed seq or id", () => {
      expect(check([rec("a", 1), rec("b", 2)], [item("b", 1), item("a", 2)]).changedSeqs).toBe(2);
      expect(check([rec("a", 1)], [item("a", 1, "new-id")]).changedSeqs).toBe(1);
    });
    test("finds a repeated seq and an unknown message", () => {
      const f = check([rec("a", 1)], [item("a", 1), item("x", 1)]);
      expect(f.gaps).toBe(1);
      expect(f.unknown).toBe(1);
    });
  });
});
