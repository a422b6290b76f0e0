// verify.js against vectors made by the record crate (see
// crates/server/tests/server/web.rs, browser_verification_vectors_hold): what
// the Rust side accepts must verify here, and each tampered twin must not.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import * as v from "../../../crates/server/web/verify.js";

const vectors = JSON.parse(fs.readFileSync(new URL("./vectors.json", import.meta.url), "utf8"));
const m = vectors.mechanism;
const hashes = (list) => list.map(v.bytesOf);

test("a checkpoint signed by the node key verifies, and a witness's cosignature with it", async () => {
  const result = await v.verifyCheckpoint(vectors.checkpoint, m);
  assert.equal(result.signature, true);
  assert.equal(result.cosigned, 1);
  assert.equal(result.quorumMet, true);
  assert.equal(result.witnesses[0].status, "verified");
  assert.equal(result.witnesses[0].time, 1700000000);
});

test("a checkpoint whose root was changed does not verify", async () => {
  const result = await v.verifyCheckpoint(vectors.tampered_checkpoint, m);
  assert.equal(result.signature, false);
  // The witness signed the original text: its cosignature fails too.
  assert.equal(result.witnesses[0].status, "invalid");
});

test("a checkpoint shown with another size or root than its text does not verify", async () => {
  const shown = Object.assign({}, vectors.checkpoint, { size: vectors.checkpoint.size + 1 });
  assert.equal((await v.verifyCheckpoint(shown, m)).signature, false);
});

test("a cosignature with one bit changed is invalid, a missing one is missing", async () => {
  const note = vectors.checkpoint.note.replace(vectors.cosignature.line, vectors.cosignature.tampered_line);
  assert.notEqual(note, vectors.checkpoint.note);
  const tampered = await v.verifyCheckpoint(Object.assign({}, vectors.checkpoint, { note }), m);
  assert.equal(tampered.signature, true, "the node's own signature still holds");
  assert.equal(tampered.witnesses[0].status, "invalid");
  assert.equal(tampered.quorumMet, false);
  const without = vectors.checkpoint.note.replace(vectors.cosignature.line + "\n", "");
  const missing = await v.verifyCheckpoint(Object.assign({}, vectors.checkpoint, { note: without }), m);
  assert.equal(missing.witnesses[0].status, "missing");
});

test("a malformed note or key is refused with a reason", async () => {
  await assert.rejects(v.verifyCheckpoint(Object.assign({}, vectors.checkpoint, { note: "no blank line" }), m), { code: "note_malformed" });
  await assert.rejects(v.verifyCheckpoint(vectors.checkpoint, Object.assign({}, m, { node_key: "name+00000000+AAAA" })), { code: "key_malformed" });
});

test("the inclusion proof gives the checkpoint's root; a changed one does not", async () => {
  const c = vectors.inclusion;
  const root = v.fromBase64(vectors.checkpoint.root);
  assert.equal(await v.inclusionVerifies(c.index, c.size, v.bytesOf(c.leaf_hash), hashes(c.proof), root), true);
  assert.equal(await v.inclusionVerifies(c.index, c.size, v.bytesOf(c.leaf_hash), hashes(c.tampered_proof), root), false);
  assert.equal(await v.inclusionVerifies(c.index + 1, c.size, v.bytesOf(c.leaf_hash), hashes(c.proof), root), false);
  assert.equal(await v.inclusionVerifies(c.index, c.size, v.bytesOf(c.leaf_hash), hashes(c.proof).slice(1), root), false);
});

test("an inclusion proof as the API serves it, against the verified note", async () => {
  const c = vectors.inclusion;
  const note = v.splitNote(vectors.checkpoint.note);
  const proof = { checkpoint: vectors.checkpoint.note, leaf_hash: c.leaf_hash, proof: c.proof };
  assert.equal((await v.verifyInclusion(c.index, proof, vectors.checkpoint, note)).ok, true);
  assert.equal((await v.verifyInclusion(c.index, Object.assign({}, proof, { proof: c.tampered_proof }), vectors.checkpoint, note)).ok, false);
  await assert.rejects(v.verifyInclusion(c.index, Object.assign({}, proof, { checkpoint: vectors.tampered_checkpoint.note }), vectors.checkpoint, note),
    { code: "proof_other_checkpoint" });
});

test("consistency proofs hold from a smaller tree (power of two or not); changed ones do not", async () => {
  for (const c of vectors.consistency) {
    const [r1, r2] = [v.bytesOf(c.root1), v.bytesOf(c.root2)];
    assert.equal(await v.consistencyVerifies(c.size1, c.size2, hashes(c.proof), r1, r2), true, "size " + c.size1);
    assert.equal(await v.consistencyVerifies(c.size1, c.size2, hashes(c.tampered_proof), r1, r2), false, "tampered " + c.size1);
    assert.equal(await v.consistencyVerifies(c.size1, c.size2, hashes(c.proof), r2, r2), false, "wrong old root " + c.size1);
  }
});
