import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { MAX_LISTED_AUTHORS } from './domain/paper.ts';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const CLUSTER_SCHEME = 'redis-cluster:';

/**
 * Where Redis is: `redis://` / `rediss://` URLs name one server; `redis-cluster://host:port,host:port`
 * names some nodes of a Redis Cluster (the rest are discovered), with optional `user:password@`.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; username?: string; password?: string };

export function redisTarget(url: string): RedisTarget {
  if (!url.startsWith(`${CLUSTER_SCHEME}//`)) return { kind: 'single', url };
  const rest = url.slice(`${CLUSTER_SCHEME}//`.length).replace(/\/.*$/, '');
  const at = rest.lastIndexOf('@');
  const credentials = at >= 0 ? rest.slice(0, at) : '';
  const nodes = (at >= 0 ? rest.slice(at + 1) : rest).split(',').map((node) => {
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(node.trim());
    if (!match) throw new Error(`a Redis Cluster node is host:port, not '${node}'`);
    return { host: match[1]!, port: Number(match[2]) };
  });
  const [username, password] = credentials.includes(':') ? credentials.split(/:(.*)/s) : ['', credentials];
  return {
    kind: 'cluster',
    nodes,
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
  };
}

function isRedisUrl(url: string): boolean {
  try {
    const target = redisTarget(url);
    return target.kind === 'cluster' || (/^rediss?:\/\//.test(url) && URL.canParse(url));
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** One server (`redis://`, `rediss://`) or a Redis Cluster (`redis-cluster://host:port,host:port`). */
  REDIS_URL: z
    .string()
    .refine(isRedisUrl, 'a redis://, rediss:// or redis-cluster://host:port,host:port URL')
    .default('redis://127.0.0.1:6379'),
  KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only')
    .default('peerscout'),
  DATA_DIR: z.string().default('data'),
  EMBEDDING_CACHE_DIR: z.string().optional(),
  MODEL_DIR: z.string().default('models'),
  MODEL_NAME: z.string().default('all-MiniLM-L6-v2'),
  EMBEDDING_QUANTIZED: booleanFromEnv.default(true),
  // One ONNX session per core (up to 4), each on one thread: the layout that measured fastest here.
  EMBEDDING_THREADS: z.coerce.number().int().min(1).max(16).default(Math.min(4, os.availableParallelism())),
  EMBEDDING_INTRA_OP_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(256).default(1),
  MAX_PAPERS_PER_REQUEST: z.coerce.number().int().min(1).max(10_000).default(256),
  MAX_AUTHORS_PER_PAPER: z.coerce.number().int().min(1).max(MAX_LISTED_AUTHORS).default(500),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(25_000),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  REDIS_WAIT_MS: z.coerce.number().int().min(0).max(86_400_000).default(120_000),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_EXPENSIVE_MAX: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  EMBEDDING_QUEUE_MAX: z.coerce.number().int().min(1).default(256),
  CORS_ORIGINS: z.string().default(''),
  HNSW_M: z.coerce.number().int().min(4).max(64).default(16),
  HNSW_EF_CONSTRUCTION: z.coerce.number().int().min(16).max(1000).default(200),
  HNSW_EF_SEARCH: z.coerce.number().int().min(10).max(2000).default(128),
  CHANGE_STREAM_MAX_LEN: z.coerce.number().int().min(1000).default(1_000_000),
  INDEX_SAVE_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  SEED_ON_START: booleanFromEnv.default(true),
  INVITATION_CRON: z.string().min(9).default('0 6 * * 1'),
  INVITATIONS_PER_DIGEST: z.coerce.number().int().min(1).max(50).default(5),
  MAX_INVITATIONS_PER_CANDIDATE: z.coerce.number().int().min(1).max(1000).default(5),
  INVITATION_COOLDOWN_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  RANKER_RETRAIN_GROWTH: z.coerce.number().min(0).max(100).default(0.2),
  RANKER_RETRAIN_CRON: z.string().min(9).default('17 * * * *'),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(19),
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(60_000),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  REFRESH_DEBOUNCE_MS: z.coerce.number().int().min(0).max(3_600_000).default(2000),
  SUGGESTIONS_CACHE_TTL_S: z.coerce.number().int().min(60).default(86_400),
  API_KEYS: z.string().optional(),
  API_KEYS_FILE: z.string().optional(),
  AUTH_DISABLED: booleanFromEnv.default(false),
  DOCS_PUBLIC: booleanFromEnv.default(true),
  // An empty value (as docker-compose passes an unset variable) means unset.
  RESEARCHER_TOKEN_SECRET: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().min(32, 'at least 32 characters').optional(),
  ),
  RESEARCHER_TOKEN_ISSUER: z.string().min(1).default('peerscout-platform'),
  RESEARCHER_TOKEN_AUDIENCE: z.string().min(1).default('peerscout'),
  WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_SECRET: z.string().min(16).optional(),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: string;
  redisUrl: string;
  keyPrefix: string;
  dataDir: string;
  embeddingCacheDir: string;
  model: {
    dir: string;
    name: string;
    quantized: boolean;
    batchSize: number;
    threads: number;
    intraOpThreads: number;
    /** Embedding tasks (of up to 8 texts) that may wait; more get 503 busy at once. */
    queueMax: number;
  };
  limits: { maxPapersPerRequest: number; maxAuthorsPerPaper: number; bodyLimitBytes: number };
  http: {
    requestTimeoutMs: number;
    connectionTimeoutMs: number;
    /** Requests per credential (key, researcher or address) and route in a window; expensive routes get their own, smaller budget. */
    rateLimit: { max: number; expensiveMax: number; windowMs: number };
    /** Origins allowed by CORS; empty: CORS off. */
    corsOrigins: string[];
  };
  redisCommandTimeoutMs: number;
  /** How long a repeatable step (a process start, the worker's refresh requests) waits for Redis. */
  redisWaitMs: number;
  /** How long a process may take to close on SIGTERM/SIGINT before it exits anyway (with code 1). */
  shutdownTimeoutMs: number;
  hnsw: { m: number; efConstruction: number; efSearch: number };
  changeStreamMaxLen: number;
  indexSaveIntervalMs: number;
  seedOnStart: boolean;
  invitations: {
    cron: string;
    perDigest: number;
    /** Digests per period that may name one candidate, across all recipients. */
    maxPerCandidate: number;
    cooldownDays: number;
  };
  ranker: { retrainGrowth: number; retrainCron: string };
  worker: {
    /** Where the worker answers /healthz and /readyz; 0 turns that off. */
    healthPort: number;
    concurrency: number;
    /** Scheduling priority (Unix nice) of the worker process: background work yields the CPU to the API and imports. */
    nice: number;
    lockDurationMs: number;
    /** How often a worker finishes paper writes whose writer died. */
    reconcileIntervalMs: number;
    refreshDebounceMs: number;
    suggestionsCacheTtlS: number;
  };
  webhook: { url: string; secret: string } | null;
  auth: {
    disabled: boolean;
    /** Whether the OpenAPI document and UI at /docs need no key. */
    docsPublic: boolean;
    /** API keys as SHA-256 hex digests with their scopes; the keys themselves are not kept. */
    apiKeys: { sha256: string; scopes: Scope[] }[];
    researcherTokens: { secret: string; issuer: string; audience: string } | null;
  };
};

