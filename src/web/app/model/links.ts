// Signed links to uploads (POST /v1/uploads/:id/url) for image previews and download links, which
// cannot carry the access token: asked for when an upload is first shown, and again shortly
// before its link expires (a link lasts an hour). The links are this origin's (CSP img-src 'self').
import { signal } from "@preact/signals";
import type { ParleyError, ParleyHttp, SignedUrl } from "parley/client";

const RENEW_BEFORE_MS = 5 * 60_000;
/** After a failed request without an answer (offline), the link may be asked for again this much later. */
const RETRY_AFTER_MS = 5000;

export type Link = { url: string } | { error: string };

export class UploadLinks {
  readonly #links = signal<Record<string, SignedUrl | { error: string }>>({});
  readonly #asking = new Set<string>();

  constructor(private readonly api: ParleyHttp) {}

  /** The link of upload `id`, its error, or undefined while it is being asked for. */
  get(id: string): Link | undefined {
    const link = this.#links.value[id];
    if (!link || ("expiresAt" in link && link.expiresAt - Date.now() < RENEW_BEFORE_MS)) this.#ask(id);
    return link && "expiresAt" in link && link.expiresAt <= Date.now() ? undefined : link;
  }

  async #ask(id: string): Promise<void> {
    if (this.#asking.has(id)) return;
    this.#asking.add(id);
    let retry = false;
    try {
      this.#set(id, await this.api.uploadLink(id));
    } catch (error) {
      const { status, message } = error as ParleyError;
      retry = status === undefined;
      // an answer (e.g. 404: recalled, or no longer readable) stands; no answer is tried again
      if (!retry) this.#set(id, { error: status === 404 ? "not available" : message });
    } finally {
      setTimeout(() => this.#asking.delete(id), retry ? RETRY_AFTER_MS : 0);
    }
  }

  #set(id: string, link: SignedUrl | { error: string }): void {
    this.#links.value = { ...this.#links.value, [id]: link };
  }
}
