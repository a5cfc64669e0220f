import type { Paper } from '../domain/paper.ts';
import { roundScore } from '../domain/score.ts';
import type { CitationGraph } from '../graph/citation-graph.ts';
import type { ResearchGraph } from '../graph/research-graph.ts';

export type GraphNode = {
  id: string;
  type: 'researcher' | 'paper' | 'topic' | 'institution';
  label: string;
  focus?: boolean;
  year?: number;
};
export type GraphEdge = {
  source: string;
  target: string;
  type: 'authored' | 'co-authored' | 'similar-to' | 'cites' | 'about' | 'affiliated';
  weight?: number;
};
export type GraphSlice = { nodes: GraphNode[]; edges: GraphEdge[] };

/** Which papers and people a slice shows, chosen from the graph and the paper index alone. */
export type GraphSlicePlan = {
  focus: string;
  ownPapers: string[];
  similar: { from: string; to: string; score: number }[];
  /** Papers citing or cited by the researcher's shown papers. */
  citationPapers: string[];
  /** Citations among all the slice's papers: [citing, cited]. */
  cites: [string, string][];
  people: [string, { count: number }][];
  secondHop: [string, string, number][];
  personIds: string[];
  paperIds: string[];
  budget: { topics: number; institutions: number };
};

/** How a node limit is shared between kinds of node. */
function budgetFor(limit: number) {
  return {
    papers: Math.max(1, Math.floor(limit / 4)),
    similar: Math.max(1, Math.floor(limit / 8)),
    citations: Math.max(1, Math.floor(limit / 8)),
    people: Math.max(1, Math.floor(limit / 3)),
    topics: Math.max(1, Math.min(6, Math.floor(limit / 8))),
    institutions: Math.max(1, Math.min(6, Math.floor(limit / 8))),
  };
}

/**
 * Picks the slice's papers and people: the researcher's newest papers, papers similar to them and
 * the newest papers citing or cited by them, their co-authors by joint papers (and, at depth 2, their
 * co-authors' other co-authors).
 */
export function planGraphSlice(
  focus: string,
  graph: ResearchGraph,
  citations: CitationGraph,
  paperIdsNewestFirst: readonly string[],
  similarTo: (paperId: string, exclude: Set<string>) => { id: string; score: number }[],
  options: { depth: number; limit: number },
): GraphSlicePlan {
  const budget = budgetFor(options.limit);
  const ownPapers = paperIdsNewestFirst.slice(0, budget.papers);
  const own = new Set(paperIdsNewestFirst);
  const similar: GraphSlicePlan['similar'] = [];
  for (const from of ownPapers) {
    for (const hit of similarTo(from, own)) {
      if (similar.length < budget.similar) similar.push({ from, to: hit.id, score: hit.score });
    }
  }
  const linked = new Set<string>();
  for (const from of ownPapers) for (const other of citations.cites(from)) linked.add(other);
  for (const from of ownPapers) for (const other of citations.citedBy(from)) linked.add(other);
  const citationPapers = graph
    .newestFirst([...linked].filter((id) => !own.has(id)))
    .slice(0, budget.citations);
  const paperIds = [...new Set([...ownPapers, ...similar.map((s) => s.to), ...citationPapers])];
  const shown = new Set(paperIds);
  const cites = paperIds.flatMap((citing) =>
    [...citations.cites(citing)]
      .filter((cited) => shown.has(cited))
      .map((cited): [string, string] => [citing, cited]),
  );
  const mine = graph.neighbours(focus);
  const people = [...mine]
    .sort((a, b) => b[1].count - a[1].count || b[1].latestYear - a[1].latestYear)
    .slice(0, options.depth >= 2 ? Math.ceil(budget.people / 2) : budget.people);
  const secondHop: [string, string, number][] = [];
  if (options.depth >= 2) {
    const perPerson = Math.max(1, Math.floor((budget.people - people.length) / Math.max(1, people.length)));
    for (const [person] of people) {
      const theirs = [...graph.neighbours(person)]
        .filter(([other]) => other !== focus && !mine.has(other))
        .sort((a, b) => b[1].count - a[1].count)
        .slice(0, perPerson);
      for (const [other, edge] of theirs) secondHop.push([person, other, edge.count]);
    }
  }
  return {
    focus,
    ownPapers,
    similar,
    citationPapers,
    cites,
    people,
    secondHop,
    personIds: [...new Set([...people.map(([p]) => p), ...secondHop.map(([, o]) => o)])],
    paperIds,
    budget: { topics: budget.topics, institutions: budget.institutions },
  };
}

