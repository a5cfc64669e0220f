import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client), in a registry of its own. Gauges that describe
 * state kept elsewhere (queues, the index thread) are filled by `collect` callbacks at scrape time.
 */
export function createMetrics() {
  const registry = new Registry();
  const http = new Histogram({
    name: 'peerscout_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'peerscout_rate_limited_total',
    help: 'Requests refused with 429',
    registers: [registry],
  });
  const embedding = new Histogram({
    name: 'peerscout_embedding_duration_seconds',
    help: 'Time to embed one call of texts (queueing included), by number of texts',
    labelNames: ['texts'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    http,
    rateLimited,
    embedding,
    embeddingQueue: gauge('peerscout_embedding_queue_tasks', 'Embedding tasks waiting for a thread'),
    indexSize: gauge('peerscout_paper_index_size', 'Papers in this process’s vector index'),
    indexLag: gauge(
      'peerscout_paper_index_lag_seconds',
      'How far the index is behind the paper change stream',
    ),
    queueJobs: gauge('peerscout_queue_jobs', 'BullMQ jobs by queue and state', ['queue', 'state']),
    cache: gauge('peerscout_suggestion_cache_requests', 'Suggestion requests by cache result', ['result']),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Buckets a text count for the embedding histogram's label. */
export function textCountLabel(count: number): string {
  return count <= 1 ? '1' : count <= 8 ? '2-8' : count <= 64 ? '9-64' : '65+';
}
