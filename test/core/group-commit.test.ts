// GroupCommitter, runtime-free: what arrives while a commit runs goes into the next one, results
// come back in submission order, onCommitted runs before any caller resumes, and a failed commit
// fails exactly its own batch.
import { expect, test } from "bun:test";
import { GroupCommitter } from "../../src/core/group-commit.ts";

test("submissions during a commit form the next batch; results in submission order", async () => {
  const batches: number[][] = [];
  let release!: () => void;
  const committer = new GroupCommitter<number, number>(async (items) => {
    batches.push(items);
    if (batches.length === 1) await new Promise<void>((r) => (release = r));
    return items.map((i) => i * 10);
  });
  const first = committer.submit(1);
  await Bun.sleep(1); // the first batch is taken and its commit is running
  const rest = [2, 3, 4].map((i) => committer.submit(i));
  release();
  expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
  expect(batches).toEqual([[1], [2, 3, 4]]);
});

test("onCommitted sees each batch before any submitter resumes", async () => {
  const seen: string[] = [];
  const committer = new GroupCommitter<string, string>(
    async (items) => items,
    (items) => seen.push(`committed ${items.join(",")}`),
  );
  await Promise.all(["a", "b"].map((x) => committer.submit(x).then((r) => seen.push(`resumed ${r}`))));
  expect(seen).toEqual(["committed a,b", "resumed a", "resumed b"]);
});

test("a failed commit rejects its own batch only; later submissions commit", async () => {
  let calls = 0;
  const committer = new GroupCommitter<number, number>(async (items) => {
    if (++calls === 1) throw new Error("disk full");
    return items;
  });
  const failed = Promise.allSettled([committer.submit(1), committer.submit(2)]);
  expect((await failed).map((r) => r.status)).toEqual(["rejected", "rejected"]);
  expect(await committer.submit(3)).toBe(3);
});

test("maxBatch cuts a long queue into batches of at most that size", async () => {
  const sizes: number[] = [];
  const committer = new GroupCommitter<number, number>(
    async (items) => (sizes.push(items.length), items),
    () => {},
    3,
  );
  await Promise.all(Array.from({ length: 7 }, (_, i) => committer.submit(i)));
  expect(sizes).toEqual([3, 3, 1]);
});

test("an item that goes alone is committed in a batch of its own, in its place", async () => {
  const batches: string[][] = [];
  const committer = new GroupCommitter<string, string>(async (items) => (batches.push(items), items));
  await Promise.all([committer.submit("a"), committer.submit("b"), committer.submit("X", true), committer.submit("c"), committer.submit("Y", true)]);
  expect(batches).toEqual([["a", "b"], ["X"], ["c"], ["Y"]]);
});
