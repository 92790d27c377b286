// Text for the full-text index and queries against it (SQLite FTS5, unicode61 tokenizer).
//
// unicode61 splits words at spaces and punctuation, which finds "hello" in "hello world" but not
// 你好 inside 你好世界: Chinese, Japanese and Korean are written without spaces, so a run of them is
// one token. Such runs are indexed as overlapping pairs of characters (bigrams, as CJK search
// engines do: 你好世界 → 你好 好世 世界) in the `body` column, and as single characters in `uni`:
// a query run of two or more such characters becomes a phrase of its bigrams (found anywhere in a
// run), a single character a term of `uni`.
//
// Queries are parsed here, never handed to FTS5 as typed: words, "quoted phrases" and word*
// prefixes become quoted FTS5 strings, everything else (operators, parentheses, column filters,
// stray quotes) is dropped, so no input is a syntax error.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

const bigrams = (run: string): string[] => {
  const chars = [...run];
  return chars.length === 1 ? chars : chars.slice(1).map((c, i) => chars[i] + c);
};

/** What of a content entry is searched (and shown as its snippet): a text, or a file's caption and name. */
export function searchableText(body: { type: string; text?: string; caption?: string; name?: string }): string | undefined {
  if (body.type === "text") return body.text;
  if (body.type === "file" || body.type === "image") return [body.caption, body.name].filter(Boolean).join("\n");
  return undefined;
}

/**
 * Characters of no CJK script, in every Unicode version: a text of only these is indexed as it is
 * (`indexedText` gives it back with no `uni`), so the store can index it without this code.
 * Everything below Hangul Jamo (Latin, Greek, Cyrillic, Arabic, Hebrew, Indic, Thai…), the blocks
 * from Ethiopic up to Supplemental Punctuation (general punctuation such as ’ “ ” …, symbols),
 * variation selectors and the emoji blocks. Not NUL: the store's test stops at one.
 */
export const PLAIN_CHARS: readonly (readonly [number, number])[] = [
  [0x1, 0x10ff],
  [0x1200, 0x2e7f],
  [0xfe00, 0xfe0f],
  [0x1f300, 0x1faff],
];

/** The two indexed columns of a text: words and CJK bigrams (`body`), CJK characters (`uni`). */
export function indexedText(text: string): { body: string; uni: string } {
  const uni: string[] = [];
  const body = text.replace(CJK_RUN, (run) => {
    uni.push(...run);
    return ` ${bigrams(run).join(" ")} `;
  });
  return { body, uni: uni.join(" ") };
}

export interface SearchTerm {
  /** the text to find, as typed (a word, a phrase's words, a prefix) */
  text: string;
  kind: "word" | "phrase" | "prefix";
}

/** The most terms one query may have (each is a lookup in the index). */
export const MAX_TERMS = 16;

/** Words, "quoted phrases" and word* prefixes of a query; empty when nothing searchable is left. */
export function parseQuery(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const pattern = /"([^"]*)"|(\S+)/gu;
  for (const match of query.matchAll(pattern)) {
    if (match[1] !== undefined) {
      const words = wordsOf(match[1]);
      if (words.length > 0) terms.push({ text: words.join(" "), kind: words.length > 1 ? "phrase" : "word" });
      continue;
    }
    const raw = match[2]!;
    const prefix = /[\p{L}\p{N}]\*$/u.test(raw);
    for (const word of wordsOf(raw)) terms.push({ text: word, kind: "word" });
    if (prefix && terms.length > 0) terms[terms.length - 1]!.kind = "prefix";
  }
  return terms.slice(0, MAX_TERMS);
}

/** The letters and digits of `text`, as unicode61 would split them. */
function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** An FTS5 MATCH expression for the terms (all of them must be found). */
export function matchExpression(terms: SearchTerm[]): string {
  return terms
    .map((term) => {
      if (CJK.test(term.text)) {
        const runs = term.text.split(" ").flatMap((w) => w.match(CJK_RUN) ?? [w]);
        const chars = runs.join("");
        // one CJK character: the characters column; more: the phrase of their bigrams
        if ([...chars].length === 1 && runs.length === 1) return `uni : ${quote(chars)}`;
        return quote(runs.flatMap((run) => (CJK.test(run) ? bigrams(run) : [run])).join(" "));
      }
      return term.kind === "prefix" ? `${quote(term.text)} *` : quote(term.text);
    })
    .join(" AND ");
}

/** Where the terms occur in `text` (case-insensitive), as [start, end) offsets, merged. */
export function highlightsIn(text: string, terms: SearchTerm[]): [number, number][] {
  const lower = text.toLowerCase();
  const found: [number, number][] = [];
  for (const term of terms) {
    const needles = term.kind === "phrase" && !CJK.test(term.text) ? [term.text] : term.text.split(" ");
    for (const needle of needles.map((n) => n.toLowerCase()).filter(Boolean)) {
      for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) found.push([at, at + needle.length]);
    }
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of found) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** A window of `text` around its first highlight (at most `size` characters) and the highlights in it. */
export function snippetOf(text: string, terms: SearchTerm[], size = 160): { snippet: string; highlights: [number, number][] } {
  const all = highlightsIn(text, terms);
  if (text.length <= size) return { snippet: text, highlights: all };
  const first = all[0]?.[0] ?? 0;
  const start = Math.max(0, Math.min(first - Math.floor(size / 4), text.length - size));
  const end = start + size;
  const highlights = all.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s - start, e - start] as [number, number]);
  return { snippet: text.slice(start, end), highlights };
}
