// One onnxruntime-node build embedding the bench's texts, in a process of its own that loads nothing
// else of onnxruntime: two builds loaded into one process share symbols and corrupt each other's heap,
// and transformers.js would bring a build of its own. The parent tokenizes; this runs the model.
// Prints { version, ms, vectors } as JSON. Usage: runtime-child.ts <package> <tokenized.json>
import fs from 'node:fs';
import path from 'node:path';
import type ort from 'onnxruntime-node';
import { loadConfig } from '../../src/config.ts';
import { meanPoolNormalized } from '../../src/embedding/pooling.ts';

/** One text's token ids, attention mask and token types, as the tokenizer gave them. */
export type TokenizedText = Record<string, number[]>;

const [runtimeName, tokenizedFile] = process.argv.slice(2) as [string, string];
const config = loadConfig();
const loaded = (await import(runtimeName)) as { default?: typeof ort };
const runtime = loaded.default ?? (loaded as unknown as typeof ort);
const version = (await import(`${runtimeName}/package.json`, { with: { type: 'json' } })).default
  .version as string;
const tokenized = JSON.parse(fs.readFileSync(tokenizedFile, 'utf8')) as TokenizedText[];

const file = path.join(
  config.model.dir,
  config.model.name,
  'onnx',
  config.model.quantized ? 'model_quantized.onnx' : 'model.onnx',
);
const session = await runtime.InferenceSession.create(file, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});
const embed = async (text: TokenizedText) => {
  const tokens = text.input_ids!.length;
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    feeds[name] = new runtime.Tensor('int64', BigInt64Array.from(text[name]!, BigInt), [1, tokens]);
  }
  const hidden = (await session.run(feeds)).last_hidden_state!;
  const [b, s, d] = hidden.dims as [number, number, number];
  return meanPoolNormalized(hidden.data as Float32Array, text.attention_mask!, b, s, d)[0]!;
};

await embed(tokenized[0]!);
const vectors: number[][] = [];
const started = performance.now();
for (const text of tokenized) vectors.push(Array.from(await embed(text)));
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ version, ms, vectors }));
