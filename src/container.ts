import path from 'node:path';
import type { Config } from './config.ts';
import { CachedEmbedder } from './embedding/cached-embedder.ts';
import type { Embedder } from './embedding/embedder.ts';
import { PooledEmbedder } from './embedding/pooled-embedder.ts';
import { TransformersEmbedder, type TransformersOptions } from './embedding/transformers-embedder.ts';
import { ForegroundWork } from './jobs/foreground-work.ts';
import { JobQueues } from './jobs/queues.ts';
import type { Logger } from './logger.ts';
import { createMetrics, type Metrics, textCountLabel } from './metrics.ts';
import { type PhraseSource, papersPhrases } from './recommend/key-phrases.ts';
import { PhraseThread } from './recommend/phrase-thread-client.ts';
import type { StoredTopics } from './recommend/topic-ranking.ts';
import { CachedCollaborators } from './services/cached-collaborators.ts';
import type { CachedSuggestions } from './services/cached-suggestions.ts';
import { CollaboratorsService } from './services/collaborators-service.ts';
import { InvitationFeedback } from './services/invitation-feedback.ts';
import { InvitationsService } from './services/invitations-service.ts';
import { NeighbourhoodService } from './services/neighbourhood-service.ts';
import { PapersService } from './services/papers-service.ts';
import { ProfileTopicsService } from './services/profile-topics-service.ts';
import { type RankerModels, RankingModelService } from './services/ranking-model-service.ts';
import { ResearchersService } from './services/researchers-service.ts';
import { StoredRankingModels } from './services/stored-ranking-models.ts';
import { SuggestionRefresh } from './services/suggestion-refresh.ts';
import { WebhooksService } from './services/webhooks-service.ts';
import { CitationRepository } from './storage/citation-repository.ts';
import { InvitationRepository } from './storage/invitation-repository.ts';
import { JsonStore } from './storage/json-store.ts';
import { createKeys } from './storage/keys.ts';
import { hasLegacyLayout } from './storage/legacy-layout.ts';
import { PaperRepository } from './storage/paper-repository.ts';
import { RankerRepository } from './storage/ranker-repository.ts';
import { createRedis, whenRedisAnswers } from './storage/redis.ts';
import { ResearcherRepository } from './storage/researcher-repository.ts';
import { IndexThread } from './threads/index-thread-client.ts';
import { CitationIndex } from './vector/citation-index.ts';
import { PaperIndex } from './vector/paper-index.ts';
import { PaperMatcher } from './vector/paper-matcher.ts';
import { localPaperSearch, type PaperSearch } from './vector/paper-search.ts';
import { ResearcherIndex } from './vector/researcher-index.ts';

/** How often a process holding an index looks for papers written by other processes. */
const INDEX_POLL_MS = 500;
const PROFILE_TOPICS = 8;
const PROFILE_CITERS = 5;
const READINESS_TIMEOUT_MS = 500;

export type StartOptions = { backgroundSync?: boolean };

/** The local model, as both layouts load it. */
/** The model settings of the config, as the embedders take them. */
export function modelOptions(config: Config): TransformersOptions {
  const { dir, name, quantized, batchSize, intraOpThreads } = config.model;
  return { modelsDir: dir, modelName: name, quantized, batchSize, intraOpThreads };
}

/**
 * Redis, key names, repositories and queues: what every layout shares. A thread that serves requests
 * (the API's event loop and its index thread) sends each command as it comes, without auto-pipelining
 * (see createRedis); bulk work (the worker, imports, evaluation) batches each tick's commands.
 */
function createStorage(config: Config, logger: Logger, options: { servesRequests: boolean }) {
  const redis = createRedis(config.redisUrl, {
    name: 'peerscout',
    commandTimeoutMs: config.redisCommandTimeoutMs,
    autoPipelining: !options.servesRequests,
  });
  const keys = createKeys(config.keyPrefix);
  const repositories = {
    papers: new PaperRepository(redis, keys, config.changeStreamMaxLen),
    researchers: new ResearcherRepository(redis, keys),
    rankers: new RankerRepository<RankerModels>(redis, keys),
    invitations: new InvitationRepository(redis, keys, config.changeStreamMaxLen),
    citations: new CitationRepository(redis, keys),
    topics: new JsonStore<StoredTopics>(redis, keys.topics),
  };
  const queues = new JobQueues(redis, config.keyPrefix, logger);
  const models = new StoredRankingModels(repositories.rankers);
  return { redis, keys, repositories, queues, models };
}