export const SCOPES = ['admin', 'read', 'metrics'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * `<key>:<scope>+<scope>` entries, comma-separated (API_KEYS) or one per line with the key as its
 * SHA-256 hex digest (API_KEYS_FILE, `sha256:<hex>:<scopes>`).
 */
export function parseApiKeys(text: string, hashed: boolean): { sha256: string; scopes: Scope[] }[] {
  return text
    .split(hashed ? /\r?\n/ : ',')
    .map((entry) => entry.trim())
    .filter((entry) => entry && !entry.startsWith('#'))
    .map((entry) => {
      const separator = entry.lastIndexOf(':');
      const secret = entry.slice(0, separator);
      const scopes = entry.slice(separator + 1).split('+');
      if (separator <= 0 || scopes.some((scope) => !(SCOPES as readonly string[]).includes(scope))) {
        throw new Error(
          `Invalid configuration:\n  an API key entry must be <key>:<scope>+<scope> with scopes ${SCOPES.join(', ')}`,
        );
      }
      if (hashed && !/^sha256:[0-9a-f]{64}$/.test(secret)) {
        throw new Error('Invalid configuration:\n  API_KEYS_FILE lines are sha256:<64 hex digits>:<scopes>');
      }
      if (!hashed && secret.length < 16) {
        throw new Error('Invalid configuration:\n  API keys must be at least 16 characters');
      }
      const sha256 = hashed
        ? secret.slice('sha256:'.length)
        : createHash('sha256').update(secret).digest('hex');
      return { sha256, scopes: scopes as Scope[] };
    });
}

/** Parses the environment once; the only place that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.AUTH_DISABLED && e.NODE_ENV === 'production') {
    throw new Error('Invalid configuration:\n  AUTH_DISABLED=true is refused with NODE_ENV=production');
  }
  const apiKeys = [
    ...(e.API_KEYS ? parseApiKeys(e.API_KEYS, false) : []),
    ...(e.API_KEYS_FILE ? parseApiKeys(fs.readFileSync(e.API_KEYS_FILE, 'utf8'), true) : []),
  ];
  if (Boolean(e.WEBHOOK_URL) !== Boolean(e.WEBHOOK_SECRET)) {
    throw new Error('Invalid configuration:\n  WEBHOOK_URL and WEBHOOK_SECRET go together');
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    keyPrefix: e.KEY_PREFIX,
    dataDir: path.resolve(e.DATA_DIR),
    embeddingCacheDir: path.resolve(e.EMBEDDING_CACHE_DIR ?? path.join(e.DATA_DIR, 'embedding-cache')),
    model: {
      dir: path.resolve(e.MODEL_DIR),
      name: e.MODEL_NAME,
      quantized: e.EMBEDDING_QUANTIZED,
      batchSize: e.EMBEDDING_BATCH_SIZE,
      threads: e.EMBEDDING_THREADS,
      intraOpThreads: e.EMBEDDING_INTRA_OP_THREADS,
      queueMax: e.EMBEDDING_QUEUE_MAX,
    },
    limits: {
      maxPapersPerRequest: e.MAX_PAPERS_PER_REQUEST,
      maxAuthorsPerPaper: e.MAX_AUTHORS_PER_PAPER,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
    },
    http: {
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: e.CONNECTION_TIMEOUT_MS,
      rateLimit: {
        max: e.RATE_LIMIT_MAX,
        expensiveMax: e.RATE_LIMIT_EXPENSIVE_MAX,
        windowMs: e.RATE_LIMIT_WINDOW_MS,
      },
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    redisWaitMs: e.REDIS_WAIT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    hnsw: { m: e.HNSW_M, efConstruction: e.HNSW_EF_CONSTRUCTION, efSearch: e.HNSW_EF_SEARCH },
    changeStreamMaxLen: e.CHANGE_STREAM_MAX_LEN,
    indexSaveIntervalMs: e.INDEX_SAVE_INTERVAL_MS,
    seedOnStart: e.SEED_ON_START,
    invitations: {
      cron: e.INVITATION_CRON,
      perDigest: e.INVITATIONS_PER_DIGEST,
      maxPerCandidate: e.MAX_INVITATIONS_PER_CANDIDATE,
      cooldownDays: e.INVITATION_COOLDOWN_DAYS,
    },
    ranker: { retrainGrowth: e.RANKER_RETRAIN_GROWTH, retrainCron: e.RANKER_RETRAIN_CRON },
    worker: {
      healthPort: e.WORKER_HEALTH_PORT,
      concurrency: e.WORKER_CONCURRENCY,
      nice: e.WORKER_NICE,
      lockDurationMs: e.WORKER_LOCK_DURATION_MS,
      reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
      refreshDebounceMs: e.REFRESH_DEBOUNCE_MS,
      suggestionsCacheTtlS: e.SUGGESTIONS_CACHE_TTL_S,
    },
    webhook: e.WEBHOOK_URL && e.WEBHOOK_SECRET ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET } : null,
    auth: {
      disabled: e.AUTH_DISABLED,
      docsPublic: e.DOCS_PUBLIC,
      apiKeys,
      researcherTokens: e.RESEARCHER_TOKEN_SECRET
        ? {
            secret: e.RESEARCHER_TOKEN_SECRET,
            issuer: e.RESEARCHER_TOKEN_ISSUER,
            audience: e.RESEARCHER_TOKEN_AUDIENCE,
          }
        : null,
    },
  };
}
