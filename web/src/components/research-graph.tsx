import type { Core, ElementDefinition } from 'cytoscape';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type GraphSlice, ok } from '../api/client.ts';
import { navigate, type Route } from '../router.ts';
import { Empty, Show, useApi } from './status.tsx';

type GraphNode = GraphSlice['nodes'][number];
type NodeType = GraphNode['type'];

const NODE_COLOURS: Record<NodeType, string> = {
  researcher: '#2563eb',
  paper: '#059669',
  topic: '#d97706',
  institution: '#7c3aed',
};
const TYPE_NAMES: Record<NodeType, string> = {
  researcher: 'People',
  paper: 'Papers',
  topic: 'Topics',
  institution: 'Institutions',
};
const EDGE_NAMES: Record<GraphSlice['edges'][number]['type'], string> = {
  authored: 'wrote',
  'co-authored': 'co-authored with',
  'similar-to': 'similar to',
  cites: 'cites',
  about: 'about',
  affiliated: 'affiliated with',
};

/** Where a node leads: people and papers to their pages, a topic to the papers about it. */
function routeOf(node: GraphNode): Route | null {
  const id = node.id.slice(node.type.length + 1);
  if (node.type === 'researcher') return { page: 'researcher', id, tab: 'graph' };
  if (node.type === 'paper') return { page: 'paper', id };
  if (node.type === 'topic') return { page: 'similar', text: id };
  return null;
}

/** The researcher's neighbourhood as an interactive graph, with the same nodes as a list for keyboards. */
export function ResearchGraph({ id }: { id: string }) {
  const [depth, setDepth] = useState<1 | 2>(1);
  const [state, retry] = useApi(
    () =>
      ok(api.GET('/v1/researchers/{id}/graph', { params: { path: { id }, query: { depth, limit: 60 } } })),
    [id, depth],
  );
  return (
    <div class="graph-tab">
      <div class="panel controls">
        <label for="graph-depth">Depth</label>
        <select
          id="graph-depth"
          value={depth}
          onChange={(e) => setDepth(e.currentTarget.value === '2' ? 2 : 1)}
        >
          <option value="1">1 — their papers, co-authors, topics</option>
          <option value="2">2 — and their co-authors' neighbourhoods</option>
        </select>
        <ul class="legend" aria-label="Legend">
          {(Object.keys(NODE_COLOURS) as NodeType[]).map((type) => (
            <li key={type}>
              <span class="dot" style={{ background: NODE_COLOURS[type] }} /> {TYPE_NAMES[type]}
            </li>
          ))}
        </ul>
      </div>
      <Show state={state} what="the research graph" retry={retry}>
        {(slice) =>
          slice.nodes.length <= 1 ? (
            <Empty>Nothing around this researcher yet.</Empty>
          ) : (
            <GraphView slice={slice} />
          )
        }
      </Show>
    </div>
  );
}

