import path from 'node:path';
import type { Config } from './config.ts';
import { CachedEmbedder } from './embedding/cached-embedder.ts';
import { TransformersEmbedder } from './embedding/transformers-embedder.ts';
import { JobQueues } from './jobs/queues.ts';
import type { Logger } from './logger.ts';
import { type CachedSuggestions, CollaboratorsService } from './services/collaborators-service.ts';
import { InsightsService } from './services/insights-service.ts';
import { InvitationsService, refreshJobOptions } from './services/invitations-service.ts';
import { PapersService } from './services/papers-service.ts';
import { ResearchersService } from './services/researchers-service.ts';
import { WebhooksService } from './services/webhooks-service.ts';
import { InvitationRepository } from './storage/invitation-repository.ts';
import { createKeys } from './storage/keys.ts';
import { PaperRepository } from './storage/paper-repository.ts';
import { RankerRepository } from './storage/ranker-repository.ts';
import { createRedis } from './storage/redis.ts';
import { ResearcherRepository } from './storage/researcher-repository.ts';
import { SuggestionCache } from './storage/suggestion-cache.ts';
import { PaperIndex } from './vector/paper-index.ts';
import { ResearcherIndex } from './vector/researcher-index.ts';

/** How often a process holding an index looks for papers written by other processes. */
const INDEX_POLL_MS = 500;
const PROFILE_TOPICS = 8;
const READINESS_TIMEOUT_MS = 500;

/** Builds the object graph once: Redis, repositories, embedder, index and services. */
export function createContainer(config: Config, logger: Logger) {
  const redis = createRedis(config.redisUrl, {
    name: 'peerscout',
    commandTimeoutMs: config.redisCommandTimeoutMs,
  });
  const keys = createKeys(config.keyPrefix);
  const transformers = new TransformersEmbedder({
    modelsDir: config.model.dir,
    modelName: config.model.name,
    quantized: config.model.quantized,
    batchSize: config.model.batchSize,
  });
  const embedder = new CachedEmbedder(transformers, config.embeddingCacheDir);
  const repositories = {
    papers: new PaperRepository(redis, keys, config.changeStreamMaxLen),
    researchers: new ResearcherRepository(redis, keys),
    rankers: new RankerRepository(redis, keys),
    invitations: new InvitationRepository(redis, keys),
  };
  const queues = new JobQueues(redis, config.keyPrefix, logger);
  const indexDir = path.join(config.dataDir, 'index', config.keyPrefix);
  const paperIndex = new PaperIndex(repositories.papers, config.hnsw, {
    dir: path.join(indexDir, 'papers'),
    modelVersion: embedder.modelVersion,
    dimension: embedder.dimension,
    logger,
  });
  const researcherIndex = new ResearcherIndex(
    config.hnsw,
    embedder.dimension,
    path.join(indexDir, 'researchers'),
  );
  paperIndex.attach(researcherIndex);
  const insights = new InsightsService({ researcherIndex, paperIndex, ...repositories });
  const collaborators = new CollaboratorsService({
    researcherIndex,
    paperIndex,
    embedder,
    logger,
    cache: new SuggestionCache<CachedSuggestions>(redis, keys, config.worker.suggestionsCacheTtlS),
    ...repositories,
  });
  const invitations = new InvitationsService({
    invitations: repositories.invitations,
    researchers: repositories.researchers,
    collaborators,
    queues,
    settings: {
      perDigest: config.invitations.perDigest,
      cooldownDays: config.invitations.cooldownDays,
      webhookEnabled: config.webhook !== null,
    },
    logger,
  });
  /** A researcher's suggestions are stale: drop the cached ones and queue a (debounced) refresh. */
  const refresh = async (researcherIds: string[], reason: 'papers' | 'profile' | 'feedback') => {
    await collaborators.forgetCached(...researcherIds);
    await queues.addBulk(
      'refresh-suggestions',
      researcherIds.map((researcherId) => ({
        payload: { researcherId, reason },
        options: refreshJobOptions(researcherId, config.worker.refreshDebounceMs),
      })),
    );
  };
  const webhooks = new WebhooksService({ invitations: repositories.invitations, webhook: config.webhook });
  const services = {
    papers: new PapersService({
      papers: repositories.papers,
      embedder,
      index: paperIndex,
      maxPapersPerRequest: config.limits.maxPapersPerRequest,
      maxAuthorsPerPaper: config.limits.maxAuthorsPerPaper,
    }),
    researchers: new ResearchersService({
      ...repositories,
      topics: (id) => insights.topics(id, PROFILE_TOPICS),
      onConsentWithdrawn: (id) => invitations.withdrawNaming(id),
      onProfileChanged: (id) => refresh([id], 'profile'),
    }),
    insights,
    collaborators,
    invitations,
    webhooks,
  };
  let modelLoaded = false;

  return {
    config,
    logger,
    redis,
    keys,
    embedder,
    repositories,
    paperIndex,
    researcherIndex,
    queues,
    refresh,
    services,

    /** Loads the model and opens the index (snapshot or rebuild), then follows changes in the background. */
    async start(options: { backgroundSync?: boolean } = {}): Promise<{ indexRebuilt: boolean }> {
      await transformers.load();
      modelLoaded = true;
      const { rebuilt } = await paperIndex.open();
      if (options.backgroundSync !== false)
        paperIndex.startBackgroundSync(INDEX_POLL_MS, config.indexSaveIntervalMs);
      return { indexRebuilt: rebuilt };
    },

    /** Answers within READINESS_TIMEOUT_MS whatever Redis does. */
    async readiness(): Promise<Record<string, boolean>> {
      const withinTime = <T>(check: Promise<T>, fallback: T) =>
        Promise.race([
          check.catch(() => fallback),
          new Promise<T>((resolve) => setTimeout(() => resolve(fallback), READINESS_TIMEOUT_MS).unref()),
        ]);
      const redisUp = await withinTime(
        redis.ping().then((answer) => answer === 'PONG'),
        false,
      );
      const indexInSync = redisUp && (await withinTime(paperIndex.inSync(), false));
      return { redis: redisUp, model: modelLoaded, index: indexInSync };
    },

    async close(): Promise<void> {
      await queues.close();
      await paperIndex.close();
      await embedder.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export type Container = ReturnType<typeof createContainer>;
