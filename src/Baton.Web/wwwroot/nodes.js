// Nodes: the fleet as `baton nodes --json` (GET /api/nodes), under the workers; hidden until a
// node has registered, so a single-machine page is unchanged.
import { el } from "./dom.js";

export function render(fleet) {
  const nodes = (fleet && fleet.nodes) || [];
  document.getElementById("nodes-panel").hidden = nodes.length === 0;
  const rows = nodes.map(n => {
    const row = el("tr", "node-" + n.status);
    row.dataset.node = n.name;
    const runs = n.leases.map(l => `${l.ticket} (${l.worker})`).join(", ") || "-";
    row.append(...[n.name, n.status, `${n.leases.length}/${n.capacity}`, n.labels.length ? n.labels.join(",") : "-", `${n.heartbeat_seconds_ago}s ago`, runs]
      .map((v, i) => el("td", ["name", "status", "leases", "labels", "heartbeat", "runs"][i], v)));
    return row;
  });
  document.getElementById("nodes").replaceChildren(...rows);
}
