import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src/config.ts';
import { modelOptions as configuredModel } from '../../src/container.ts';
import { PooledEmbedder } from '../../src/embedding/pooled-embedder.ts';
import { TransformersEmbedder, tokenize } from '../../src/embedding/transformers-embedder.ts';
import { type BenchRow, ratio, seconds } from './results.ts';
import type { TokenizedText } from './runtime-child.ts';

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
 * The onnxruntime-node in use (the newest) against 1.14, the one transformers.js 2.17 brings: the same
 * model file and tokenized inputs, one session of one thread each; vectors compared by cosine.
 */
export async function runtimeRow(config: Config, texts: string[], scratch: string): Promise<BenchRow> {
  const textsFile = path.join(scratch, 'runtime-tokens.json');
  const { tokenizer } = await new TransformersEmbedder(configuredModel(config)).load();
  const tokenized: TokenizedText[] = texts.map((text) => {
    const { inputs } = tokenize(tokenizer, [text]);
    return Object.fromEntries(Object.entries(inputs).map(([name, ids]) => [name, Array.from(ids, Number)]));
  });
  fs.writeFileSync(textsFile, JSON.stringify(tokenized));
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
  const runs = [runIn('onnxruntime-node-1.14'), runIn('onnxruntime-node')] as const;
  const [older, inUse] = runs.map((run) => run.version);
  const timeOf = runs.map((run) => run.ms);
  const vectors = runs.map((run) => run.vectors);
  const cosines = vectors[0]!.map((a, i) => a.reduce((sum, x, d) => sum + x * vectors[1]![i]![d]!, 0));
  const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
  const speed = timeOf[0]! / timeOf[1]!;
  return {
    figure: `onnxruntime-node ${inUse} (in use, the newest) vs ${older} (transformers.js 2.17's), 1 thread`,
    measured: `${ratio(timeOf[0]!, timeOf[1]!)} speed; cos mean ${mean.toFixed(5)}, min ${Math.min(...cosines).toFixed(5)}`,
    reference: `${older}: ${rate(texts.length, timeOf[0]! / 1000)}`,
    target: `in use since ${older} aborted the process when embedding threads were stopped and started again; faster: ${speed > 1 ? 'yes' : 'no'}, cos ≥ 0.999: ${Math.min(...cosines) >= 0.999 ? 'yes' : 'no'}`,
  };
}
