// The translation tables: every language has exactly the English keys,
// each with the same placeholders, and a writing direction.
import { test } from "node:test";
import assert from "node:assert/strict";

const LANGS = ["ru", "tr", "fa", "ar"];
const load = async (lang) => (await import(`../../../crates/server/web/lang/${lang}.js`)).default;
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(",");

test("every table has exactly the English keys, with their placeholders", async () => {
  const en = await load("en");
  for (const lang of LANGS) {
    const table = await load(lang);
    const missing = Object.keys(en).filter((k) => !(k in table));
    const extra = Object.keys(table).filter((k) => !(k in en));
    assert.deepEqual(missing, [], lang + " lacks keys");
    assert.deepEqual(extra, [], lang + " has keys English does not");
    for (const key of Object.keys(en)) {
      assert.equal(placeholders(table[key]), placeholders(en[key]), `${lang}.${key}`);
      assert.ok(table[key].trim() !== "", `${lang}.${key} is empty`);
    }
  }
});

test("Persian and Arabic are written right to left, the others left to right", async () => {
  for (const lang of ["en", ...LANGS]) {
    assert.equal((await load(lang)).dir, ["fa", "ar"].includes(lang) ? "rtl" : "ltr", lang);
  }
});
