// Partner network explorer: a small, dependency-free page over the public GraphQL API.
// It signs in with a pasted bearer token (kept in sessionStorage), draws the network the
// viewer may see with a force layout in SVG, and shows a company's profile, visible
// customers, account overlap and scorecard on click. Every figure comes from /graphql.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const TOKEN_KEY = "prm.explore.token";
const $ = (id) => document.getElementById(id);

const NETWORK = `query Network($depth: Int) {
  viewer { company { id name } }
  network(depth: $depth) {
    start { id }
    nodes { distance company { id name } }
    edges { id tier status vendor { id } partner { id } }
  }
}`;
const COMPANY = `query Company($id: ID!) {
  company(id: $id) {
    id name domain industry country employees
    customers(first: 8) { totalCount edges { node { id name domain } } }
  }
}`;
const OVERLAP = `query Overlap($id: ID!) {
  accountOverlap(partnershipId: $id) {
    tier total minBucket byIndustry { key count } byRegion { key count }
  }
  partnership(id: $id) {
    scorecard { composite recommendedTier criteria { criterion normalized } }
  }
}`;

const state = { token: sessionStorage.getItem(TOKEN_KEY), viewer: null, edges: [] };

async function graphql(query, variables) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${state.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (response.status === 401) throw new Error("Sign-in refused: check the token");
  return body;
}

function status(text) { $("status").textContent = text; }

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

// A plain force layout: springs along edges, repulsion between all nodes, a pull to
// the centre; run to rest before drawing (networks here are at most a few hundred nodes).
function layout(nodes, edges, width, height) {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const pos = nodes.map((n, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, nodes.length);
    const radius = 60 + 90 * n.distance;
    return { x: width / 2 + radius * Math.cos(angle), y: height / 2 + radius * Math.sin(angle) };
  });
  const links = edges
    .map((e) => [index.get(e.vendor.id), index.get(e.partner.id)])
    .filter(([a, b]) => a !== undefined && b !== undefined);
  const k = Math.sqrt((width * height) / Math.max(1, nodes.length)) * 0.6;
  for (let step = 0; step < 300; step++) {
    const cooling = 1 - step / 300;
    const force = pos.map(() => ({ x: 0, y: 0 }));
    for (let i = 0; i < pos.length; i++) {
      for (let j = i + 1; j < pos.length; j++) {
        const dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
        const d2 = Math.max(dx * dx + dy * dy, 1);
        const f = (k * k) / d2;
        force[i].x += dx * f; force[i].y += dy * f;
        force[j].x -= dx * f; force[j].y -= dy * f;
      }
    }
    for (const [a, b] of links) {
      const dx = pos[a].x - pos[b].x, dy = pos[a].y - pos[b].y;
      const d = Math.max(Math.hypot(dx, dy), 1);
      const f = d / k;
      force[a].x -= dx * f; force[a].y -= dy * f;
      force[b].x += dx * f; force[b].y += dy * f;
    }
    for (let i = 0; i < pos.length; i++) {
      force[i].x += (width / 2 - pos[i].x) * 0.02;
      force[i].y += (height / 2 - pos[i].y) * 0.02;
      const len = Math.max(Math.hypot(force[i].x, force[i].y), 1e-9);
      const move = Math.min(len, 12 * cooling + 0.5);
      pos[i].x = Math.min(width - 30, Math.max(30, pos[i].x + (force[i].x / len) * move));
      pos[i].y = Math.min(height - 20, Math.max(20, pos[i].y + (force[i].y / len) * move));
    }
  }
  return pos;
}

function draw(network) {
  const canvas = $("graph");
  canvas.replaceChildren();
  const { width, height } = canvas.getBoundingClientRect();
  const nodes = network.nodes.map((n) => ({ ...n.company, distance: n.distance }));
  const pos = layout(nodes, network.edges, width, height);
  const at = new Map(nodes.map((n, i) => [n.id, pos[i]]));
  const edgeLayer = svg("g"), nodeLayer = svg("g");
  for (const e of network.edges) {
    const a = at.get(e.vendor.id), b = at.get(e.partner.id);
    if (!a || !b) continue;
    const cls = `edge ${e.tier}${e.status === "ACTIVE" ? "" : " not-active"}`;
    const line = svg("line", { class: cls, x1: a.x, y1: a.y, x2: b.x, y2: b.y, "data-id": e.id });
    line.appendChild(svg("title")).textContent = `${e.tier} · ${e.status}`;
    edgeLayer.appendChild(line);
  }
  nodes.forEach((n, i) => {
    const start = n.id === network.start.id ? " start" : "";
    const g = svg("g", { class: `node${start}`, "data-id": n.id, transform: `translate(${pos[i].x},${pos[i].y})` });
    g.appendChild(svg("circle", { r: start ? 11 : 8 }));
    const label = svg("text", { x: 12, y: 4 });
    label.textContent = n.name;
    g.appendChild(label);
    g.addEventListener("click", () => select(n.id, g));
    nodeLayer.appendChild(g);
  });
  canvas.append(edgeLayer, nodeLayer);
}

