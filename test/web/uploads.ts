// Files and images in the browser: Ann attaches an image with the button (its upload held back a
// moment, to see it uploading), pastes a file whose first upload fails (tried again), drops
// another, and picks one over MAX_UPLOAD_BYTES (refused with the limit in words). Ben sees the
// image as a preview through its signed link (under the page's CSP: img-src 'self') and the files
// as download links that work. Caption and file name carry HTML: text.
import { expect } from "bun:test";
import { INJECTION } from "./browser.ts";
import { MAX_UPLOAD_BYTES, pasteOrDrop, pngBytes, type Cast } from "./people.ts";

const UPLOADS = /\/v1\/uploads\?name=/;
const FILE_NAME = `notes ${INJECTION}.txt`;

export async function uploadsFlow({ ann, ben, history, shot }: Cast, conv: string): Promise<void> {
  // The image, by the attach button; the text becomes its caption.
  const [chooser] = await Promise.all([ann.page.waitForEvent("filechooser"), ann.page.getByRole("button", { name: "Attach files" }).click()]);
  await chooser.setFiles({ name: "gradient.png", mimeType: "image/png", buffer: await pngBytes(ann) });
  await ann.page.getByRole("list", { name: "Files to send" }).getByText("gradient.png").waitFor();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await ann.page.route(UPLOADS, async (route) => (await held, route.continue()), { times: 1 });
  await ann.send(`caption ${INJECTION}`);
  await ann.page.getByRole("progressbar", { name: "Uploading gradient.png" }).waitFor();
  await shot("uploading", ann);
  release();
  await ben.page.locator(".msg img.preview").waitFor();
  await ben.page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>("img.preview")].some((img) => img.complete && img.naturalWidth === 320));
  await ben.page.locator(".msg .caption", { hasText: `caption ${INJECTION}` }).waitFor();

  // A pasted file: its first upload fails (no connection), "Try again" sends it.
  await ann.page.route(UPLOADS, (route) => route.abort("internetdisconnected"), { times: 1 });
  await pasteOrDrop(ann, "paste", [{ name: FILE_NAME, text: "hello file" }]);
  await ann.page.getByRole("textbox", { name: "Message Ben" }).press("Enter");
  const failed = ann.page.locator(".upload .send-error", { hasText: "Not sent: Cannot reach the server" });
  await failed.waitFor();
  await shot("upload-failed", ann);
  await failed.getByRole("button", { name: "Try again" }).click();
  const link = ben.page.locator(".msg .file a[download]", { hasText: FILE_NAME });
  await link.waitFor();
  expect(await ben.page.evaluate(async (href) => (await fetch(href)).text(), (await link.getAttribute("href"))!)).toBe("hello file");

  // A dropped file, sent with Enter on an empty box.
  await pasteOrDrop(ann, "drop", [{ name: "dropped.txt", text: "dropped" }]);
  await ann.page.getByRole("list", { name: "Files to send" }).getByText("dropped.txt").waitFor();
  await ann.page.getByRole("textbox", { name: "Message Ben" }).press("Enter");
  await ben.page.locator(".msg .file", { hasText: "dropped.txt" }).waitFor();

  // Too large: refused, with the limit in words; dismissed.
  const [big] = await Promise.all([ann.page.waitForEvent("filechooser"), ann.page.getByRole("button", { name: "Attach files" }).click()]);
  await big.setFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(MAX_UPLOAD_BYTES + 1) });
  await ann.page.getByRole("button", { name: "Send" }).click();
  const tooLarge = ann.page.locator(".upload .send-error", { hasText: "Too large: files may be at most 977 KB." });
  await tooLarge.waitFor();
  await shot("files", ann, ben);
  await tooLarge.getByRole("button", { name: "Dismiss" }).click();
  await tooLarge.waitFor({ state: "detached" });

  const bodies = (await history("ben", conv)).map((m) => m.body).filter((b) => b.type === "image" || b.type === "file");
  expect(bodies).toEqual([
    expect.objectContaining({ type: "image", caption: `caption ${INJECTION}`, name: "gradient.png", mime: "image/png", width: 320, height: 200 }),
    expect.objectContaining({ type: "file", name: FILE_NAME, size: 10 }),
    expect.objectContaining({ type: "file", name: "dropped.txt" }),
  ]);
  for (const person of [ann, ben]) expect(await person.injected()).toEqual({ images: 0, ran: null });
}
