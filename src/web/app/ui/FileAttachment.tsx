// A file or image of a message. An image shows as a preview (its signed link, this origin's: the
// page's CSP allows images from 'self' only), sized from the width and height the server read,
// so the list does not jump when it loads; it opens full size in a new tab. A file is a download
// link with its name and size. Names and captions are text.
import type { Chat } from "../chat.ts";
import { fileSize } from "./format.ts";
import { FileIcon } from "./icons.tsx";

interface Props {
  chat: Chat;
  body: { type: "file" | "image"; upload: string; name: string; size: number; width?: number | null; height?: number | null };
}

export function FileAttachment({ chat, body }: Props) {
  const link = chat.links.get(body.upload);
  const url = link && "url" in link ? link.url : undefined;
  const problem = link && "error" in link ? `(${link.error})` : null;
  if (body.type === "image") {
    if (problem) return <p class="file">Image {body.name} {problem}</p>;
    const size = body.width && body.height ? { width: body.width, height: body.height } : {};
    // no src until the link is there: the box keeps the image's shape meanwhile
    const image = <img class="preview" data-upload={body.upload} src={url} alt={body.name} {...size} />;
    return url ? (
      <a class="image-link" href={url} target="_blank" rel="noopener" aria-label={`Open image ${body.name}`}>
        {image}
      </a>
    ) : (
      image
    );
  }
  return (
    <p class="file">
      <FileIcon />{" "}
      {url ? <a href={url} download={body.name}>{body.name}</a> : <span>{body.name}</span>}
      <span class="hint"> {fileSize(body.size)} {problem}</span>
    </p>
  );
}
