// The open conversation lives in the URL's hash (#/c/<id>): links open it, the back button and a
// reload keep it.
export const conversationHref = (conv: string) => `#/c/${encodeURIComponent(conv)}`;
export const listHref = "#/";
export const conversationInUrl = () => (location.hash.startsWith("#/c/") ? decodeURIComponent(location.hash.slice(4)) : null);
