// Answering before the request body has been read to its end — a 413 from the body limit, say —
// leaves the client mid-upload, and the connection in a state its next request does not survive:
// the client sees a reset instead of an answer (a keep-alive connection the client reuses), and
// wrangler dev's proxy fails its next request over that connection with a 503 the Worker never
// sees (workers-sdk#15709). So whatever the app left of a body is read and discarded before the
// answer goes out (what servers call a lingering close), up to DRAIN_LIMIT bytes.
const DRAIN_LIMIT = 16 * 1024 * 1024;

export function drainableBody(request: Request): { request: Request; drain(): Promise<void> } {
  if (!request.body) return { request, drain: async () => {} };
  // A body declared larger than the limit would be given up anyway: don't make its answer (a
  // 413 before a byte was read, say) wait for the first DRAIN_LIMIT bytes of it.
  if (Number(request.headers.get("Content-Length")) > DRAIN_LIMIT) return { request, drain: () => request.body!.cancel().catch(() => {}) };
  const source = request.body.getReader();
  let finished = false;
  // The runtime's streams allow one pending read at a time: chain them.
  let last: Promise<unknown> = Promise.resolve();
  const read = (): Promise<ReadableStreamReadResult<Uint8Array>> => {
    const next = last.then(async () => {
      if (finished) return { done: true as const, value: undefined };
      const chunk = await source.read();
      if (chunk.done) finished = true;
      return chunk;
    });
    last = next.catch(() => {});
    return next;
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await read();
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    },
  });
  return {
    request: new Request(request, { body }),
    async drain() {
      try {
        for (let drained = 0; drained <= DRAIN_LIMIT; ) {
          const chunk = await read();
          if (chunk.done) return;
          drained += chunk.value.byteLength;
        }
        await source.cancel(); // past the limit: give up on it
      } catch {
        // the client went away: nothing left to read
      }
    },
  };
}
