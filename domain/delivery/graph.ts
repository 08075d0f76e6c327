// Dependency graphs: a topological order (Kahn's algorithm, linear in nodes + edges) and, when
// there is none, the cycle itself, so a refusal can name the loop it would close.

export interface Edge {
  from: string;
  to: string;
}

export type Ordering = { ok: true; order: string[] } | { ok: false; cycle: string[] };

export function topologicalOrder(nodes: string[], edges: Edge[]): Ordering {
  const outgoing = new Map<string, string[]>(nodes.map((n) => [n, []]));
  const indegree = new Map<string, number>(nodes.map((n) => [n, 0]));
  for (const e of edges) {
    outgoing.get(e.from)!.push(e.to);
    indegree.set(e.to, indegree.get(e.to)! + 1);
  }
  const queue = nodes.filter((n) => indegree.get(n) === 0);
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head]!;
    order.push(n);
    for (const m of outgoing.get(n)!) {
      const d = indegree.get(m)! - 1;
      indegree.set(m, d);
      if (d === 0) queue.push(m);
    }
  }
  if (order.length === nodes.length) return { ok: true, order };
  return {
    ok: false,
    cycle: findCycle(
      nodes.filter((n) => indegree.get(n)! > 0),
      outgoing,
    ),
  };
}

/**
 * A cycle among the nodes Kahn's algorithm could not order, as a closed walk a → … → a. Every
 * such node still has an unordered predecessor, so walking predecessors must come back to a
 * node already seen; the walk from there, reversed, is the cycle in dependency order.
 */
function findCycle(remaining: string[], outgoing: Map<string, string[]>): string[] {
  const inRemaining = new Set(remaining);
  const incoming = new Map<string, string>();
  for (const [from, tos] of outgoing) {
    if (!inRemaining.has(from)) continue;
    for (const to of tos) if (inRemaining.has(to) && !incoming.has(to)) incoming.set(to, from);
  }
  const position = new Map<string, number>();
  const walk: string[] = [];
  let node = remaining[0]!;
  while (!position.has(node)) {
    position.set(node, walk.length);
    walk.push(node);
    node = incoming.get(node)!;
  }
  const loop = walk.slice(position.get(node)!).reverse();
  return [...loop, loop[0]!];
}
