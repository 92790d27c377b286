// Files this user is sending: each is uploaded first (POST /v1/uploads), then sent as an `image`
// or `file` message through the outbox like any other message. Until then it shows here,
// uploading, or failed with the reason (and can be tried again or dismissed). The files of one
// attach go one after the other, so their messages keep the order they were picked in.
import { signal } from "@preact/signals";
import type { ParleyError, ParleyHttp, SendBody } from "parley/client";

export interface Attachment {
  key: string;
  conv: string;
  file: File;
  caption?: string;
  /** why the upload failed, until it is tried again */
  error?: ParleyError;
}

/** What the server shows as an image (its type sniffed from the bytes); anything else goes as a file. */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export class Attachments {
  readonly items = signal<Attachment[]>([]);

  constructor(
    private readonly api: ParleyHttp,
    private readonly send: (conv: string, body: SendBody) => void,
  ) {}

  of(conv: string): Attachment[] {
    return this.items.value.filter((a) => a.conv === conv);
  }

  /** Uploads and sends `files`; the first one carries `caption`. */
  async attach(conv: string, files: readonly File[], caption?: string): Promise<void> {
    const added = files.map((file, i) => ({ key: crypto.randomUUID(), conv, file, ...(i === 0 && caption ? { caption } : {}) }));
    this.items.value = [...this.items.value, ...added];
    for (const attachment of added) await this.#upload(attachment);
  }

  retry(key: string): Promise<void> {
    const attachment = this.items.value.find((a) => a.key === key);
    return attachment ? this.#upload(attachment) : Promise.resolve();
  }

  dismiss(key: string): void {
    this.items.value = this.items.value.filter((a) => a.key !== key);
  }

  async #upload(attachment: Attachment): Promise<void> {
    const { key, conv, file, caption } = attachment;
    this.#update(key, { error: undefined });
    try {
      const upload = await this.api.upload(file.name || "file", file, file.type || undefined);
      this.dismiss(key);
      this.send(conv, { type: IMAGE_TYPES.has(upload.mime) ? "image" : "file", upload: upload.id, ...(caption ? { caption } : {}) });
    } catch (error) {
      this.#update(key, { error: error as ParleyError });
    }
  }

  #update(key: string, change: Partial<Attachment>): void {
    this.items.value = this.items.value.map((a) => (a.key === key ? { ...a, ...change } : a));
  }
}
