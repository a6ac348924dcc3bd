// Benchmark comparison server: @neo4j/graphql 7 + @apollo/server 5 on node:http.
//
// POST http://127.0.0.1:$PORT/graphql with `Authorization: Bearer <HS256 JWT>`
// whose `sub` is a User.id. The token is verified by the library itself
// (features.authorization.key); the viewer's company and role are read from
// the graph inside the authorization rules of typeDefs.graphql.
//
// Environment: PORT (4100), NEO4J_URI (bolt://127.0.0.1:7689), NEO4J_USER
// (neo4j), NEO4J_PASSWORD (prm-local-dev), NEO4J_DATABASE (neo4j), JWT_SECRET
// (required), PRM_POLICY_FILE (../../policy/default-policy.toml).

import { readFileSync } from "node:fs";
import http from "node:http";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { unwrapResolverError } from "@apollo/server/errors";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { GraphQLError } from "graphql";
import neo4j from "neo4j-driver";
import { parse as parseToml } from "smol-toml";

const here = dirname(fileURLToPath(import.meta.url));

// The tier table and field groups compiled into typeDefs.graphql (the
// Customer row filter and the @cypher field statements). The policy file must
// say the same, else the server would enforce something else than it claims.
const COMPILED_TIERS = {
  LOW: [],
  MEDIUM: ["IDENTITY", "PROFILE"],
  HIGH: ["IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"],
};
const COMPILED_FIELDS = {
  name: "IDENTITY",
  domain: "IDENTITY",
  industry: "PROFILE",
  region: "PROFILE",
  segment: "PROFILE",
  employees: "PROFILE",
  email: "CONTACT",
  phone: "CONTACT",
  address: "CONTACT",
  contacts: "CONTACT", // no Contact type here (see DIFFERENCES.md)
  annualRevenue: "FINANCIAL",
  notes: "INTERNAL",
};

function fail(message) {
  console.error(`neo4j-graphql server: ${message}`);
  process.exit(2);
}

function env(name, fallback) {
  const value = process.env[name];
  return value === undefined || value === "" ? fallback : value;
}

function sameGroups(a, b) {
  return JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort());
}

function loadPolicy(path) {
  let raw;
  try {
    raw = parseToml(readFileSync(path, "utf8"));
  } catch (err) {
    fail(`cannot read policy file ${path}: ${err.message}`);
  }
  const tiers = raw.tiers ?? {};
  for (const tier of new Set([...Object.keys(tiers), ...Object.keys(COMPILED_TIERS)])) {
    if (!sameGroups(tiers[tier], COMPILED_TIERS[tier])) {
      fail(
        `policy file ${path} gives tier ${tier} groups ${JSON.stringify(tiers[tier] ?? null)}, ` +
          `but typeDefs.graphql compiles ${JSON.stringify(COMPILED_TIERS[tier] ?? null)} into the ` +
          `Customer row filter; update both together`,
      );
    }
  }
  const fields = raw.customer_fields ?? {};
  for (const field of new Set([...Object.keys(fields), ...Object.keys(COMPILED_FIELDS)])) {
    if (fields[field] !== COMPILED_FIELDS[field]) {
      fail(
        `policy file ${path} puts Customer.${field} in ${fields[field] ?? "no group"}, ` +
          `typeDefs.graphql in ${COMPILED_FIELDS[field] ?? "no group"}`,
      );
    }
  }
  return tiers;
}

const port = Number.parseInt(env("PORT", "4100"), 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`bad PORT ${process.env.PORT}`);
const host = "127.0.0.1";
const uri = env("NEO4J_URI", "bolt://127.0.0.1:7689");
const user = env("NEO4J_USER", "neo4j");
const password = env("NEO4J_PASSWORD", "prm-local-dev");
const database = env("NEO4J_DATABASE", "neo4j");
const jwtSecret = env("JWT_SECRET", undefined);
if (!jwtSecret) fail("JWT_SECRET (the HS256 secret of the tokens) is required");
const policyFile = resolve(env("PRM_POLICY_FILE", resolve(here, "../../policy/default-policy.toml")));
const tierGroups = loadPolicy(policyFile);

