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
