import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VectorIndex } from '../../src/vector/vector-index.ts';

const settings = { m: 16, efConstruction: 100, efSearch: 20 };

/** Deterministic pseudo-random unit vectors. */
function vectors(count: number, dim: number, seed = 1): Float32Array[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: dim }, next));
}

function exactTop(
  all: Float32Array[],
  query: Float32Array,
  k: number,
  keep: (i: number) => boolean,
): number[] {
  const cos = (a: Float32Array, b: Float32Array) => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * b[i]!;
      na += a[i]! * a[i]!;
      nb += b[i]! * b[i]!;
    }
    return dot / Math.sqrt(na * nb);
  };
  return all
    .map((v, i) => ({ i, s: cos(v, query) }))
    .filter(({ i }) => keep(i))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map(({ i }) => i);
}

describe('vector index', () => {
  const data = vectors(3000, 16);
  const build = () => {
    const index = new VectorIndex<{ year: number }>(16, settings);
    for (const [i, v] of data.entries()) index.upsert(`p${i}`, v, { year: 2000 + (i % 20) });
    return index;
  };

  it('grows past its initial capacity and finds an item as its own nearest neighbour', () => {
    const index = build();
    expect(index.size).toBe(3000);
    expect(index.search(data[2500]!, 1)[0]).toMatchObject({ id: 'p2500' });
    expect(index.search(data[2500]!, 1)[0]!.score).toBeCloseTo(1, 5);
  });

  it('returns a full page for a selective filter, exactly ranked', () => {
    const index = build();
    // 150 of 3000 items match: answered exactly.
    const hits = index.search(data[0]!, 10, (_id, meta) => meta.year === 2003);
    expect(hits).toHaveLength(10);
    const expected = exactTop(data, data[0]!, 10, (i) => i % 20 === 3).map((i) => `p${i}`);
    expect(hits.map((h) => h.id)).toEqual(expected);
  });

  it('returns a full page for a broad filter through HNSW', () => {
    const index = build();
    const hits = index.search(data[0]!, 50, (_id, meta) => meta.year !== 2003);
    expect(hits).toHaveLength(50);
    expect(hits.every((h) => Number(h.id.slice(1)) % 20 !== 3)).toBe(true);
  });

  it('does not run a broad filter over every item (similar-by-id always filters out the paper itself)', () => {
    const index = build();
    let calls = 0;
    const hits = index.search(data[0]!, 10, (id) => {
      calls += 1;
      return id !== 'p0';
    });
    expect(hits.map((h) => h.id)).not.toContain('p0');
    expect(hits).toHaveLength(10);
    expect(calls).toBeLessThan(data.length / 2);
  });

  it('when a broad filter leaves out exactly the nearest items, then the page is still full and near the exact answer', () => {
    const index = build();
    const nearest = new Set(exactTop(data, data[0]!, 120, () => true).map((i) => `p${i}`));
    const hits = index.search(data[0]!, 10, (id) => !nearest.has(id));
    expect(hits).toHaveLength(10);
    for (const hit of hits) expect(nearest.has(hit.id)).toBe(false);
    const exact = exactTop(data, data[0]!, 10, (i) => !nearest.has(`p${i}`)).map((i) => `p${i}`);
    expect(hits.filter((h) => exact.includes(h.id)).length).toBeGreaterThanOrEqual(8);
  });

  it('answers a very selective filter exactly although it only samples to estimate selectivity', () => {
    const index = build();
    // 12 of 3000 items match: too few for a 512-item sample to count reliably.
    const keep = (i: number) => i % 250 === 1;
    const hits = index.search(data[0]!, 10, (id) => keep(Number(id.slice(1))));
    expect(hits.map((h) => h.id)).toEqual(exactTop(data, data[0]!, 10, keep).map((i) => `p${i}`));
  });

  it('never returns removed items, and revives an item that is added again', () => {
    const index = build();
    expect(index.remove('p7')).toBe(true);
    expect(index.remove('p7')).toBe(false);
    expect(index.search(data[7]!, 5).map((h) => h.id)).not.toContain('p7');
    expect(index.size).toBe(2999);
    index.upsert('p7', data[7]!, { year: 1999 });
    expect(index.search(data[7]!, 1)[0]!.id).toBe('p7');
    expect(index.metaOf('p7')).toEqual({ year: 1999 });
  });

  it('answers the same after a save and a load', async () => {
    const index = build();
    index.remove('p11');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vector-index-'));
    await index.save(dir, { marker: 42 });
    const loaded = new VectorIndex<{ year: number }>(16, settings);
    expect(await loaded.load(dir)).toEqual({ marker: 42 });
    expect(loaded.size).toBe(2999);
    for (const q of [0, 5, 11, 999]) {
      expect(loaded.search(data[q]!, 10).map((h) => h.id)).toEqual(
        index.search(data[q]!, 10).map((h) => h.id),
      );
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a snapshot is loaded, then removed items can be added again and updated, many times', async () => {
    const index = build();
    for (const i of [3, 4, 5]) index.remove(`p${i}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vector-index-'));
    await index.save(dir, null);
    const loaded = new VectorIndex<{ year: number }>(16, settings);
    await loaded.load(dir);
    for (let round = 0; round < 5; round++) {
      for (const i of [3, 4, 5, 6]) {
        loaded.upsert(`p${i}`, data[(i + round) % data.length]!, { year: 2100 + round });
        loaded.remove(`p${i}`);
        loaded.upsert(`p${i}`, data[i]!, { year: 2000 + round });
      }
      loaded.upsert(`new${round}`, data[round]!, { year: 1990 });
    }
    expect(loaded.size).toBe(3005);
    expect(loaded.search(data[4]!, 1)[0]!.id).toBe('p4');
    expect(loaded.metaOf('p5')).toEqual({ year: 2004 });
    // And once more through a second save and load.
    await loaded.save(dir, null);
    const again = new VectorIndex<{ year: number }>(16, settings);
    await again.load(dir);
    again.remove('p6');
    again.upsert('p6', data[6]!, { year: 1 });
    expect(again.search(data[6]!, 1)[0]!.id).toBe('p6');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when another running process saves the same folder, then a save leaves its snapshot, and removes its own older ones and those of ended processes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vector-index-'));
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'vector-index-'));
    const ended = spawnSync('true').pid!;
    const running = spawn('sleep', ['30']);
    try {
      const snapshotOf = (token: string) => [`index-${token}.bin`, `index-${token}.json`];
      const others = { ownOlder: `1000-${process.pid}`, ended: `1001-${ended}` };
      for (const token of Object.values(others))
        for (const file of snapshotOf(token)) fs.writeFileSync(path.join(dir, file), 'x');
      // The running process's snapshot, written but not yet made `current` when this process saves.
      await build().save(elsewhere, { marker: 'running' });
      const written = fs.readFileSync(path.join(elsewhere, 'current'), 'utf8');
      const runningToken = `1002-${running.pid}`;
      for (const [i, file] of snapshotOf(written).entries())
        fs.renameSync(path.join(elsewhere, file), path.join(dir, snapshotOf(runningToken)[i]!));

      await build().save(dir, { marker: 'this' });
      const own = fs.readFileSync(path.join(dir, 'current'), 'utf8');
      expect(fs.readdirSync(dir).sort()).toEqual(
        ['current', ...snapshotOf(runningToken), ...snapshotOf(own)].sort(),
      );
      // Its rename lands after this save: what `current` then names is whole.
      fs.writeFileSync(path.join(dir, 'current'), runningToken);
      expect(await new VectorIndex(16, settings).load(dir)).toEqual({ marker: 'running' });
    } finally {
      running.kill();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('reports no snapshot in an empty folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vector-index-'));
    const index = new VectorIndex(16, settings);
    expect(await index.load(dir)).toBeNull();
    expect(index.loadProblem).toBe('no snapshot (ENOENT)');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a snapshot cannot be used, then load says why: an unreadable sidecar, or files that disagree', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vector-index-'));
    await build().save(dir, { marker: 7 });
    const token = fs.readFileSync(path.join(dir, 'current'), 'utf8');
    const sidecarFile = path.join(dir, `index-${token}.json`);
    const sidecar = JSON.parse(fs.readFileSync(sidecarFile, 'utf8'));
    const index = new VectorIndex(16, settings);

    fs.writeFileSync(sidecarFile, JSON.stringify({ ...sidecar, ids: sidecar.ids.slice(1) }));
    expect(await index.load(dir)).toBeNull();
    expect(index.loadProblem).toBe(`snapshot ${token}: its HNSW file holds 3000 points, its ids 2999`);

    fs.writeFileSync(sidecarFile, '{"version":2,');
    expect(await index.load(dir)).toBeNull();
    expect(index.loadProblem).toMatch(new RegExp(`^snapshot ${token} unreadable: .*JSON`));

    fs.writeFileSync(sidecarFile, JSON.stringify(sidecar));
    expect(await index.load(dir)).toEqual({ marker: 7 });
    expect(index.loadProblem).toBeNull();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('survives a filter that throws by treating the item as filtered out', () => {
    const index = build();
    const hits = index.search(data[0]!, 5, (id) => {
      if (id === 'p0') throw new Error('boom');
      return true;
    });
    expect(hits.map((h) => h.id)).not.toContain('p0');
    expect(hits).toHaveLength(5);
  });
});