function bars(container, rows, max) {
  for (const row of rows) {
    const bar = el("div", { class: "bar" });
    bar.append(el("span", { class: "label" }, row.label));
    const fill = el("span", { class: "fill" });
    fill.style.width = `${Math.round((row.value / (max || 1)) * 10)}rem`;
    bar.append(fill, el("span", {}, row.text ?? String(row.value)));
    container.append(bar);
  }
}

async function select(companyId, node) {
  document.querySelectorAll("g.node.selected").forEach((g) => g.classList.remove("selected"));
  node.classList.add("selected");
  const body = await graphql(COMPANY, { id: companyId });
  const company = body.data && body.data.company;
  if (!company) return;
  $("company-name").textContent = company.name;
  const profile = $("company-profile");
  profile.replaceChildren();
  for (const [k, v] of [["domain", company.domain], ["industry", company.industry],
                        ["country", company.country], ["employees", company.employees]]) {
    profile.append(el("dt", {}, k), el("dd", {}, v ?? "—"));
  }
  $("customer-count").textContent = `(${company.customers.totalCount})`;
  const list = $("customers");
  list.replaceChildren();
  for (const { node: c } of company.customers.edges) {
    list.append(el("li", {}, c.name ? `${c.name} (${c.domain ?? "—"})` : "(identity not shared)"));
  }
  if (!company.customers.edges.length) list.append(el("li", { class: "muted" }, "none visible"));
  await showPartnership(companyId);
}

async function showPartnership(companyId) {
  const overlap = $("overlap"), scorecard = $("scorecard");
  overlap.replaceChildren(); scorecard.replaceChildren();
  const mine = state.viewer;
  const edge = state.edges.find((e) => e.status === "ACTIVE" &&
    ((e.vendor.id === mine && e.partner.id === companyId) ||
     (e.partner.id === mine && e.vendor.id === companyId)));
  if (!edge) {
    const why = companyId === mine ? "your own company" : "no ACTIVE partnership with your company";
    overlap.append(el("p", { class: "muted" }, why));
    scorecard.append(el("p", { class: "muted" }, why));
    return;
  }
  const body = await graphql(OVERLAP, { id: edge.id });
  const o = body.data && body.data.accountOverlap;
  if (o) {
    overlap.append(el("p", {}, `${o.total} shared accounts (${o.tier}; buckets under ${o.minBucket} hidden)`));
    const rows = o.byIndustry.map((b) => ({ label: b.key ?? "unknown", value: b.count }));
    bars(overlap, rows, Math.max(1, ...rows.map((r) => r.value)));
  }
  const card = body.data && body.data.partnership && body.data.partnership.scorecard;
  if (card) {
    scorecard.append(el("p", {}, `composite ${card.composite.toFixed(2)} · recommended ${card.recommendedTier}`));
    bars(scorecard, card.criteria.map((c) => ({
      label: c.criterion.toLowerCase().replaceAll("_", " "),
      value: c.normalized, text: c.normalized.toFixed(2),
    })), 1);
  } else {
    scorecard.append(el("p", { class: "muted" }, "not visible to your role"));
  }
}

async function load() {
  status("loading…");
  const depth = Number($("depth").value) || 2;
  const body = await graphql(NETWORK, { depth });
  if (!body.data || !body.data.network) {
    status((body.errors && body.errors[0].message) || "no network");
    return;
  }
  state.viewer = body.data.viewer.company.id;
  state.edges = body.data.network.edges;
  draw(body.data.network);
  $("signout").hidden = false;
  const n = body.data.network;
  status(`${body.data.viewer.company.name}: ${n.nodes.length} companies, ${n.edges.length} partnerships`);
  document.body.dataset.ready = "true";
}

$("signin").addEventListener("submit", (event) => {
  event.preventDefault();
  state.token = $("token").value.trim();
  sessionStorage.setItem(TOKEN_KEY, state.token);
  load().catch((error) => status(error.message));
});
$("signout").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  $("graph").replaceChildren();
  $("signout").hidden = true;
  delete document.body.dataset.ready;
  status("signed out");
});
if (state.token) load().catch((error) => status(error.message));