type Storage = ReturnType<typeof createStorage>;

/** The use-cases, given the storage and the parts that need the indexes (here or in another thread). */
function wireServices(
  config: Config,
  logger: Logger,
  { repositories, queues, models }: Storage,
  parts: {
    embedder: Embedder;
    paperSearch: PaperSearch;
    suggestionCache: JsonStore<CachedSuggestions>;
    /** The ranking, here or in the index thread; requests reach it through the suggestion cache. */
    collaboratorRanking: CollaboratorsService;
    neighbourhood: NeighbourhoodService;
    /** Papers' key phrases: by default tagged on this thread, a few papers per event-loop turn. */
    phrases?: (papers: PhraseSource[]) => Promise<string[][]>;
  },
) {
  const { neighbourhood } = parts;
  const collaborators = new CachedCollaborators({
    cache: parts.suggestionCache,
    models,
    ranking: parts.collaboratorRanking,
  });
  const refresh = new SuggestionRefresh({
    cache: parts.suggestionCache,
    queues,
    debounceMs: config.worker.refreshDebounceMs,
  });
  const invitations = new InvitationsService({
    invitations: repositories.invitations,
    researchers: repositories.researchers,
    collaborators,
    queues,
    refresh,
    settings: {
      perDigest: config.invitations.perDigest,
      maxPerCandidate: config.invitations.maxPerCandidate,
      cooldownDays: config.invitations.cooldownDays,
      webhookEnabled: config.webhook !== null,
    },
    logger,
  });
  const services = {
    papers: new PapersService({
      papers: repositories.papers,
      citations: repositories.citations,
      embedder: parts.embedder,
      phrases: parts.phrases ?? papersPhrases,
      index: parts.paperSearch,
      maxPapersPerRequest: config.limits.maxPapersPerRequest,
      maxAuthorsPerPaper: config.limits.maxAuthorsPerPaper,
    }),
    researchers: new ResearchersService({
      ...repositories,
      topics: (id) => neighbourhood.topics(id, PROFILE_TOPICS),
      citations: (id) => neighbourhood.citationSummary(id, PROFILE_CITERS),
      onConsentWithdrawn: (id) => invitations.withdrawNaming(id),
      onProfileChanged: (id) => refresh.request([id], 'profile'),
    }),
    neighbourhood,
    profileTopics: new ProfileTopicsService({
      neighbourhood,
      embedder: parts.embedder,
      topics: repositories.topics,
    }),
    collaborators,
    invitations,
    webhooks: new WebhooksService({ invitations: repositories.invitations, webhook: config.webhook }),
    refresh,
  };
  return services;
}

/** Fills the gauges that describe state kept elsewhere (queues, the index, the suggestion cache). */
async function collectMetrics(
  metrics: Metrics,
  storage: Storage,
  paperSearch: PaperSearch,
  collaborators: Pick<CachedCollaborators, 'cacheStats'>,
): Promise<void> {
  const [stats, cache] = await Promise.all([paperSearch.stats(), collaborators.cacheStats()]);
  metrics.indexSize.set(stats.size);
  metrics.indexLag.set(stats.lagSeconds);
  metrics.cache.set({ result: 'hit' }, cache.hit);
  metrics.cache.set({ result: 'miss' }, cache.miss);
  for (const [name, queue] of storage.queues.queues) {
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    for (const [state, count] of Object.entries(counts)) metrics.queueJobs.set({ queue: name, state }, count);
  }
}

/** A store still in the key layout of an earlier version is migrated before any process uses it. */
async function assertCurrentLayout(storage: Storage): Promise<void> {
  if (await hasLegacyLayout(storage.redis, storage.keys)) {
    throw new Error(
      `the store under KEY_PREFIX '${storage.keys.root}' has the key layout of an earlier version: ` +
        'run `npm run migrate` once (docs/SCALING.md, "Upgrading a store")',
    );
  }
}

