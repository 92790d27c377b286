// OrderedDelivery under backpressure, runtime-free: a catch-up through a socket that backs up
// every few frames goes on from where it stopped in the page it read, in order, without gaps.
import { expect, test } from "bun:test";
import { OrderedDelivery } from "../../src/realtime/ordered-delivery.ts";
import type { Message } from "../../src/schema/messages.ts";

const message = (seq: number): Message => ({ id: `m${seq}`, conv: "c", seq, sender: "other", ts: seq, clientId: `k${seq}`, body: { type: "text", text: `#${seq}` } });
const log = Array.from({ length: 450 }, (_, i) => message(i + 1));

test("a catch-up of 450 through a socket congested every 10 frames: all of them, in order, 3 page reads", async () => {
  const sent: number[] = [];
  const fetched: number[] = [];
  let queued = 0; // frames the socket holds; congested from 10 on, drained on a later turn
  const delivery = new OrderedDelivery({
    fetch: async (_conv, after, limit) => {
      fetched.push(after);
      const items = log.filter((m) => m.seq > after).slice(0, limit);
      return { items, hasMore: items.length > 0 && items.at(-1)!.seq < log.length };
    },
    send: (text) => {
      sent.push(JSON.parse(text).seq);
      queued++;
      return true;
    },
    fail: (reason) => {
      throw new Error(`failed: ${reason}`);
    },
    isOwn: () => false,
    ackFrame: () => null,
    maxHeldBytes: 1 << 20,
    backpressure: {
      congested: () => queued >= 10,
      drained: () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            queued = 0;
            resolve();
          }, 0),
        ),
    },
  });
  delivery.resume("c", 0);
  for (let i = 0; i < 200 && sent.length < 450; i++) await Bun.sleep(1);
  expect(sent).toEqual(log.map((m) => m.seq));
  // pages of 200 read once each, not again after every stall
  expect(fetched).toEqual([0, 200, 400]);
});
