import type { ForegroundWork } from '../jobs/foreground-work.ts';
import type { Logger } from '../logger.ts';
import { trainRankers } from '../recommend/training.ts';
import type { ResearcherRepository } from '../storage/researcher-repository.ts';
import type { CitationIndex } from '../vector/citation-index.ts';
import type { PaperIndex } from '../vector/paper-index.ts';
import type { PaperMatcher } from '../vector/paper-matcher.ts';
import type { ResearcherIndex } from '../vector/researcher-index.ts';
import type { RankerModels, StoredRankingModels } from './stored-ranking-models.ts';

export { modelVersionOf, type RankerModels } from './stored-ranking-models.ts';

/** Researchers sampled as training queries. */
const TRAINING_QUERIES = 2000;
/**
 * Whether the stored models should be learned again: there are none, or the store has grown by the
 * given share since they were trained (a store that began with the seeds and then imported real
 * data must not keep ranking with the seed-time weights).
 */
export function needsTraining(models: RankerModels | null, storedPapers: number, growth: number): boolean {
  if (!models) return storedPapers > 0;
  const trainedOn = models.storedPapers ?? 0;
  return storedPapers >= Math.max(1, trainedOn) * (1 + growth);
}

/** Owns the collaborator ranking models: training them, storing them, and the version in use. */
export class RankingModelService {
  private training: Promise<RankerModels | null> | null = null;

  constructor(
    private readonly deps: {
      models: StoredRankingModels;
      researchers: ResearcherRepository;
      paperIndex: PaperIndex;
      researcherIndex: ResearcherIndex;
      citationIndex: CitationIndex;
      matcher: PaperMatcher;
      /** Training gives way to the jobs run through it (every other job of the worker). */
      foreground: ForegroundWork;
      retrainGrowth: number;
      logger: Logger;
    },
  ) {}

  current(): Promise<RankerModels | null> {
    return this.deps.models.current();
  }

  version(): Promise<string> {
    return this.deps.models.version();
  }

  /** Learns the models when they are missing or the store outgrew them; otherwise does nothing. */
  async trainIfStale(): Promise<{ trained: boolean; reason: string }> {
    await this.deps.paperIndex.catchUp();
    this.deps.models.forget();
    const models = await this.current();
    const storedPapers = this.deps.paperIndex.index.size;
    if (!needsTraining(models, storedPapers, this.deps.retrainGrowth)) {
      return { trained: false, reason: `the models fit the store (${storedPapers} papers)` };
    }
    return { trained: (await this.train()) !== null, reason: models ? 'the store grew' : 'no models yet' };
  }

  /** Learns the models from the stored data and saves them; concurrent calls share one run. */
  train(seed = 'peerscout'): Promise<RankerModels | null> {
    this.training ??= this.trainNow(seed).finally(() => {
      this.training = null;
    });
    return this.training;
  }

  private async trainNow(seed: string): Promise<RankerModels | null> {
    const { paperIndex, researcherIndex, citationIndex, researchers, logger } = this.deps;
    await paperIndex.catchUp();
    const started = Date.now();
    const learned = await trainRankers(paperIndex.index, researcherIndex.graph, {
      maxQueries: TRAINING_QUERIES,
      seed,
      citations: citationIndex.graph,
      affiliationsAsOf: (ids, year) => researchers.affiliationsAsOf(ids, year),
      matcher: this.deps.matcher,
      giveWay: () => this.deps.foreground.giveWay(),
    });
    const models = learned ? { ...learned, storedPapers: paperIndex.index.size } : null;
    if (models) await this.deps.models.save(models);
    logger.info(
      { ms: Date.now() - started, trained: models !== null, training: models?.graph.training },
      'collaborator ranking models trained',
    );
    return models;
  }
}
