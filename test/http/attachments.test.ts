// Files and images in messages: a `file` or `image` body refers to the sender's upload and the
// server completes it from the upload (name, size, sniffed type, an image's pixels); who may
// download the upload follows who may read an entry that refers to it, and a recall of the only
// such entry takes that away from everyone but the uploader.
import { describe, expect, test } from "bun:test";
import { call, expectError, group, registerMany, type TestUser } from "../support/api.ts";
import { png } from "../support/images.ts";
import { targetKinds, useTarget } from "../support/target.ts";

async function upload(url: string, user: TestUser, name: string, bytes: Uint8Array<ArrayBuffer>) {
  const res = await fetch(`${url}/v1/uploads?name=${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${user.accessToken}`, "Content-Type": "application/octet-stream" },
    body: bytes,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; name: string; size: number; mime: string; width?: number; height?: number };
}
const send = (u: TestUser, conv: string, body: object) => u.api.post(`/v1/conversations/${conv}/messages`, { clientId: crypto.randomUUID(), body });
const download = (url: string, u: TestUser, id: string) => call(url, "GET", `/v1/uploads/${id}`, { token: u.accessToken });

for (const kind of targetKinds()) {
  describe(`attachments [${kind}]`, () => {
    const t = useTarget(kind);

    test("an image message carries the upload's facts; members download it, strangers get 404", async () => {
      const [a, b, stranger] = (await registerMany(t.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b]);
      const image = await upload(t.url, a, "cat.png", png(640, 480));
      const sent = await send(a, conv, { type: "image", upload: image.id, caption: "my cat" });
      expect(sent.status).toBe(201);
      expect(sent.body.body).toEqual({ type: "image", upload: image.id, caption: "my cat", name: "cat.png", size: image.size, mime: "image/png", width: 640, height: 480 });
      expect((await download(t.url, b, image.id)).status).toBe(200);
      expectError(await download(t.url, stranger, image.id), 404, "not_found");
      const doc = await upload(t.url, a, "notes.bin", new TextEncoder().encode("just some notes"));
      const file = await send(a, conv, { type: "file", upload: doc.id });
      expect(file.body.body).toMatchObject({ type: "file", upload: doc.id, name: "notes.bin", mime: "application/octet-stream" });
    });

    test("a foreign or missing upload, or an image that is not one, is refused and nothing is stored", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const theirs = await upload(t.url, b, "theirs.png", png(10, 10));
      expectError(await send(a, conv, { type: "image", upload: theirs.id }), 400, "invalid_request");
      expectError(await send(a, conv, { type: "file", upload: "no-such-upload" }), 400, "invalid_request");
      const html = await upload(t.url, a, "evil.png", new TextEncoder().encode("<html><script>alert(1)</script></html>"));
      expectError(await send(a, conv, { type: "image", upload: html.id }), 400, "invalid_request");
      expect((await a.api.get(`/v1/conversations/${conv}`)).body.lastSeq).toBe(0);
    });

    test("after a recall of the only entry that refers to it, only the uploader downloads it", async () => {
      const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const image = await upload(t.url, a, "oops.png", png(20, 20));
      const sent = (await send(a, conv, { type: "image", upload: image.id })).body;
      expect((await download(t.url, b, image.id)).status).toBe(200);
      await a.api.post(`/v1/conversations/${conv}/messages/${sent.seq}/recall`, { clientId: "r" });
      expectError(await download(t.url, b, image.id), 404, "not_found");
      expect((await download(t.url, a, image.id)).status).toBe(200);
      const page = (await b.api.get(`/v1/conversations/${conv}/messages?after=0`)).body.items;
      expect(JSON.stringify(page)).not.toContain(image.id);
    });

    test("a member who joined after the entry (since_join) does not read it, nor download its upload", async () => {
      const [a, b, late] = (await registerMany(t.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b]);
      const image = await upload(t.url, a, "before.png", png(20, 20));
      await send(a, conv, { type: "image", upload: image.id });
      await a.api.post(`/v1/conversations/${conv}/members`, { users: [late.id] });
      expectError(await download(t.url, late, image.id), 404, "not_found");
    });
  });
}