function GraphView({ slice }: { slice: GraphSlice }) {
  const container = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<GraphNode | null>(null);

  useEffect(() => {
    // Cytoscape is most of the explorer's code: it loads with the first graph, not with the page.
    let cy: Core | null = null;
    let cancelled = false;
    import('cytoscape').then(({ default: cytoscape }) => {
      if (cancelled || !container.current) return;
      cy = drawGraph(cytoscape, container.current, slice, (node) => {
        setSelected(node);
        const route = routeOf(node);
        if (route) navigate(route);
      });
    });
    return () => {
      cancelled = true;
      cy?.destroy();
    };
  }, [slice]);

  const grouped = (Object.keys(TYPE_NAMES) as NodeType[]).map((type) => ({
    type,
    nodes: slice.nodes.filter((n) => n.type === type && !n.focus),
  }));
  return (
    <div class="graph-layout">
      <div
        ref={container}
        class="graph-canvas panel"
        data-testid="graph-canvas"
        role="img"
        aria-label={`Research graph: ${slice.nodes.length} nodes, ${slice.edges.length} links. The same nodes are listed beside it.`}
      />
      <aside class="panel graph-nodes" aria-label="Nodes of the graph">
        {selected && routeOf(selected) === null && (
          <p>
            <strong>{selected.label}</strong> ({selected.type})
          </p>
        )}
        <p class="muted">
          {slice.nodes.length} nodes · {slice.edges.length} links (
          {[...new Set(slice.edges.map((e) => EDGE_NAMES[e.type]))].join(', ')})
        </p>
        {grouped.map(({ type, nodes }) =>
          nodes.length === 0 ? null : (
            <details key={type} open={type === 'researcher'}>
              <summary>
                {TYPE_NAMES[type]} ({nodes.length})
              </summary>
              <ul>
                {nodes.map((node) => {
                  const route = routeOf(node);
                  return (
                    <li key={node.id}>
                      {route ? (
                        <button type="button" class="link" onClick={() => navigate(route)}>
                          {node.label}
                          {node.year ? ` (${node.year})` : ''}
                        </button>
                      ) : (
                        node.label
                      )}
                    </li>
                  );
                })}
              </ul>
            </details>
          ),
        )}
      </aside>
    </div>
  );
}

function shortLabel(node: GraphNode): string {
  return node.label.length > 40 ? `${node.label.slice(0, 38)}…` : node.label;
}

/** Draws the slice; a tapped node is selected and, when it has a page, opened. */
function drawGraph(
  cytoscape: typeof import('cytoscape'),
  element: HTMLDivElement,
  slice: GraphSlice,
  onSelect: (node: GraphNode) => void,
): Core {
  const byId = new Map(slice.nodes.map((n) => [n.id, n]));
  const elements: ElementDefinition[] = [
    ...slice.nodes.map((n) => ({
      data: { id: n.id, label: shortLabel(n), type: n.type, focus: n.focus ? 1 : 0 },
    })),
    ...slice.edges.map((e, i) => ({
      data: { id: `edge-${i}`, source: e.source, target: e.target, type: e.type },
    })),
  ];
  const cy = cytoscape({
    container: element,
    elements,
    layout: {
      name: 'cose',
      animate: false,
      randomize: false,
      nodeRepulsion: () => 9000,
      idealEdgeLength: () => 70,
    },
    wheelSensitivity: 0.3,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': (n) => NODE_COLOURS[n.data('type') as NodeType],
          label: 'data(label)',
          'font-size': 9,
          color: '#1f2937',
          'text-valign': 'bottom',
          'text-margin-y': 3,
          'text-wrap': 'ellipsis',
          'text-max-width': '110px',
          width: 16,
          height: 16,
        },
      },
      { selector: 'node[type = "paper"]', style: { shape: 'round-rectangle', label: '' } },
      { selector: 'node[type = "topic"]', style: { shape: 'diamond' } },
      { selector: 'node[type = "institution"]', style: { shape: 'hexagon' } },
      {
        selector: 'node[focus = 1]',
        style: { width: 30, height: 30, 'font-size': 12, 'font-weight': 'bold' },
      },
      {
        selector: 'node:selected',
        style: { 'border-width': 3, 'border-color': '#111827', label: 'data(label)' },
      },
      { selector: 'edge', style: { width: 1, 'line-color': '#cbd5e1', 'curve-style': 'bezier' } },
      { selector: 'edge[type = "co-authored"]', style: { width: 2, 'line-color': '#93c5fd' } },
      { selector: 'edge[type = "similar-to"]', style: { 'line-style': 'dotted', 'line-color': '#6ee7b7' } },
      {
        selector: 'edge[type = "cites"]',
        style: { 'line-style': 'dashed', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#94a3b8' },
      },
    ],
  });
  cy.on('tap', 'node', (event) => {
    const node = byId.get(event.target.id() as string);
    if (!node) return;
    onSelect(node);
  });
  return cy;
}
