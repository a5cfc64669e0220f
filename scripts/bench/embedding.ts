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

/** Cosine of each pair of unit vectors, summarised. */
function agreement(a: number[][], b: number[][]) {
  const cosines = a.map((x, i) => x.reduce((sum, v, d) => sum + v * b[i]![d]!, 0));
  const mean = cosines.reduce((s, c) => s + c, 0) / cosines.length;
  const min = Math.min(...cosines);
  return { mean, min, text: `cos mean ${mean.toFixed(5)}, min ${min.toFixed(5)}` };
}

/**
 * The onnxruntime-node in use (the newest) against 1.14, the one transformers.js 2.17 brings: the same
 * model file and tokenized inputs, one session of one thread each; vectors compared by cosine. With the
 * int8 model both builds also run the fp32 one, which says whether a disagreement is the int8 kernels'
 * rounding (the fp32 vectors agree, each int8 build is as near them) or a fault of one build.
 */
export async function runtimeRow(config: Config, texts: string[], scratch: string): Promise<BenchRow> {
  const textsFile = path.join(scratch, 'runtime-tokens.json');
  const { tokenizer } = await new TransformersEmbedder(configuredModel(config)).load();
  const tokenized: TokenizedText[] = texts.map((text) => {
    const { inputs } = tokenize(tokenizer, [text]);
    return Object.fromEntries(Object.entries(inputs).map(([name, ids]) => [name, Array.from(ids, Number)]));
  });
  fs.writeFileSync(textsFile, JSON.stringify(tokenized));
  const runIn = (runtime: string, quantized = config.model.quantized) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/bench/runtime-child.ts', runtime, textsFile],
        {
          encoding: 'utf8',
          maxBuffer: 1e9,
          env: { ...process.env, EMBEDDING_QUANTIZED: String(quantized) },
        },
      ),
    ) as { version: string; ms: number; vectors: number[][] };
  const runtimes = ['onnxruntime-node-1.14', 'onnxruntime-node'] as const;
  const runs = runtimes.map((runtime) => runIn(runtime));
  const [older, inUse] = runs.map((run) => run.version);
  const timeOf = runs.map((run) => run.ms);
  const both = agreement(runs[0]!.vectors, runs[1]!.vectors);
  const speed = timeOf[0]! / timeOf[1]!;
  let fp32 = '';
  if (config.model.quantized) {
    const full = runtimes.map((runtime) => runIn(runtime, false).vectors);
    fp32 =
      `; fp32 model: ${older} vs ${inUse} ${agreement(full[0]!, full[1]!).text}, ` +
      `int8 vs fp32: ${older} ${agreement(runs[0]!.vectors, full[0]!).mean.toFixed(5)}, ` +
      `${inUse} ${agreement(runs[1]!.vectors, full[1]!).mean.toFixed(5)} (mean cos)`;
  }
  return {
    figure: `onnxruntime-node ${inUse} (in use, the newest) vs ${older} (transformers.js 2.17's), 1 thread`,
    measured: `${ratio(timeOf[0]!, timeOf[1]!)} speed; ${both.text}${fp32}`,
    reference: `${older}: ${rate(texts.length, timeOf[0]! / 1000)}`,
    target: `in use since ${older} aborted the process when embedding threads were stopped and started again; faster: ${speed > 1 ? 'yes' : 'no'}, cos ≥ 0.999: ${both.min >= 0.999 ? 'yes' : 'no'}`,
  };
}