/**
 * A step that needs Redis and may be repeated (starting a process, a write the worker must not drop):
 * a Redis that is still starting, or hangs for a while, delays it by up to REDIS_WAIT_MS instead of
 * failing it.
 */
export function untilRedisAnswers<T>(
  config: Config,
  logger: Logger,
  step: string,
  run: () => Promise<T>,
): Promise<T> {
  return whenRedisAnswers(step, run, { logger, waitMs: config.redisWaitMs });
}

/** Readiness checks that answer within READINESS_TIMEOUT_MS whatever Redis does. */
async function readinessOf(storage: Storage, paperSearch: PaperSearch, modelLoaded: boolean) {
  const withinTime = <T>(check: Promise<T>, fallback: T) =>
    Promise.race([
      check.catch(() => fallback),
      new Promise<T>((resolve) => setTimeout(() => resolve(fallback), READINESS_TIMEOUT_MS).unref()),
    ]);
  const redisUp = await withinTime(
    storage.redis.ping().then((answer) => answer === 'PONG'),
    false,
  );
  const indexInSync = redisUp && (await withinTime(paperSearch.inSync(), false));
  return { redis: redisUp, model: modelLoaded, index: indexInSync };
}

/**
 * Builds the object graph with everything in this thread: the model, the paper and researcher
 * indexes and the ranking. For the worker process, the import and evaluation CLIs, the index thread
 * of the API, and tests of the use-cases.
 */
