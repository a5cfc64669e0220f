import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';

/**
 * Runs in a worker thread (its own event loop, so a busy test process does not distort it): PINGs
 * Redis every few milliseconds and, when asked, reports the slowest answer seen.
 */
const redis = new Redis(workerData.url);
let slowestMs = 0;
let running = true;
parentPort.on('message', () => {
  running = false;
});
await redis.ping();
parentPort.postMessage({ ready: true });
while (running) {
  const started = performance.now();
  await redis.ping();
  slowestMs = Math.max(slowestMs, performance.now() - started);
  await new Promise((resolve) => setTimeout(resolve, 2));
}
redis.disconnect();
parentPort.postMessage({ slowestMs });
