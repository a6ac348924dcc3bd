// A real federation gateway for tests/db/test_federation.py.
//
// Composes the PRM subgraph (its SDL as the test read it from `_service { sdl }`)
// with a small CRM-notes subgraph defined here, using @apollo/composition, then
// serves the supergraph through @apollo/gateway on Apollo Server. The client's
// Authorization header travels to every subgraph (Apollo Gateway forwards none
// unless told to: see willSendRequest).
//
// Environment:
//   PRM_SUBGRAPH_URL       the PRM gateway's /graphql URL
//   PRM_SUBGRAPH_SDL_FILE  a file holding the PRM subgraph's SDL
//   NOTES_FILE             JSON: [{"id", "text", "customerId"}] (customerId = a Customer global id)
// Prints `READY {"gateway": url, "notes": url}` when both servers listen.
import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

const notes = JSON.parse(readFileSync(process.env.NOTES_FILE, "utf8"));

// The second subgraph: CRM notes about customers, keyed by the Customer's global id.
// It adds Customer.crmNotes, and Note.customer references PRM's Customer entity.
const notesTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Note {
    id: ID!
    text: String!
    customer: Customer
  }

  type Customer @key(fields: "id") {
    id: ID!
    crmNotes: [Note!]!
  }

  type Query {
    crmNotes: [Note!]!
  }
`);

const noteOut = (n) => ({ id: n.id, text: n.text, customer: { id: n.customerId } });
const notesResolvers = {
  Query: { crmNotes: () => notes.map(noteOut) },
  Customer: {
    __resolveReference: (ref) => ({ id: ref.id }),
    crmNotes: (customer) => notes.filter((n) => n.customerId === customer.id).map(noteOut),
  },
};

const notesServer = new ApolloServer({
  schema: buildSubgraphSchema([{ typeDefs: notesTypeDefs, resolvers: notesResolvers }]),
  plugins: [ApolloServerPluginInlineTraceDisabled()],
});
const { url: notesUrl } = await startStandaloneServer(notesServer, {
  listen: { host: "127.0.0.1", port: 0 },
});

const composed = composeServices([
  {
    name: "prm",
    url: process.env.PRM_SUBGRAPH_URL,
    typeDefs: parse(readFileSync(process.env.PRM_SUBGRAPH_SDL_FILE, "utf8")),
  },
  { name: "notes", url: notesUrl, typeDefs: notesTypeDefs },
]);
if (composed.errors) {
  console.error("composition failed:\n" + composed.errors.map((e) => e.toString()).join("\n"));
  process.exit(2);
}

class ForwardAuthorization extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    if (context.authorization) {
      request.http.headers.set("authorization", context.authorization);
    }
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: composed.supergraphSdl,
  buildService: ({ url }) => new ForwardAuthorization({ url }),
});
const server = new ApolloServer({ gateway });
const { url: gatewayUrl } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: 0 },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});

console.log("READY " + JSON.stringify({ gateway: gatewayUrl, notes: notesUrl }));

const stop = async () => {
  await server.stop();
  await notesServer.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
