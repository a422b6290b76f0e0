// Checking what the node serves, with nothing but the mechanism's keys:
// a checkpoint's signed note (C2SP signed-note), the witnesses'
// cosignatures (C2SP tlog-cosignature/v1), and inclusion and consistency
// proofs (RFC 9162, SHA-256). Pure: bytes and keys in, a verdict out; no
// page, no network. WebCrypto only, so it runs in the browser and in
// `node --test` alike.
const te = new TextEncoder();
const subtle = globalThis.crypto.subtle;

export const SIGNED_NOTE_ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;

// Why something does not verify, as a code the page translates.
export class VerifyError extends Error {
  constructor(code, detail) { super(code + (detail ? ": " + detail : "")); this.code = code; this.detail = detail; }
}

export function hex(bytes) { return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join(""); }
export function fromHex(text) {
  if (!/^([0-9a-f]{2})*$/i.test(text)) throw new VerifyError("not_hex");
  return Uint8Array.from(text.match(/../g) || [], (b) => parseInt(b, 16));
}
export function fromBase64(text) { return Uint8Array.from(atob(text), (c) => c.charCodeAt(0)); }
export function toBase64(bytes) { let s = ""; for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b); return btoa(s); }
// The API gives hashes and signatures in hex or base64; a 32-byte value in
// base64 is 44 characters, which hex never is.
export function bytesOf(text) {
  if (/^[0-9a-f]+$/i.test(text) && text.length % 2 === 0 && text.length !== 44) return fromHex(text);
  return fromBase64(text);
}
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) { out.set(p, i); i += p.length; }
  return out;
}
export async function sha256(bytes) { return new Uint8Array(await subtle.digest("SHA-256", bytes)); }
function equal(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }

// RFC 6962 leaf hash of an entry (statement bytes ‖ signature).
export function leafHash(statement, signature) { return sha256(concat([0], statement, signature)); }
function node(left, right) { return sha256(concat([1], left, right)); }

