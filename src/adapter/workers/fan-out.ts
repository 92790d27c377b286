// Asking many Durable Objects at once without opening a call to each of them at the same time.

/** Objects asked at once, by one search, one upload lookup or one repair of a user's list. */
const FANOUT_CONCURRENCY = 50;

/** `call` for every item, at most FANOUT_CONCURRENCY at a time; the results in order. */
export async function fanOut<T, R>(items: readonly T[], call: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await call(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(FANOUT_CONCURRENCY, items.length) }, worker));
  return results;
}
