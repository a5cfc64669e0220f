import type { Logger } from '../logger.ts';
import type { RankerModel } from '../recommend/ranker.ts';
import { RANKER_VERSION, trainRankers } from '../recommend/training.ts';
import type { RankerRepository } from '../storage/ranker-repository.ts';
import type { ResearcherRepository } from '../storage/researcher-repository.ts';
import type { CitationIndex } from '../vector/citation-index.ts';
import type { PaperIndex } from '../vector/paper-index.ts';
import type { ResearcherIndex } from '../vector/researcher-index.ts';

export type RankerModels = {
  graph: RankerModel;
  topic: RankerModel;
  /** How many papers the store held when they were trained (absent in models saved before it was kept). */
  storedPapers?: number;
};

/** Researchers sampled as training queries. */
const TRAINING_QUERIES = 400;
/** How long a process keeps the models it read before it looks for newer ones. */
const MODELS_CACHE_MS = 60_000;

/** The name of the ranking a list was made with: the learned models' identity, or the classic order. */
export function modelVersionOf(models: RankerModels | null): string {
  return models ? `${models.graph.version}@${models.graph.trainedAt}` : `classic-order@${RANKER_VERSION}`;
}

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
  private cached: { value: RankerModels | null; loadedAt: number } | null = null;
  private training: Promise<RankerModels | null> | null = null;

  constructor(
    private readonly deps: {
      rankers: RankerRepository<RankerModels>;
      researchers: ResearcherRepository;
      paperIndex: PaperIndex;
      researcherIndex: ResearcherIndex;
      citationIndex: CitationIndex;
      retrainGrowth: number;
      logger: Logger;
    },
  ) {}

  async current(): Promise<RankerModels | null> {
    if (!this.cached || Date.now() - this.cached.loadedAt > MODELS_CACHE_MS) {
      const stored = await this.deps.rankers.get();
      // Models of another ranker version were trained on other features: not usable.
      this.cached = {
        value: stored?.graph?.version === RANKER_VERSION ? stored : null,
        loadedAt: Date.now(),
      };
    }
    return this.cached.value;
  }

  async version(): Promise<string> {
    return modelVersionOf(await this.current());
  }

  /** Learns the models when they are missing or the store outgrew them; otherwise does nothing. */
  async trainIfStale(): Promise<{ trained: boolean; reason: string }> {
    await this.deps.paperIndex.catchUp();
    this.cached = null;
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
    const { paperIndex, researcherIndex, citationIndex, researchers, rankers, logger } = this.deps;
    await paperIndex.catchUp();
    const started = Date.now();
    const learned = await trainRankers(paperIndex.index, researcherIndex.graph, {
      maxQueries: TRAINING_QUERIES,
      seed,
      citations: citationIndex.graph,
      affiliationsAsOf: (ids, year) => researchers.affiliationsAsOf(ids, year),
    });
    const models = learned ? { ...learned, storedPapers: paperIndex.index.size } : null;
    if (models) {
      await rankers.save(models);
      this.cached = { value: models, loadedAt: Date.now() };
    }
    logger.info(
      { ms: Date.now() - started, trained: models !== null, training: models?.graph.training },
      'collaborator ranking models trained',
    );
    return models;
  }
}
