// The open conversation lives in the URL's hash (#/c/<id>): links open it, the back button and a
// reload keep it. #/c/<id>/<seq> opens it at one message (a search hit).
export const conversationHref = (conv: string, seq?: number) => `#/c/${encodeURIComponent(conv)}${seq === undefined ? "" : `/${seq}`}`;
export const listHref = "#/";

/** The conversation the URL opens, and the message it asks to show. */
export function routeInUrl(): { conv: string | null; seq?: number } {
  const match = /^#\/c\/([^/]+)(?:\/(\d+))?$/.exec(location.hash);
  try {
    const conv = match ? decodeURIComponent(match[1]!) : null;
    return conv && match?.[2] ? { conv, seq: Number(match[2]) } : { conv };
  } catch {
    return { conv: null }; // not a link this app made
  }
}
