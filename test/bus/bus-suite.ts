// The behaviour every EventBus must have, run against each (bus.test.ts).
import { describe, expect, test } from "bun:test";
import { MAX_BUS_PAYLOAD, type EventBus } from "../../src/core/bus.ts";
import { uid, waitFor } from "../support/upstash.ts";

export interface BusBackend {
  /** Two buses on one shared backend, as two server nodes hold them. */
  nodes(): [EventBus, EventBus];
  /** A bus on the same backend that must not see the others' channels (another prefix). */
  isolated(): EventBus;
  /** Live subscriptions on a channel, as the backend counts them. */
  subscribers(channel: string): Promise<number>;
}

// How long a message that should not come gets to arrive anyway.
const QUIET_MS = 150;

function collector() {
  const got: string[] = [];
  return { got, onMessage: (payload: string) => void got.push(payload) };
}

export function busSuite(backend: BusBackend): void {
  describe("delivery", () => {
    test("a message from one node reaches the subscribers of both, the publisher's own included", async () => {
      const [a, b] = backend.nodes();
      const channel = uid("ch");
      const [onA, onB] = [collector(), collector()];
      const stops = [await a.subscribe(channel, onA.onMessage), await b.subscribe(channel, onB.onMessage)];
      await b.publish(channel, "from b");
      await a.publish(channel, "from a");
      await waitFor(() => onA.got.length === 2 && onB.got.length === 2);
      expect(onA.got).toEqual(["from b", "from a"]);
      expect(onB.got).toEqual(["from b", "from a"]);
      for (const stop of stops) stop();
    });

    test("payloads arrive verbatim and in publish order", async () => {
      const [a, b] = backend.nodes();
      const channel = uid("ch");
      const payloads = [
        "",
        "plain",
        "with,commas,message,x",
        "two\nlines\r\nand\rmore",
        "data: not an event\n\n",
        '{"t":"msg","seq":1}',
        "123",
        "null",
        '"quoted"',
        "héllo ✓ 😀 \u2028 \u0000",
        "x".repeat(MAX_BUS_PAYLOAD),
        ...Array.from({ length: 30 }, (_, i) => `burst ${i}`),
      ];
      const on = collector();
      const stop = await a.subscribe(channel, on.onMessage);
      for (const payload of payloads) await b.publish(channel, payload);
      await waitFor(() => on.got.length === payloads.length);
      expect(on.got).toEqual(payloads);
      stop();
    });

    test("channels and prefixes are kept apart", async () => {
      const [a, b] = backend.nodes();
      const other = backend.isolated();
      const [one, two] = [uid("one"), uid("two")];
      const [onOne, onOther] = [collector(), collector()];
      const stops = [await a.subscribe(one, onOne.onMessage), await other.subscribe(one, onOther.onMessage)];
      await b.publish(two, "wrong channel");
      await b.publish(one, "right");
      await waitFor(() => onOne.got.length === 1);
      await Bun.sleep(QUIET_MS);
      expect(onOne.got).toEqual(["right"]);
      expect(onOther.got).toEqual([]);
      for (const stop of stops) stop();
    });

    test("a handler that throws does not end its subscription", async () => {
      const [a, b] = backend.nodes();
      const channel = uid("ch");
      const got: string[] = [];
      const stop = await a.subscribe(channel, (payload) => {
        got.push(payload);
        if (payload === "first") throw new Error("handler bug");
      });
      await b.publish(channel, "first");
      await b.publish(channel, "second");
      await waitFor(() => got.length === 2);
      expect(got).toEqual(["first", "second"]);
      stop();
    });
  });

  describe("unsubscribe", () => {
    test("stops delivery to that subscription only and frees it", async () => {
      const [a, b] = backend.nodes();
      const channel = uid("ch");
      const [kept, dropped] = [collector(), collector()];
      const stopKept = await a.subscribe(channel, kept.onMessage);
      const stopDropped = await b.subscribe(channel, dropped.onMessage);
      expect(await backend.subscribers(channel)).toBe(2);

      stopDropped();
      stopDropped(); // twice is harmless
      await waitFor(async () => (await backend.subscribers(channel)) === 1);
      await a.publish(channel, "after");
      await waitFor(() => kept.got.length === 1);
      await Bun.sleep(QUIET_MS);
      expect(dropped.got).toEqual([]);
      expect(kept.got).toEqual(["after"]);

      stopKept();
      await waitFor(async () => (await backend.subscribers(channel)) === 0);
    });
  });

  describe("validation", () => {
    test("channel names outside the safe set and oversized payloads are refused", async () => {
      const [a] = backend.nodes();
      for (const channel of ["", "a,b", "a b", "a/b", "line\nbreak", "é", "x".repeat(201)]) {
        await expect(a.subscribe(channel, () => {})).rejects.toThrow(RangeError);
        await expect(a.publish(channel, "x")).rejects.toThrow(RangeError);
      }
      await expect(a.publish(uid("ch"), "x".repeat(MAX_BUS_PAYLOAD + 1))).rejects.toThrow(RangeError);
    });
  });
}
