import { text } from 'node:stream/consumers';
import type { SequentialJob, SequentialRequest } from './http.ts';

/**
 * The client of probeSequential (./http.ts), in a process of its own: reads a SequentialJob on stdin,
 * makes the warm-up requests, then times the measured ones and writes their times (ms) as JSON on stdout.
 */

const job = JSON.parse(await text(process.stdin)) as SequentialJob;
const prepared = ({ path, body }: SequentialRequest) => ({
  url: `${job.base}${path}`,
  init:
    body === undefined
      ? { headers: job.headers }
      : {
          method: 'POST',
          headers: { ...job.headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
});
const send = async ({ url, init }: ReturnType<typeof prepared>) => {
  const response = await fetch(url, init);
  const body = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 300)}`);
};
for (const request of job.warmUp) await send(prepared(request));
const times: number[] = [];
for (const request of job.measured.map(prepared)) {
  const started = performance.now();
  await send(request);
  times.push(performance.now() - started);
}
process.stdout.write(JSON.stringify(times));
