// The next turn of the event loop, after pending I/O callbacks (a macrotask, not a microtask):
// where a long piece of work yields so that other sockets and requests get served in between.
export const nextTurn = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));
