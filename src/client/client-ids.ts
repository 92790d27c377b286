// The clientId the SDK gives a send, an edit, a recall or a reaction when the app gives none: a
// time-ordered UUID (v7). The server keeps every clientId in an index ordered by (conversation,
// sender, clientId); time-ordered ids land at the end of their sender's range, where the pages of
// the last commit still are, while random ones (v4) each dirty a page of their own anywhere in it:
// with a long history, one written page per message instead of one per commit.
export { newId as newClientId } from "../core/random.ts";