const personKey = (id: string) => `researcher:${id}`;
const paperKey = (id: string) => `paper:${id}`;

/**
 * The research graph slice of a profile page, from the plan and what was fetched for it: the
 * researcher, papers, people, topics and institutions with typed edges, never more than `limit` nodes
 * (the last added, institutions then topics, go first) and only edges between shown nodes.
 */
export function buildGraphSlice(
  plan: GraphSlicePlan,
  graph: ResearchGraph,
  fetched: {
    focusName: string;
    names: Map<string, string>;
    papers: Map<string, Paper>;
    topics: string[];
    affiliations: Map<string, string[]>;
  },
  limit: number,
): GraphSlice {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const { focus } = plan;
  nodes.set(personKey(focus), {
    id: personKey(focus),
    type: 'researcher',
    label: fetched.focusName,
    focus: true,
  });
  for (const paper of fetched.papers.values()) {
    nodes.set(paperKey(paper.id), {
      id: paperKey(paper.id),
      type: 'paper',
      label: paper.title,
      year: paper.year,
    });
  }
  for (const id of plan.personIds) {
    nodes.set(personKey(id), { id: personKey(id), type: 'researcher', label: fetched.names.get(id) ?? id });
  }
  for (const id of plan.ownPapers)
    edges.push({ source: personKey(focus), target: paperKey(id), type: 'authored' });
  for (const s of plan.similar) {
    edges.push({
      source: paperKey(s.from),
      target: paperKey(s.to),
      type: 'similar-to',
      weight: roundScore(s.score),
    });
  }
  for (const [citing, cited] of plan.cites)
    edges.push({ source: paperKey(citing), target: paperKey(cited), type: 'cites' });
  for (const [id, edge] of plan.people) {
    edges.push({ source: personKey(focus), target: personKey(id), type: 'co-authored', weight: edge.count });
  }
  for (const [a, b, weight] of plan.secondHop) {
    edges.push({ source: personKey(a), target: personKey(b), type: 'co-authored', weight });
  }
  const shownPeople = new Set([focus, ...plan.personIds]);
  for (const id of plan.ownPapers) {
    for (const author of graph.paper(id)?.authorIds ?? []) {
      if (author !== focus && shownPeople.has(author))
        edges.push({ source: personKey(author), target: paperKey(id), type: 'authored' });
    }
  }
  const ownPapers = plan.ownPapers.flatMap((id) => fetched.papers.get(id) ?? []);
  for (const topic of fetched.topics) {
    const key = `topic:${topic}`;
    nodes.set(key, { id: key, type: 'topic', label: topic });
    for (const paper of ownPapers) {
      const text = `${paper.title} ${paper.abstract}`.toLowerCase();
      const keyword = paper.keywords?.some((k) => k.toLowerCase() === topic.toLowerCase());
      if (keyword || text.includes(topic))
        edges.push({ source: paperKey(paper.id), target: key, type: 'about' });
    }
  }
  const institutions = new Map<string, string[]>();
  for (const [id, list] of fetched.affiliations)
    for (const name of list) institutions.set(name, [...(institutions.get(name) ?? []), id]);
  const biggest = [...institutions]
    .sort((a, b) => b[1].length - a[1].length)
    .slice(0, plan.budget.institutions);
  for (const [name, members] of biggest) {
    const key = `institution:${name}`;
    nodes.set(key, { id: key, type: 'institution', label: name });
    for (const id of members) edges.push({ source: personKey(id), target: key, type: 'affiliated' });
  }
  const kept = new Map([...nodes].slice(0, limit));
  return { nodes: [...kept.values()], edges: edges.filter((e) => kept.has(e.source) && kept.has(e.target)) };
}
