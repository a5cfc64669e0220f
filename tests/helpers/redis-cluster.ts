import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);
/** Redis Cluster nodes talk to each other on their port + 10000 (the cluster bus). */
const BUS_OFFSET = 10_000;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A loopback port whose cluster-bus port is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + BUS_OFFSET)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + BUS_OFFSET))) return port;
  }
}

/**
 * A real Redis Cluster of `masters` masters (no replicas) on loopback, in a temporary folder:
 * `redis-server --cluster-enabled yes` per node, then `redis-cli --cluster create`, ready once every
 * node reports `cluster_state:ok`.
 */
export class RedisClusterProcesses {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerscout-cluster-'));
  readonly ports: number[] = [];
  private readonly children: ChildProcess[] = [];

  constructor(private readonly masters = 3) {}

  /** The cluster as PeerScout's REDIS_URL names it. */
  get url(): string {
    return `redis-cluster://${this.ports.map((port) => `127.0.0.1:${port}`).join(',')}`;
  }

  async start(): Promise<void> {
    const taken = new Set<number>();
    for (let i = 0; i < this.masters; i++) {
      const port = await clusterPort(taken);
      taken.add(port).add(port + BUS_OFFSET);
      this.ports.push(port);
      this.children.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--cluster-node-timeout',
            '2000',
            '--dir',
            this.dir,
            '--save',
            '',
            '--appendonly',
            'no',
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    await Promise.all(
      this.ports.map((port) => this.waitFor(port, async (node) => (await node.ping()) === 'PONG')),
    );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...this.ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await Promise.all(
      this.ports.map((port) =>
        this.waitFor(port, async (node) => (await node.cluster('INFO')).includes('cluster_state:ok')),
      ),
    );
  }

  /** How many keys matching the pattern each master holds, by port. */
  async keysPerMaster(pattern: string): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (const port of this.ports) {
      const node = new Redis(port, '127.0.0.1', { lazyConnect: true });
      try {
        let cursor = '0';
        let count = 0;
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          count += keys.length;
        } while (cursor !== '0');
        counts.set(port, count);
      } finally {
        node.disconnect();
      }
    }
    return counts;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitFor(port: number, ready: (node: Redis) => Promise<boolean>): Promise<void> {
    const node = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    node.on('error', () => undefined);
    try {
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          if (node.status !== 'ready') await node.connect();
          if (await ready(node)) return;
        } catch {
          node.disconnect();
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`Redis Cluster node on port ${port} did not become ready`);
    } finally {
      node.disconnect();
    }
  }
}
