// A reload that runs one at a time. Asked while one is on its way (which may have been answered
// before what prompted this ask), it runs once more after that one; the asks meanwhile share that
// second run. So the last answer always reflects the last ask, with at most two requests in flight.
export function serial(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again: Promise<void> | null = null;
  const start = (): Promise<void> => {
    if (!running) {
      running = run().finally(() => (running = null));
      return running;
    }
    again ??= running
      .catch(() => {})
      .then(() => {
        again = null;
        return start();
      });
    return again;
  };
  return start;
}
