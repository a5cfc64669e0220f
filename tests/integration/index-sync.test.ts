import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContainer } from '../../src/container.ts';
import type { Paper } from '../../src/domain/paper.ts';
import { createLogger } from '../../src/logger.ts';
import {
  cleanUp,
  readSample,
  startTestApp,
  stopTestApp,
  type TestApp,
  testEnvironment,
} from '../helpers/test-env.ts';

const run = promisify(execFile);
const sample = readSample();
const opened: TestApp[] = [];
afterAll(async () => {
  for (const t of opened) await stopTestApp(t);
});

describe('the paper index follows Redis', () => {
  it('when another process imports papers, then the running API finds them without a restart', async () => {
    const t = await startTestApp('index-sync-stream');
    opened.push(t);
    await t.app.inject({ method: 'POST', url: '/v1/papers', payload: { papers: sample.slice(0, 20) } });
    const file = path.join(t.config.dataDir, 'import.jsonl');
    fs.writeFileSync(
      file,
      sample
        .slice(20, 60)
        .map((p) => JSON.stringify(p))
        .join('\n'),
    );

    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', file], {
      env: { ...process.env, ...t.env },
    });
    expect(stdout).toMatch(/imported 40 new/);

    const imported = sample[30]!.id;
    expect(
      (await t.app.inject({ url: `/v1/papers/${imported}/similar?limit=59` })).json().items,
    ).toHaveLength(59);
    const fromApiPaper = await t.app.inject({ url: `/v1/papers/${sample[0]!.id}/similar?limit=59` });
    expect(fromApiPaper.json().items.map((i: { paper: { id: string } }) => i.paper.id)).toContain(imported);
    expect(await t.container.paperIndex.inSync()).toBe(true);
  });

  it('when another process has written changes this index has not applied, then its lag is their age', async () => {
    const t = await startTestApp('index-sync-lag');
    opened.push(t);
    expect(await t.container.paperIndex.lagSeconds()).toBe(0);
    // A second container on the same store writes; this index (no background sync) applies nothing yet.
    const writer = createContainer(t.config, createLogger('warn'));
    try {
      await writer.start({ backgroundSync: false });
      await writer.services.papers.store(sample.slice(0, 8));
    } finally {
      await writer.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lag = await t.container.paperIndex.lagSeconds();
    expect(lag).toBeGreaterThanOrEqual(0.3);
    expect(lag).toBeLessThan(30);
    await t.container.paperIndex.catchUp();
    expect(await t.container.paperIndex.lagSeconds()).toBe(0);
  });

  it('when the index files are deleted, then it is rebuilt from Redis and answers the same', async () => {
    const env = testEnvironment('index-sync-rebuild');
    const config = loadConfig(env);
    const logger = createLogger('warn');
    const queries = [sample[0]!.id, sample[77]!.id, sample[150]!.id];

    const first = createContainer(config, logger);
    await first.start({ backgroundSync: false });
    await first.services.papers.ingest(sample.slice(0, 200));
    const page = { limit: 5, offset: 0 };
    const answers = async (c: typeof first) =>
      Promise.all(
        queries.map(async (id) =>
          (await c.services.papers.similarToPaper(id, { page, filters: {}, excludeSameAuthors: false })).map(
            (s) => s.paper.id,
          ),
        ),
      );
    const expected = await answers(first);
    await first.close(); // saves a snapshot

    const fromSnapshot = createContainer(config, logger);
    expect(await fromSnapshot.start({ backgroundSync: false })).toEqual({ indexRebuilt: false });
    expect(fromSnapshot.paperIndex.index.size).toBe(200);
    expect(await answers(fromSnapshot)).toEqual(expected);
    await fromSnapshot.close();

    fs.rmSync(path.join(config.dataDir, 'index'), { recursive: true, force: true });
    const rebuilt = createContainer(config, logger);
    expect(await rebuilt.start({ backgroundSync: false })).toEqual({ indexRebuilt: true });
    expect(rebuilt.paperIndex.index.size).toBe(200);
    expect(await answers(rebuilt)).toEqual(expected);
    await rebuilt.close();
    await cleanUp(config);
  });

  it('when Redis holds other data than the snapshot was made from, then the snapshot is not used', async () => {
    const env = testEnvironment('index-sync-epoch');
    const config = loadConfig(env);
    const logger = createLogger('warn');
    const first = createContainer(config, logger);
    await first.start({ backgroundSync: false });
    await first.services.papers.ingest(sample.slice(0, 10));
    await first.close();
    // The store is emptied (as a Redis restart without persistence would): a new epoch begins.
    await cleanUp({ ...config, dataDir: path.join(config.dataDir, 'nothing') });

    const second = createContainer(config, logger);
    expect(await second.paperIndex.open()).toEqual({ rebuilt: true });
    expect(second.paperIndex.index.size).toBe(0);
    await second.close();
    await cleanUp(config);
  });

  it('when the API restarts from its snapshots, then papers and researchers can be added, updated and deleted many times', async () => {
    const env = testEnvironment('index-sync-restart-write');
    const config = loadConfig(env);
    const logger = createLogger('warn');
    const base = sample.slice(0, 40);
    const author = base[0]!.authors[0]!;
    const first = createContainer(config, logger);
    await first.start({ backgroundSync: false });
    await first.services.papers.ingest(base);
    await first.close(); // saves both snapshots

    /** A new paper by an existing author: their interest centroids are recomputed on every change. */
    const newPaper = (round: number, abstract: string): Paper => ({
      ...base[0]!,
      id: `restart-new-${round}`,
      abstract,
      authors: [author, { id: `restart-coauthor-${round}`, name: `Coauthor ${round}` }],
    });
    let expectedSize = base.length;
    for (let restart = 0; restart < 3; restart++) {
      const c = createContainer(config, logger);
      expect(await c.start({ backgroundSync: false })).toEqual({ indexRebuilt: false });
      for (let round = restart * 3; round < restart * 3 + 3; round++) {
        await c.services.papers.ingest([newPaper(round, `Round ${round}: ${base[round]!.abstract}`)]);
        await c.services.papers.ingest([newPaper(round, `Updated ${round}: ${base[round + 1]!.abstract}`)]);
        await c.services.papers.ingest([
          { ...base[round + 1]!, abstract: `${base[round + 1]!.abstract} (v${round})` },
        ]);
        await c.services.papers.delete(`restart-new-${round}`);
        await c.services.papers.ingest([newPaper(round, `Again ${round}: ${base[round + 2]!.abstract}`)]);
        expectedSize += 1;
      }
      expect(c.paperIndex.index.size).toBe(expectedSize);
      expect(await c.repositories.papers.count()).toBe(expectedSize);
      expect(c.researcherIndex.interestsOf(author.id)).not.toBeNull();
      const similar = await c.services.papers.similarToPaper(base[0]!.id, {
        page: { limit: 5, offset: 0 },
        filters: {},
        excludeSameAuthors: false,
      });
      expect(similar).toHaveLength(5);
      await c.close();
    }

    // What the restarted indexes hold equals what a rebuild from Redis holds.
    const restarted = createContainer(config, logger);
    await restarted.start({ backgroundSync: false });
    const centroidsAfterRestarts = restarted.researcherIndex.centroids.size;
    await restarted.close();
    fs.rmSync(path.join(config.dataDir, 'index'), { recursive: true, force: true });
    const rebuilt = createContainer(config, logger);
    expect(await rebuilt.start({ backgroundSync: false })).toEqual({ indexRebuilt: true });
    expect(rebuilt.paperIndex.index.size).toBe(expectedSize);
    expect(rebuilt.researcherIndex.centroids.size).toBe(centroidsAfterRestarts);
    await rebuilt.close();
    await cleanUp(config);
  });

  it('when a snapshot file is damaged, then the index is rebuilt from Redis instead of failing to start', async () => {
    const env = testEnvironment('index-sync-damaged');
    const config = loadConfig(env);
    const logger = createLogger('warn');
    const first = createContainer(config, logger);
    await first.start({ backgroundSync: false });
    await first.services.papers.ingest(sample.slice(0, 15));
    await first.close();
    for (const kind of ['papers', 'researchers']) {
      const dir = path.join(config.dataDir, 'index', config.keyPrefix, kind);
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.bin'))) {
        fs.writeFileSync(path.join(dir, file), 'not an index');
      }
    }
    const second = createContainer(config, logger);
    expect(await second.start({ backgroundSync: false })).toEqual({ indexRebuilt: true });
    expect(second.paperIndex.index.size).toBe(15);
    await second.services.papers.ingest([{ ...sample[0]!, abstract: `${sample[0]!.abstract} again` }]);
    expect(second.researcherIndex.interestsOf(sample[0]!.authors[0]!.id)).not.toBeNull();
    await second.close();
    await cleanUp(config);
  });
});
