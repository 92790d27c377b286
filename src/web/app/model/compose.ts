// What the composer of the open conversation is doing besides plain text: replying to a message,
// editing one of this user's messages, and the files picked (or pasted, or dropped) to go with
// the next send.
import { signal } from "@preact/signals";
import type { Message } from "parley/client";

export class Compose {
  readonly replyTo = signal<Message | null>(null);
  readonly editing = signal<Message | null>(null);
  readonly files = signal<File[]>([]);

  reply(message: Message): void {
    this.editing.value = null;
    this.replyTo.value = message;
  }

  edit(message: Message): void {
    this.replyTo.value = null;
    this.editing.value = message;
  }

  addFiles(files: readonly File[]): void {
    if (files.length) this.files.value = [...this.files.value, ...files];
  }

  removeFile(file: File): void {
    this.files.value = this.files.value.filter((f) => f !== file);
  }
}
