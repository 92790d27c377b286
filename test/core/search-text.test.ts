// Query parsing and CJK preparation for the full-text index, runtime-free.
import { expect, test } from "bun:test";
import { highlightsIn, indexedText, matchExpression, parseQuery, PLAIN_CHARS, snippetOf } from "../../src/core/search-text.ts";

test("CJK runs are indexed as bigrams (body) and characters (uni); other text as is", () => {
  expect(indexedText("hi 你好世界!")).toEqual({ body: "hi  你好 好世 世界 !", uni: "你 好 世 界" });
  expect(indexedText("日")).toEqual({ body: " 日 ", uni: "日" });
});

test("a text of PLAIN_CHARS only is indexed as it is: no character of theirs is CJK", () => {
  for (const [from, to] of PLAIN_CHARS) {
    for (let c = from; c <= to; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue; // surrogates are no characters
      const text = `a${String.fromCodePoint(c)}b`;
      if (indexedText(text).body !== text) throw new Error(`U+${c.toString(16)} is changed by indexedText`);
    }
  }
});

test("queries: words, phrases, prefixes, all quoted; operators and stray syntax are words or dropped", () => {
  expect(matchExpression(parseQuery('hello "big world" wor*'))).toBe('"hello" AND "big world" AND "wor" *');
  expect(matchExpression(parseQuery("AND ( NEAR x:y")).replace(/ AND /g, "|")).toBe('"AND"|"NEAR"|"x"|"y"');
  expect(matchExpression(parseQuery('say "a""b'))).toBe('"say" AND "a" AND "b"');
  expect(parseQuery(' " * ( ) ')).toEqual([]);
  expect(matchExpression(parseQuery("你好世界"))).toBe('"你好 好世 世界"');
  expect(matchExpression(parseQuery("你"))).toBe('uni : "你"');
  expect(parseQuery("a ".repeat(40)).length).toBe(16);
});

test("highlights are merged offsets of every term; a snippet keeps them relative to itself", () => {
  expect(highlightsIn("Hello hello HELLO", parseQuery("hello"))).toEqual([[0, 5], [6, 11], [12, 17]]);
  const text = `${"a".repeat(200)} target ${"b".repeat(200)}`;
  const { snippet, highlights } = snippetOf(text, parseQuery("target"));
  expect(snippet.length).toBe(160);
  expect(snippet.slice(highlights[0]![0], highlights[0]![1])).toBe("target");
});
