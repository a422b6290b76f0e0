// Shared set-up for the browser tests: Debian's Chromium, headless, with
// every request that would leave loopback refused and reported.
import { chromium } from "playwright-core";

export const BASE = process.env.TRUCE_URL;
if (!BASE) throw new Error("TRUCE_URL is not set: run scripts/browser-test.sh");

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export const outside = [];
export async function guard(context) {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const local = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || url.protocol === "data:" || url.protocol === "blob:";
    if (local) return route.continue();
    outside.push(url.href);
    return route.abort();
  });
}

export function assert(condition, message) {
  if (!condition) throw new Error("assertion failed: " + message);
}
