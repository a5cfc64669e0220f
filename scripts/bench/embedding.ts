import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src/config.ts';
import { modelOptions as configuredModel } from '../../src/container.ts';
import { PooledEmbedder } from '../../src/embedding/pooled-embedder.ts';
import { TransformersEmbedder } from '../../src/embedding/transformers-embedder.ts';
import { type BenchRow, ratio, seconds } from './results.ts';

const rate = (n: number, s: number) => `${(n / s).toFixed(1)} docs/s`;

/** Docs/s of the embedding pool on these texts (the reference of the import row). */
export async function poolRate(config: Config, texts: string[]): Promise<number> {
  const pool = new PooledEmbedder({
    ...modelOptions(config, 1),
    threads: config.model.threads,
    queueMax: 1e6,
  });
  await pool.load();
  const s = await seconds(() => pool.embed(texts));
  await pool.close();
  return texts.length / s;
}

/** The configured model, one text per call, with `intraOpThreads` threads per session. */
function modelOptions(config: Config, intraOpThreads: number) {
  return { ...configuredModel(config), batchSize: 1, intraOpThreads };
}

/**
 * The layouts of the model on this machine's cores, on the same texts: one session with one thread
 * (the reference), one session with two, and the pool of one-thread sessions PeerScout runs.
 */
export async function embeddingRows(config: Config, texts: string[]): Promise<BenchRow[]> {
  const one = new TransformersEmbedder(modelOptions(config, 1));
  const oneTwoThreads = new TransformersEmbedder(modelOptions(config, 2));
  for (const e of [one, oneTwoThreads]) await e.embed(texts.slice(0, 2));
  const oneSeconds = await seconds(() => one.embed(texts));
  const twoThreadSeconds = await seconds(() => oneTwoThreads.embed(texts));
  const poolDocs = await poolRate(config, texts);
  const reference = `one session, 1 thread: ${rate(texts.length, oneSeconds)}`;
  return [
    {
      figure: `embed, pool of ${config.model.threads} sessions × 1 thread (${texts.length} abstracts)`,
      measured: `${poolDocs.toFixed(1)} docs/s = ${ratio(poolDocs, texts.length / oneSeconds)}`,
      reference,
      target: '≥ 1.6×',
      met: poolDocs / (texts.length / oneSeconds) >= 1.6,
    },
    {
      figure: 'embed, one session × 2 threads',
      measured: `${rate(texts.length, twoThreadSeconds)} = ${ratio(oneSeconds, twoThreadSeconds)}`,
      reference,
      target: 'reported',
    },
  ];
}

/**
 * The newest onnxruntime-node against the one in use: the same model file and tokenized inputs,
 * one session of one thread each, run alternately; vectors compared by cosine.
 */
export async function runtimeRow(texts: string[], scratch: string): Promise<BenchRow> {
  const textsFile = path.join(scratch, 'runtime-texts.json');
  fs.writeFileSync(textsFile, JSON.stringify(texts));
  const runIn = (runtime: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/bench/runtime-child.ts', runtime, textsFile],
        {
          encoding: 'utf8',
          maxBuffer: 1e9,
        },
      ),
    ) as { version: string; ms: number; vectors: number[][] };
  const runs = [runIn('onnxruntime-node'), runIn('onnxruntime-node-latest')] as const;
  const [inUse, newest] = runs.map((run) => run.version);
  const timeOf = runs.map((run) => run.ms);
  const vectors = runs.map((run) => run.vectors);
  const cosines = vectors[0]!.map((a, i) => a.reduce((sum, x, d) => sum + x * vectors[1]![i]![d]!, 0));
  const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
  const speed = timeOf[0]! / timeOf[1]!;
  return {
    figure: `onnxruntime-node ${newest} (newest) vs ${inUse} (in use), 1 thread`,
    measured: `${ratio(timeOf[0]!, timeOf[1]!)} speed; cos mean ${mean.toFixed(5)}, min ${Math.min(...cosines).toFixed(5)}`,
    reference: `in use: ${rate(texts.length, timeOf[0]! / 1000)}`,
    target: `adopt if faster and cos ≥ 0.999: ${speed > 1 && Math.min(...cosines) >= 0.999 ? 'adopt' : 'keep'}`,
  };
}
