// Smoke check of a running server: each suite query once, as one viewer,
// prints the row count of the canonical answer (and the wall time).
//
//   JWT_SECRET=... node check.mjs                 (npm run check)
//   JWT_SECRET=... node check.mjs --canonical     also print each canonical answer as JSON
//
// Environment: JWT_SECRET (required, the server's HS256 secret), PORT (4100)
// or SERVER_URL (http://127.0.0.1:$PORT/graphql), VIEWER (us-000001).
// Exit status 1 if a query fails (HTTP error, GraphQL errors, unexpected shape).

import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { normalize, rowCount, SUITE_KEYS } from "./normalize.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const secret = process.env.JWT_SECRET;
if (!secret) {
  console.error("check: JWT_SECRET is required");
  process.exit(2);
}
const url = process.env.SERVER_URL || `http://127.0.0.1:${process.env.PORT || "4100"}/graphql`;
const viewer = process.env.VIEWER || "us-000001";
const printCanonical = process.argv.includes("--canonical");

function base64url(value) {
  return Buffer.from(value).toString("base64url");
}

/** An HS256 JWT whose only claims are sub and exp. */
function token(sub) {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify({ sub, exp: Math.floor(Date.now() / 1000) + 600 }));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

const bearer = `Bearer ${token(viewer)}`;
let failed = false;
const canonical = {};
for (const key of SUITE_KEYS) {
  const query = readFileSync(resolve(here, "queries", `${key}.graphql`), "utf8");
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: bearer },
      body: JSON.stringify({ query, variables: {} }),
    });
    const body = await res.json();
    const ms = (performance.now() - started).toFixed(1);
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
    const answer = normalize(key, body);
    canonical[key] = answer;
    console.log(`${key.padEnd(22)} rows=${String(rowCount(key, answer)).padStart(4)}  ${ms} ms`);
  } catch (err) {
    failed = true;
    console.log(`${key.padEnd(22)} FAILED: ${err.message}`);
  }
}
if (printCanonical) console.log(JSON.stringify(canonical, null, 2));
process.exit(failed ? 1 : 0);
