import fs from 'node:fs';
import os from 'node:os';

/** Linux gives utime and stime in clock ticks of USER_HZ, which is 100 on every common build. */
const TICKS_PER_SECOND = 100;

/** A process on this machine whose CPU time a load test accounts for. */
export type MeasuredProcess = { name: string; pid: number };

/** What a run cost in CPU, per request, by process (this one included: the load generator). */
export type CpuPerRequest = { byProcess: { name: string; ms: number }[]; totalMs: number; cores: number };

/** CPU time (ms, every thread) a process has used so far, from /proc; null where it cannot be read. */
function cpuMsOf(pid: number): number | null {
  try {
    // Fields after the command name: state is field 3, utime and stime are fields 14 and 15.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The local Redis server's process: the process_id of its INFO server reply, when that runs on this machine. */
export function localRedisProcess(serverInfo: string): MeasuredProcess | null {
  const pid = Number(/process_id:(\d+)/.exec(serverInfo)?.[1]);
  if (!pid) return null;
  try {
    // A Redis in a container or on another host has a pid that is not its own here.
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('redis') ? { name: 'Redis', pid } : null;
  } catch {
    return null;
  }
}

/**
 * Runs a load test and charges the CPU time every listed process (and this process, which generates the
 * load) used meanwhile to the requests it made. With all of them on this machine the sum bounds what it
 * can serve: at most cores / (CPU per request) requests per second, and with n requests in flight a mean
 * latency of at least n × (CPU per request) / cores.
 */
export async function withCpuPerRequest<T>(
  processes: MeasuredProcess[],
  run: () => Promise<T>,
  requestsOf: (result: T) => number,
): Promise<{ result: T; cpu: CpuPerRequest | null }> {
  // Processes whose /proc cannot be read (another host, a container) are left out.
  const readable = processes.flatMap((p) => {
    const ms = cpuMsOf(p.pid);
    return ms === null ? [] : [{ ...p, before: ms }];
  });
  const ownBefore = process.cpuUsage();
  const result = await run();
  const own = process.cpuUsage(ownBefore);
  const requests = requestsOf(result);
  if (requests <= 0) return { result, cpu: null };
  const byProcess = [
    ...readable.map((p) => ({ name: p.name, ms: ((cpuMsOf(p.pid) ?? p.before) - p.before) / requests })),
    { name: 'load generator', ms: (own.user + own.system) / 1000 / requests },
  ];
  const totalMs = byProcess.reduce((sum, p) => sum + p.ms, 0);
  return { result, cpu: { byProcess, totalMs, cores: os.availableParallelism() } };
}

/** "CPU 0.61 ms a request (API 0.45, Redis 0.06, load generator 0.10): ≤ 3279 req/s on 2 cores". */
export function describeCpu(cpu: CpuPerRequest): string {
  const parts = cpu.byProcess.map((p) => `${p.name} ${p.ms.toFixed(3)}`).join(', ');
  const ceiling = (cpu.cores * 1000) / cpu.totalMs;
  return `CPU ${cpu.totalMs.toFixed(3)} ms a request (${parts}): ≤ ${ceiling.toFixed(0)} req/s on ${cpu.cores} cores`;
}
