import type { Container } from '../src/container.ts';
import type { DerivedPaperIndex, PaperChange } from '../src/vector/paper-index.ts';

/**
 * Follows paper changes (after the researcher index has applied them) and queues a refresh of the
 * suggestions of every author of a changed paper and of their co-authors. Refreshes are debounced
 * per researcher, so a bulk import queues at most one pending refresh each.
 */
export class RefreshTrigger implements DerivedPaperIndex {
  constructor(private readonly container: Container) {}

  async reset(): Promise<void> {}

  async load(): Promise<boolean> {
    return true;
  }

  async save(): Promise<void> {}

  async apply(changes: PaperChange[]): Promise<void> {
    const graph = this.container.researcherIndex.graph;
    const touched = new Set<string>();
    for (const change of changes) {
      for (const author of [...(change.before?.authorIds ?? []), ...(change.after?.authorIds ?? [])]) {
        touched.add(author);
        for (const coauthor of graph.neighbours(author).keys()) touched.add(coauthor);
      }
    }
    await this.container.services.refresh.request([...touched], 'papers');
  }
}