const typeDefs = readFileSync(resolve(here, "typeDefs.graphql"), "utf8");

const driver = neo4j.driver(uri, neo4j.auth.basic(user, password), {
  userAgent: "prm-bench-neo4j-graphql",
});
try {
  await driver.verifyConnectivity({ database });
} catch (err) {
  await driver.close();
  fail(`cannot reach Neo4j at ${uri} (database ${database}): ${err.message}`);
}

const neoSchema = new Neo4jGraphQL({
  typeDefs,
  driver,
  features: {
    // Only for the row filter's `expiresAtInstant: { gt: "$context.now" }`
    // (see typeDefs.graphql, DataLink.expiresAtInstant).
    filters: { String: { GT: true } },
    authorization: {
      key: jwtSecret,
      verifyOptions: { algorithms: ["HS256"] },
    },
  },
});
const schema = await neoSchema.getSchema();

const httpServer = http.createServer();
const apollo = new ApolloServer({
  schema,
  includeStacktraceInErrorResponses: false,
  stopOnTerminationSignals: false, // handled below (stop Apollo, then close the driver)
  // The library rejects a missing, invalid or expired token with a bare
  // "Unauthenticated" error (no code): give it the gateway's code, and HTTP 401
  // when nothing else was answered.
  formatError(formatted, error) {
    const original = unwrapResolverError(error);
    if (original?.constructor?.name === "Neo4jGraphQLError" && original.message === "Unauthenticated") {
      return { ...formatted, extensions: { ...formatted.extensions, code: "UNAUTHENTICATED" } };
    }
    return formatted;
  },
  plugins: [
    ApolloServerPluginDrainHttpServer({ httpServer }),
    ApolloServerPluginLandingPageDisabled(),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            const result = response.body.kind === "single" ? response.body.singleResult : null;
            if (
              result?.errors?.length &&
              result.data == null &&
              result.errors.every((e) => e.extensions?.code === "UNAUTHENTICATED")
            ) {
              response.http.status = 401;
            }
          },
        };
      },
    },
  ],
});
await apollo.start();

// Per request: the raw bearer token (verified by the library), the database,
// the policy's tier table as a Cypher parameter of the @cypher fields, and the
// request time.
async function contextFor(req) {
  const token = req.headers.authorization;
  if (!token) {
    throw new GraphQLError("Missing bearer token", {
      extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
    });
  }
  return {
    token,
    sessionConfig: { database },
    cypherParams: { prmTierGroups: tierGroups },
    // `$context.now` of the Customer row filter (DataLink expiry).
    now: neo4j.types.DateTime.fromStandardDate(new Date()),
  };
}

const MAX_BODY = 1024 * 1024;

function readBody(req) {
  return new Promise((resolveBody, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error("request body too large"), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendError(res, status, message) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ errors: [{ message }] }));
}

httpServer.on("request", async (req, res) => {
  const url = new URL(req.url ?? "/", `http://${host}`);
  if (url.pathname !== "/graphql") {
    sendError(res, 404, "not found: the endpoint is /graphql");
    return;
  }
  try {
    let body;
    if (req.method === "POST") {
      const text = await readBody(req);
      const type = req.headers["content-type"] ?? "";
      if (type.startsWith("application/json")) {
        try {
          body = text === "" ? {} : JSON.parse(text);
        } catch {
          sendError(res, 400, "request body is not valid JSON");
          return;
        }
      } else {
        body = text;
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: url.search, body },
      context: () => contextFor(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  } catch (err) {
    if (!res.headersSent) sendError(res, err.status ?? 500, err.status ? err.message : "internal error");
    else res.end();
    if (!err.status) console.error(err);
  }
});

await new Promise((resolveListen, reject) => {
  httpServer.once("error", reject);
  httpServer.listen(port, host, resolveListen);
});
console.log(`listening on http://${host}:${port}/graphql`);

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.error(`neo4j-graphql server: ${signal}, stopping`);
  try {
    await apollo.stop(); // drains the HTTP server
  } finally {
    await driver.close();
  }
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