export function createContainer(
  config: Config,
  logger: Logger,
  options: {
    /** Embed in a pool of EMBEDDING_THREADS threads (bulk imports) rather than on this thread. */
    embeddingPool?: boolean;
    /** This thread answers requests (the API's index thread, an app in a test): see createStorage. */
    servesRequests?: boolean;
  } = {},
) {
  const storage = createStorage(config, logger, { servesRequests: options.servesRequests ?? false });
  const { redis, keys, repositories } = storage;
  const model = options.embeddingPool
    ? new PooledEmbedder({
        ...modelOptions(config),
        threads: config.model.threads,
        queueMax: config.model.queueMax,
      })
    : new TransformersEmbedder(modelOptions(config));
  const embedder = new CachedEmbedder(model, config.embeddingCacheDir);
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
    () => repositories.invitations.collaborationEdges(),
  );
  paperIndex.attach(researcherIndex);
  const citationIndex = new CitationIndex(repositories.citations, path.join(indexDir, 'citations'));
  paperIndex.attach(citationIndex);
  const paperSearch = localPaperSearch(paperIndex);
  const matcher = new PaperMatcher();
  const foreground = new ForegroundWork();
  const rankingModel = new RankingModelService({
    matcher,
    foreground,
    models: storage.models,
    researchers: repositories.researchers,
    paperIndex,
    researcherIndex,
    citationIndex,
    retrainGrowth: config.ranker.retrainGrowth,
    logger,
  });
  const suggestionCache = new JsonStore<CachedSuggestions>(
    redis,
    keys.suggestionsCache,
    config.worker.suggestionsCacheTtlS,
  );
  const collaboratorRanking = new CollaboratorsService({
    researcherIndex,
    citationIndex,
    paperIndex,
    embedder,
    matcher,
    cache: suggestionCache,
    models: rankingModel,
    feedback: new InvitationFeedback(repositories.invitations),
    ...repositories,
  });
  const services = wireServices(config, logger, storage, {
    embedder,
    paperSearch,
    suggestionCache,
    neighbourhood: new NeighbourhoodService({ researcherIndex, paperIndex, citationIndex, ...repositories }),
    collaboratorRanking,
  });
  let modelLoaded = false;
  const metrics = createMetrics();

  return {
    config,
    logger,
    redis,
    keys,
    embedder,
    repositories,
    metrics,
    collectMetrics: () => collectMetrics(metrics, storage, paperSearch, services.collaborators),
    paperIndex,
    researcherIndex,
    citationIndex,
    paperSearch,
    /** The ranking itself, without the suggestion cache in front (the evaluation measures it). */
    collaboratorRanking,
    queues: storage.queues,
    /** Jobs that training gives way to (the worker runs every job but training through it). */
    foreground,
    services: { ...services, rankingModel },

    /** Loads the model and opens the index (snapshot or rebuild), then follows changes in the background. */
    async start(options: StartOptions = {}): Promise<{ indexRebuilt: boolean }> {
      await untilRedisAnswers(config, logger, 'check the key layout', () => assertCurrentLayout(storage));
      await Promise.all([model.load(), matcher.load()]);
      modelLoaded = true;
      const { rebuilt } = await untilRedisAnswers(config, logger, 'open the paper index', () =>
        paperIndex.open(),
      );
      if (options.backgroundSync !== false)
        paperIndex.startBackgroundSync(INDEX_POLL_MS, config.indexSaveIntervalMs);
      return { indexRebuilt: rebuilt };
    },

    readiness: () => readinessOf(storage, paperSearch, modelLoaded),

    async close(): Promise<void> {
      await storage.queues.close();
      await paperIndex.close();
      await embedder.close();
      if (model instanceof PooledEmbedder) await model.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export type Container = ReturnType<typeof createContainer>;

/**
 * Builds the object graph of the API process, whose event loop only serves requests: the model runs
 * in a pool of embedding threads, and the indexes with everything that reads them (similar-paper
 * search, collaborator ranking, related papers, topics, the research graph) in an index thread.
 */
export function createApiContainer(config: Config, logger: Logger) {
  const storage = createStorage(config, logger, { servesRequests: true });
  const metrics = createMetrics();
  const pooled = new PooledEmbedder({
    ...modelOptions(config),
    onEmbedded: (seconds, texts) => metrics.embedding.observe({ texts: textCountLabel(texts) }, seconds),
    threads: config.model.threads,
    queueMax: config.model.queueMax,
    threadRole: 'besideRequests',
  });
  const embedder = new CachedEmbedder(pooled, config.embeddingCacheDir);
  const indexThread = new IndexThread(config, logger);
  const phraseThread = new PhraseThread();
  const paperSearch = indexThread.paperSearch();
  const services = wireServices(config, logger, storage, {
    embedder,
    phrases: (papers) => phraseThread.phrases(papers),
    paperSearch,
    suggestionCache: new JsonStore(
      storage.redis,
      storage.keys.suggestionsCache,
      config.worker.suggestionsCacheTtlS,
    ),
    neighbourhood: indexThread.service<NeighbourhoodService>('neighbourhood'),
    collaboratorRanking: indexThread.service<CollaboratorsService>('collaborators'),
  });
  let modelLoaded = false;

  return {
    config,
    logger,
    redis: storage.redis,
    keys: storage.keys,
    embedder,
    repositories: storage.repositories,
    metrics,
    collectMetrics: async () => {
      metrics.embeddingQueue.set(pooled.queued);
      await collectMetrics(metrics, storage, paperSearch, services.collaborators);
    },
    queues: storage.queues,
    services,

    async start(options: StartOptions = {}): Promise<{ indexRebuilt: boolean }> {
      // The index thread waits for Redis on its own (its container's start).
      await untilRedisAnswers(config, logger, 'check the key layout', () => assertCurrentLayout(storage));
      const [opened] = await Promise.all([indexThread.open(options), pooled.load()]);
      modelLoaded = true;
      return opened;
    },

    readiness: () => readinessOf(storage, paperSearch, modelLoaded),

    async close(): Promise<void> {
      await storage.queues.close();
      await indexThread.close();
      await phraseThread.close();
      await embedder.close();
      await pooled.close();
      await storage.redis.quit().catch(() => storage.redis.disconnect());
    },
  };
}

/** What the HTTP app needs, in either layout. */
export type AppContainer = Pick<
  Container,
  'config' | 'logger' | 'queues' | 'readiness' | 'repositories' | 'redis' | 'metrics' | 'collectMetrics'
> & {
  services: Omit<Container['services'], 'rankingModel'>;
};
