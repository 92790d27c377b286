// How each kind of message body shows. Text is rendered as text (never as HTML); later kinds
// (image, file: PROTOCOL.md v1.1) add a case here.
import type { MessageBody } from "parley/client";

export function Body({ body }: { body: MessageBody }) {
  switch (body.type) {
    case "text":
      return <p class="text">{body.text}</p>;
  }
}
