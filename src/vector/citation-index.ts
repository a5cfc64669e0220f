import fs from 'node:fs/promises';
import path from 'node:path';
import type { PaperMeta } from '../domain/paper-filters.ts';
import { CitationGraph } from '../graph/citation-graph.ts';
import type { CitationRepository } from '../storage/citation-repository.ts';
import type { DerivedPaperIndex, PaperChange } from './paper-index.ts';
import type { VectorIndex } from './vector-index.ts';

type Snapshot = { changeId: string; edges: [string, string][] };

const READ_PAGE = 1000;
const SNAPSHOT_FILE = 'citations.json';

/**
 * The citation graph of the stored papers, kept in step with the paper index: each changed paper's
 * links are read again from Redis (both directions, as they are now), so a citation that appeared
 * when the cited paper arrived after the citing one is picked up with the cited paper's change.
 */
export class CitationIndex implements DerivedPaperIndex {
  graph = new CitationGraph();

  constructor(
    private readonly citations: CitationRepository,
    private readonly dir: string,
  ) {}

  async reset(papers: VectorIndex<PaperMeta>): Promise<void> {
    const ids = [...papers.entries()].map((entry) => entry.id);
    const edges: [string, string][] = [];
    for (let i = 0; i < ids.length; i += READ_PAGE) {
      const page = ids.slice(i, i + READ_PAGE);
      const cited = await this.citations.cited(page);
      page.forEach((citing, j) => {
        for (const target of cited[j]!) edges.push([citing, target]);
      });
    }
    this.graph = CitationGraph.fromEdges(edges);
  }

  async apply(changes: PaperChange[]): Promise<void> {
    const changed = [...new Set(changes.map((change) => change.id))];
    for (let i = 0; i < changed.length; i += READ_PAGE) {
      const page = changed.slice(i, i + READ_PAGE);
      const links = await this.citations.links(page);
      page.forEach((id, j) => {
        this.graph.setLinks(id, links[j]!);
      });
    }
  }

  async load(changeId: string): Promise<boolean> {
    try {
      const snapshot = JSON.parse(await fs.readFile(path.join(this.dir, SNAPSHOT_FILE), 'utf8')) as Snapshot;
      if (snapshot.changeId !== changeId) return false;
      this.graph = CitationGraph.fromEdges(snapshot.edges);
      return true;
    } catch {
      return false;
    }
  }

  async save(changeId: string): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const snapshot: Snapshot = { changeId, edges: this.graph.edges() };
    const temporary = path.join(this.dir, `${SNAPSHOT_FILE}.${process.pid}.tmp`);
    await fs.writeFile(temporary, JSON.stringify(snapshot));
    await fs.rename(temporary, path.join(this.dir, SNAPSHOT_FILE));
  }
}
