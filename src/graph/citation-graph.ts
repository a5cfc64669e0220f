import type { CitationLinks } from '../domain/references.ts';

const NONE: ReadonlySet<string> = new Set();

/**
 * Citations between stored papers, held in memory both ways, so that related papers and collaborator
 * features read them without Redis round trips. Derived from the store's cites / cited-by sets.
 */
export class CitationGraph {
  private readonly outgoing = new Map<string, Set<string>>();
  private readonly incoming = new Map<string, Set<string>>();

  static fromEdges(edges: Iterable<[citing: string, cited: string]>): CitationGraph {
    const graph = new CitationGraph();
    for (const [citing, cited] of edges) graph.link(citing, cited);
    return graph;
  }

  get edgeCount(): number {
    let count = 0;
    for (const targets of this.outgoing.values()) count += targets.size;
    return count;
  }

  /** The stored papers a paper cites. */
  cites(id: string): ReadonlySet<string> {
    return this.outgoing.get(id) ?? NONE;
  }

  /** The stored papers citing a paper. */
  citedBy(id: string): ReadonlySet<string> {
    return this.incoming.get(id) ?? NONE;
  }

  edges(): [string, string][] {
    return [...this.outgoing].flatMap(([citing, targets]) =>
      [...targets].map((cited): [string, string] => [citing, cited]),
    );
  }

  /** Replaces both directions of a paper's links with what the store holds now. */
  setLinks(id: string, links: CitationLinks): void {
    this.remove(id);
    for (const cited of links.cites) this.link(id, cited);
    for (const citing of links.citedBy) this.link(citing, id);
  }

  /** Forgets every link of a paper (deleted, or about to be replaced). */
  remove(id: string): void {
    for (const cited of this.outgoing.get(id) ?? []) this.unlink(this.incoming, cited, id);
    for (const citing of this.incoming.get(id) ?? []) this.unlink(this.outgoing, citing, id);
    this.outgoing.delete(id);
    this.incoming.delete(id);
  }

  /** The citations among the papers kept (an earlier view of the store, for learning and evaluation). */
  restrictedTo(keep: (id: string) => boolean): CitationGraph {
    return CitationGraph.fromEdges(this.edges().filter(([citing, cited]) => keep(citing) && keep(cited)));
  }

  private link(citing: string, cited: string): void {
    if (citing === cited) return;
    addToSetOf(this.outgoing, citing, cited);
    addToSetOf(this.incoming, cited, citing);
  }

  private unlink(side: Map<string, Set<string>>, key: string, value: string): void {
    const set = side.get(key);
    set?.delete(value);
    if (set?.size === 0) side.delete(key);
  }
}

/** Adds a value to the set a key maps to, creating the set on first use. */
export function addToSetOf(sets: Map<string, Set<string>>, key: string, value: string): void {
  let set = sets.get(key);
  if (!set) {
    set = new Set();
    sets.set(key, set);
  }
  set.add(value);
}
