// prebuilt() statements (src/store/sql/db.ts) give drizzle the query it would have built itself
// from the same template, without building it again on every run; and a real database runs them.
import { createClient } from "@libsql/client";
import { expect, test } from "bun:test";
import { sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { conversations } from "../../src/store/schema.ts";
import { prebuilt } from "../../src/store/sql/db.ts";

const dialect = new SQLiteAsyncDialect();
const template = (a: unknown, b: unknown) => sql`SELECT ${a} AS a, ${b} AS b, ${a} || ${b} AS ab FROM ${conversations} WHERE ${conversations.id} = ${b}`;
const statement = prebuilt(2, (a: SQL, b: SQL) => template(a, b));

test("a prebuilt statement's query is the one drizzle builds from its template, values in place (one used twice)", () => {
  const built = dialect.sqlToQuery(statement("x", null));
  const expected = dialect.sqlToQuery(template("x", null));
  expect({ sql: built.sql, params: built.params }).toEqual({ sql: expected.sql, params: expected.params });
  expect(built.params).toEqual(["x", null, "x", null, null]);
});

test("nested in another statement, a prebuilt one is read through its chunks", () => {
  const built = dialect.sqlToQuery(sql`SELECT * FROM (${statement(1, 2)})`);
  const expected = dialect.sqlToQuery(sql`SELECT * FROM (${template(1, 2)})`);
  expect({ sql: built.sql, params: built.params }).toEqual({ sql: expected.sql, params: expected.params });
});

test("a value that is SQL is refused (it would be bound, not spliced in)", () => {
  expect(() => statement(sql`1`, 2)).toThrow(/a value is SQL/);
});

test("a database runs it in a batch and alone", async () => {
  const db = drizzle(createClient({ url: ":memory:" }));
  const add = prebuilt(2, (a: SQL, b: SQL) => sql`SELECT ${a} + ${b} AS sum, ${a} AS a`);
  const [rows] = await db.batch([db.all<{ sum: number; a: number }>(add(2, 3))]);
  expect(rows).toEqual([{ sum: 5, a: 2 }]);
  expect(await db.all(add(10, 1))).toEqual([{ sum: 11, a: 10 }]);
});
