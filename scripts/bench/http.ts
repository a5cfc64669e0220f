import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export type Latencies = { p50: number; p99: number; count: number };
export type LoadResult = {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  requests: number;
  failed: number;
};

/** Many connections for `durationS`, each request to the next of `paths` in turn (autocannon). */
export async function loadTest(
  base: string,
  paths: string[],
  headers: Record<string, string>,
  options: { connections: number; durationS: number },
): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections: options.connections,
    duration: options.durationS,
    headers,
    requests: [
      {
        setupRequest: (request) => {
          next = (next + 1) % paths.length;
          return { ...request, path: paths[next]! };
        },
      },
    ],
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** p50 and p99 (nearest rank) of timings in milliseconds. */
export function percentiles(times: number[]): Latencies {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: at(50), p99: at(99), count: sorted.length };
}

/**
 * One request after another with sub-millisecond timing: for latencies of requests that should be
 * fast while something else runs, until `until` resolves (and at least `minCount` requests).
 */
export async function probe(
  base: string,
  paths: string[],
  headers: Record<string, string>,
  until: Promise<unknown>,
  minCount = 1,
): Promise<Latencies> {
  let done = false;
  until.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  const times: number[] = [];
  for (let i = 0; !done || times.length < minCount; i++) {
    const started = performance.now();
    const response = await fetch(`${base}${paths[i % paths.length]}`, { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${paths[i % paths.length]} answered ${response.status}`);
    times.push(performance.now() - started);
  }
  return percentiles(times);
}

export type SequentialRequest = { path: string; body?: unknown };
export type SequentialJob = {
  base: string;
  headers: Record<string, string>;
  warmUp: SequentialRequest[];
  measured: SequentialRequest[];
};

/**
 * Requests one after another (a body makes a JSON POST), timed by a client in a small process of its
 * own (./sequential-client.ts): the bench process holds the papers it stored, and its garbage collection
 * and background threads, on the same two cores as the API, landed in the figures (a pasted abstract
 * was embedded 2–3 ms slower in the API with such a process as the client than with curl). The warm-up
 * requests go first, on the same connection, unmeasured.
 */
export async function probeSequential(job: SequentialJob): Promise<Latencies> {
  const client = new URL('./sequential-client.ts', import.meta.url).pathname;
  const running = promisify(execFile)(process.execPath, [client], { maxBuffer: 1e8 });
  running.child.stdin!.end(JSON.stringify(job));
  const { stdout } = await running;
  return percentiles(JSON.parse(stdout) as number[]);
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
