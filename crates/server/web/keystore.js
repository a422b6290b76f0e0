// This browser's signing key: a non-extractable WebCrypto Ed25519 key
// kept in IndexedDB. Statements are formatted by the node, signed here,
// and submitted; the node never signs for a member.
import { api } from "./api.js";
import { concat, sha256, hex, bytesOf } from "./verify.js";

function db() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("truce", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("keys");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
export async function storedKey() {
  const d = await db();
  return new Promise((resolve, reject) => {
    const r = d.transaction("keys").objectStore("keys").get("signing");
    r.onsuccess = () => resolve(r.result || null);
    r.onerror = () => reject(r.error);
  });
}
export async function storeKey(pair) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction("keys", "readwrite");
    tx.objectStore("keys").put(pair, "signing");
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}
export async function generateKey() {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
  await storeKey(pair);
  return pair;
}
// The key id is the first 16 bytes of SHA-256("truce/key-id/v1\n" ‖ public key).
export async function keyInfo(pair) {
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const id = (await sha256(concat(new TextEncoder().encode("truce/key-id/v1\n"), raw))).slice(0, 16);
  return { publicKey: hex(raw), keyId: hex(id) };
}

// The browser's admitted key and its member, or null.
export async function admittedKey() {
  if (!window.crypto || !crypto.subtle) return null;
  const pair = await storedKey();
  if (!pair) return null;
  const info = await keyInfo(pair);
  const me = (await api("/api/v1/members")).find((m) => m.key_id === info.keyId);
  return me ? { pair, info, me } : null;
}

// The node returns the exact canonical bytes; the browser signs them with
// its non-extractable key and submits bytes and signature.
export async function signAndSubmit(pair, statement) {
  const canonical = await api("/api/v1/statements/canonical", { method: "POST", json: statement });
  const message = concat(new TextEncoder().encode(canonical.context), bytesOf(canonical.statement));
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, message);
  return api("/api/v1/statements", { method: "POST", json: { statement: canonical.statement, signature: hex(signature) } });
}
// Signs a body as this key's member, with its next sequence number.
export async function signBody(key, body) {
  const me = (await api("/api/v1/members")).find((m) => m.key_id === key.info.keyId);
  return signAndSubmit(key.pair, { v: 1, author: key.info.keyId, seq: me.next_seq, time: new Date().toISOString(), body });
}
