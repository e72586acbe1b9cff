// Graph: the ticket DAG as /api/graph lays it out (positions, layers and the critical path are
// computed server-side in Core), drawn as plain SVG: no layout library, nothing to vendor.
// Dependency edges point right; stack edges are dotted; predicted conflicts are red dashes.
import { el, svg, fillSelect } from "./dom.js";

const W = 180;
const H = 40;
let ctx;

export function init(context) {
  ctx = context;
  const select = document.getElementById("graph-feature");
  if (ctx.param("gfeature")) fillSelect(select, [ctx.param("gfeature")], "all");
  select.addEventListener("change", () => { ctx.setParam("gfeature", select.value); ctx.invalidate("graph"); });
}

function edgePath(a, b) {
  // From the right side of a to the left side of b; a conflict or stack edge between nodes of one
  // column bends out to the right instead of crossing the boxes.
  if (a.x === b.x) {
    const x = a.x + W / 2;
    const bend = x + 40;
    return `M${x},${a.y} C${bend},${a.y} ${bend},${b.y} ${x},${b.y}`;
  }
  const [from, to] = a.x < b.x ? [a, b] : [b, a];
  const x1 = from.x + W / 2;
  const x2 = to.x - W / 2;
  const mid = (x1 + x2) / 2;
  return `M${x1},${from.y} C${mid},${from.y} ${mid},${to.y} ${x2},${to.y}`;
}

export function render(data) {
  const g = data.graph;
  const box = document.getElementById("graph");
  if (!g) { box.replaceChildren(el("p", "empty", "loading…")); return; }
  fillSelect(document.getElementById("graph-feature"), g.nodes.map(n => n.feature), "all");
  document.getElementById("graph-count").textContent =
    `${g.nodes.length} tickets shown` + (g.omitted ? `, ${g.omitted} left out (drawn: the 2,000 most urgent unfinished, what they depend on, the 50 latest done; a feature filter narrows it)` : "")
    + (g.critical_path.length ? ` · critical path: ${g.critical_path.length} tickets (${g.critical_path.join(" → ")})` : " · no dependency chain left");

  const root = svg("svg", { width: g.width, height: g.height, viewBox: `0 0 ${g.width} ${g.height}`, role: "img", "aria-label": "Ticket dependency graph" });
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }));
  defs.append(marker);
  root.append(defs);

  const at = new Map(g.nodes.map(n => [n.id, n]));
  const edges = svg("g", { class: "edges" });
  for (const e of g.edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) continue;
    const path = svg("path", { d: edgePath(a, b), class: "edge " + e.kind + (e.critical ? " critical" : "") });
    if (e.kind === "depends") path.setAttribute("marker-end", "url(#arrow)");
    if (e.kind === "conflict") path.dataset.conflict = (e.files || []).join(", ");
    const title = svg("title");
    title.textContent = e.kind === "conflict" ? `${e.from} and ${e.to} conflict (${e.severity}): ${(e.files || []).join(", ")}`
      : e.kind === "stack" ? `${e.to} is stacked on ${e.from}` : `${e.to} depends on ${e.from}`;
    path.append(title);
    edges.append(path);
  }
  root.append(edges);

  const nodes = svg("g", { class: "nodes" });
  for (const n of g.nodes) {
    const node = svg("g", { class: "node status-" + n.status + (n.critical ? " critical" : ""), transform: `translate(${n.x - W / 2},${n.y - H / 2})` });
    node.dataset.node = n.id;
    node.append(svg("rect", { width: W, height: H, rx: 5 }));
    const id = svg("text", { x: 8, y: 16, class: "id" });
    id.textContent = `${n.id} · ${n.status}`;
    const title = svg("text", { x: 8, y: 32, class: "title" });
    title.textContent = n.title.length > 26 ? n.title.slice(0, 25) + "…" : n.title;
    const tip = svg("title");
    tip.textContent = [n.id, n.title, n.status, n.assignee, n.branch].filter(Boolean).join("\n");
    node.append(id, title, tip);
    nodes.append(node);
  }
  root.append(nodes);
  box.replaceChildren(root);
}
