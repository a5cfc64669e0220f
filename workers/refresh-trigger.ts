import { type Container, untilRedisAnswers } from '../src/container.ts';
import type { PaperMeta } from '../src/domain/paper-filters.ts';
import { needsTraining } from '../src/services/ranking-model-service.ts';
import { requestTraining } from '../src/services/training-requests.ts';
import type { DerivedPaperIndex, PaperChange } from '../src/vector/paper-index.ts';
import type { VectorIndex } from '../src/vector/vector-index.ts';

/**
 * Follows paper changes (after the researcher and citation indexes have applied them) and queues a
 * refresh of the suggestions of every author of a changed paper, of their co-authors, and of the
 * authors of the papers it cites or that cite it (their citation features changed). Refreshes are debounced
 * per researcher, so a bulk import queues at most one pending refresh each.
 */
export class RefreshTrigger implements DerivedPaperIndex {
  constructor(private readonly container: Container) {}

  async reset(): Promise<void> {}

  async load(): Promise<boolean> {
    return true;
  }

  async save(): Promise<void> {}

  async apply(
    changes: PaperChange[],
    papers: VectorIndex<PaperMeta>,
    collaborations: [string, string][],
  ): Promise<void> {
    // A refresh request that fails would fail this page of the index sync, and a half-applied page
    // costs a rebuild: a Redis that does not answer for a moment is waited for instead.
    await this.whenRedisAnswers('request training', () => this.retrainWhenOutgrown(papers.size));
    const graph = this.container.researcherIndex.graph;
    const citations = this.container.citationIndex.graph;
    const touched = new Set<string>(collaborations.flat());
    for (const change of changes) {
      for (const linked of [...citations.cites(change.id), ...citations.citedBy(change.id)])
        for (const author of graph.paper(linked)?.authorIds ?? []) touched.add(author);
      for (const author of [...(change.before?.authorIds ?? []), ...(change.after?.authorIds ?? [])]) {
        touched.add(author);
        for (const coauthor of graph.neighbours(author).keys()) touched.add(coauthor);
      }
    }
    await this.whenRedisAnswers('request refreshes', () =>
      this.container.services.refresh.request([...touched], 'papers'),
    );
  }

  private whenRedisAnswers(step: string, run: () => Promise<unknown>): Promise<unknown> {
    return untilRedisAnswers(this.container.config, this.container.logger, step, run);
  }

  /** A store that grew past its models' threshold gets them learned again (by a job, not here). */
  private async retrainWhenOutgrown(storedPapers: number): Promise<void> {
    const { config, queues, services } = this.container;
    if (needsTraining(await services.rankingModel.current(), storedPapers, config.ranker.retrainGrowth)) {
      await requestTraining(queues, 'store-grew');
    }
  }
}