// RFC 9162 section 2.1.3.2: the root an inclusion proof gives for a leaf.
export async function rootFromInclusion(index, size, leaf, path) {
  if (!(index < size)) throw new VerifyError("index_beyond_tree");
  let fn = index, sn = size - 1, r = leaf;
  for (const p of path) {
    if (sn === 0) throw new VerifyError("proof_too_long");
    if ((fn & 1) === 1 || fn === sn) {
      r = await node(p, r);
      while ((fn & 1) === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = await node(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new VerifyError("proof_too_short");
  return r;
}
export async function inclusionVerifies(index, size, leaf, path, root) {
  try { return equal(await rootFromInclusion(index, size, leaf, path), root); } catch (e) { return false; }
}

// RFC 9162 section 2.1.4.2: a consistency proof from size1 (root1) to
// size2 (root2).
export async function consistencyVerifies(size1, size2, proof, root1, root2) {
  if (size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = proof;
  // When size1 is a power of two its root is the first node of the path.
  if ((size1 & (size1 - 1)) === 0) path = [root1, ...proof];
  let fn = size1 - 1, sn = size2 - 1;
  while ((fn & 1) === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if ((fn & 1) === 1 || fn === sn) {
      fr = await node(c, fr);
      sr = await node(c, sr);
      while ((fn & 1) === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = await node(sr, c);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, root1) && equal(sr, root2);
}

// A signed note: its text (ending in a newline), a blank line, then one
// line per signature, "— NAME base64(key hash ‖ signature)".
export function splitNote(note) {
  const end = note.lastIndexOf("\n\n");
  if (end < 0) throw new VerifyError("note_malformed");
  const signatures = note.slice(end + 2).split("\n").filter((line) => line !== "").map((line) => {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match) throw new VerifyError("note_malformed");
    const raw = fromBase64(match[2]);
    if (raw.length < 5) throw new VerifyError("note_malformed");
    return { name: match[1], keyHash: hex(raw.slice(0, 4)), signature: raw.slice(4) };
  });
  return { text: note.slice(0, end + 1), signatures };
}
// A checkpoint's text: origin, size, root (base64), then extension lines.
export function parseCheckpoint(text) {
  const [origin, size, root] = text.split("\n");
  if (!origin || !/^[0-9]+$/.test(size || "") || !root) throw new VerifyError("checkpoint_malformed");
  return { origin, size: Number(size), root };
}

// A verifier key "NAME+HASH+base64(algorithm ‖ public key)"; HASH is the
// first 4 bytes of SHA-256(NAME "\n" algorithm ‖ public key).
export async function verifierKey(text, algorithm) {
  const first = text.indexOf("+"), second = text.indexOf("+", first + 1);
  if (first <= 0 || second < 0) throw new VerifyError("key_malformed", text);
  const name = text.slice(0, first), keyHash = text.slice(first + 1, second);
  let raw;
  try { raw = fromBase64(text.slice(second + 1)); } catch (e) { throw new VerifyError("key_malformed", text); }
  if (raw.length !== 33 || raw[0] !== algorithm) throw new VerifyError("key_malformed", text);
  const expected = hex((await sha256(concat(te.encode(name + "\n"), raw))).slice(0, 4));
  if (expected !== keyHash) throw new VerifyError("key_malformed", text);
  const key = await subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
  return { name, keyHash, key };
}
function ed25519(key, signature, message) {
  return subtle.verify({ name: "Ed25519" }, key, signature, message).catch(() => false);
}
// The node's Ed25519 signature on a note's text.
export async function noteSignatureVerifies(note, nodeKey) {
  const key = await verifierKey(nodeKey, SIGNED_NOTE_ED25519);
  const line = note.signatures.find((s) => s.name === key.name && s.keyHash === key.keyHash);
  if (!line || line.signature.length !== 64) return false;
  return ed25519(key.key, line.signature, te.encode(note.text));
}
// A witness's cosignature: "missing", "invalid" or "verified", with the
// time it cosigned (seconds since 1970) when it verifies.
export async function cosignature(note, witnessKey) {
  const key = await verifierKey(witnessKey, COSIGNATURE_V1);
  const line = note.signatures.find((s) => s.name === key.name && s.keyHash === key.keyHash);
  if (!line) return { status: "missing" };
  if (line.signature.length !== 72) return { status: "invalid" };
  const time = new DataView(line.signature.buffer, line.signature.byteOffset, 8).getBigUint64(0);
  const message = te.encode("cosignature/v1\ntime " + time + "\n" + note.text);
  return (await ed25519(key.key, line.signature.slice(8), message)) ? { status: "verified", time: Number(time) } : { status: "invalid" };
}

// A checkpoint as served ({note, size, root}) against the mechanism's keys
// ({node_key, log_origin, witnesses: [{party, verifier_key}], witness_quorum}).
export async function verifyCheckpoint(checkpoint, mechanism) {
  const note = splitNote(checkpoint.note);
  const text = parseCheckpoint(note.text);
  const signed = await noteSignatureVerifies(note, mechanism.node_key);
  const matches = text.origin === mechanism.log_origin && text.size === checkpoint.size && text.root === checkpoint.root;
  const witnesses = await Promise.all(mechanism.witnesses.map(async (w) => Object.assign(
    { party: w.party, name: w.verifier_key.split("+")[0] }, await cosignature(note, w.verifier_key))));
  const cosigned = witnesses.filter((w) => w.status === "verified").length;
  return {
    note, signature: signed && matches, witnesses, cosigned,
    quorum: mechanism.witness_quorum, quorumMet: cosigned >= mechanism.witness_quorum,
  };
}

// An inclusion proof as served by /api/v1/proof/inclusion (with the entry
// or its leaf hash) against a checkpoint whose note was verified.
export async function verifyInclusion(position, proof, checkpoint, verifiedNote) {
  if (splitNote(proof.checkpoint).text !== verifiedNote.text) throw new VerifyError("proof_other_checkpoint");
  const leaf = proof.statement
    ? await leafHash(bytesOf(proof.statement), bytesOf(proof.signature))
    : bytesOf(proof.leaf_hash);
  let computed;
  try { computed = await rootFromInclusion(position, checkpoint.size, leaf, proof.proof.map(bytesOf)); } catch (e) {
    return { ok: false, computed: "" };
  }
  return { ok: toBase64(computed) === checkpoint.root, computed: toBase64(computed) };
}
