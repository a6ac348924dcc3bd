// Maps a response of this server to the canonical form of bench/SUITE.md.
//
//   import { normalize } from "./normalize.mjs";  normalize("nested", responseJson)
//   node normalize.mjs nested < response.json      (prints the canonical JSON)
//
// The same mapping, in words, is in queries/README.md (for the Python harness).
// A response with `errors` is refused: an answer with errors is no answer.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SUITE_KEYS = [
  "viewer",
  "company_partnerships",
  "customers_owner",
  "customers_high",
  "customers_medium",
  "nested",
  "filter_sort",
  "network",
];

export const CUSTOMER_FIELDS = [
  "id",
  "name",
  "domain",
  "industry",
  "region",
  "segment",
  "employees",
  "email",
  "phone",
  "address",
  "annualRevenue",
];

function pick(obj, fields) {
  return Object.fromEntries(fields.map((f) => [f, obj[f] ?? null]));
}

function customerRows(companies) {
  const company = companies?.[0];
  if (!company) return [];
  return company.customersConnection.edges.map((e) => pick(e.node, CUSTOMER_FIELDS));
}

const NESTED_CUSTOMER_FIELDS = ["id", "name", "email", "annualRevenue"];

function edge(p) {
  return { id: p.id, tier: p.tier, status: p.status, vendor: p.vendor?.id ?? null, partner: p.partner?.id ?? null };
}

/** Breadth-first distances over the two-level tree of queries/network.graphql. */
function network(data) {
  const start = data.companies[0];
  if (!start) throw new Error("network: no start company");
  const distances = new Map([[start.id, 0]]);
  const edges = new Map();
  const meet = (p, distance) => {
    if (!edges.has(p.id)) edges.set(p.id, edge(p));
    for (const c of [p.vendor?.id, p.partner?.id]) if (c && !distances.has(c)) distances.set(c, distance);
  };
  const hop1 = [...start.vendorIn.map((p) => [p, p.partner]), ...start.partnerIn.map((p) => [p, p.vendor])];
  for (const [p] of hop1) meet(p, 1);
  for (const [, other] of hop1) {
    if (!other || distances.get(other.id) !== 1) continue;
    for (const p of [...other.vendorIn, ...other.partnerIn]) meet(p, 2);
  }
  const byId = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    start: start.id,
    nodes: [...distances]
      .map(([id, distance]) => ({ id, distance }))
      .sort((a, b) => a.distance - b.distance || byId(a.id, b.id)),
    edges: [...edges.keys()].sort(byId).map((id) => edges.get(id)),
  };
}

export function normalize(key, response) {
  if (response?.errors?.length) {
    throw new Error(`${key}: response has errors: ${JSON.stringify(response.errors)}`);
  }
  const data = response?.data;
  if (!data) throw new Error(`${key}: response has no data`);
  switch (key) {
    case "viewer":
      return {
        user: data.viewer.user,
        company: data.viewer.company?.id ?? null,
        role: data.viewer.role,
      };
    case "company_partnerships": {
      const company = data.companies[0] ?? null;
      return {
        company: company?.company ?? null,
        name: company?.name ?? null,
        partnerships: data.partnershipsConnection.edges.map(({ node }) => ({
          id: node.id,
          tier: node.tier,
          status: node.status,
          structure: node.structure,
          vendor: node.vendor?.id ?? null,
          partner: node.partner?.id ?? null,
        })),
      };
    }
    case "customers_owner":
    case "customers_high":
    case "customers_medium":
      return customerRows(data.companies);
    case "nested":
      return data.partnershipsConnection.edges.map(({ node }) => ({
        partnership: node.partnership,
        links: node.dataLinks.map((link) => ({
          link: link.link,
          customers: (link.allCustomers ? (link.owner?.customers ?? []) : link.covers).map((c) =>
            pick(c, NESTED_CUSTOMER_FIELDS),
          ),
        })),
      }));
    case "filter_sort":
      return data.customersConnection.edges.map(({ node }) => pick(node, ["id", "name", "industry"]));
    case "network":
      return network(data);
    default:
      throw new Error(`unknown suite key ${key}`);
  }
}

/** Rows of a canonical answer, as check.mjs counts them. */
export function rowCount(key, canonical) {
  switch (key) {
    case "viewer":
      return 1;
    case "company_partnerships":
      return canonical.partnerships.length;
    case "network":
      return canonical.nodes.length + canonical.edges.length;
    case "nested":
      return canonical.reduce(
        (n, p) => n + p.links.reduce((m, l) => m + l.customers.length, 0),
        0,
      );
    default:
      return canonical.length;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const key = process.argv[2];
  if (!SUITE_KEYS.includes(key)) {
    console.error(`usage: node normalize.mjs <${SUITE_KEYS.join("|")}> < response.json`);
    process.exit(2);
  }
  const response = JSON.parse(readFileSync(0, "utf8"));
  console.log(JSON.stringify(normalize(key, response), null, 2));
}
