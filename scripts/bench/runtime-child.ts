// One onnxruntime-node build embedding the bench's texts, in a process of its own: two builds loaded
// into one process share symbols and corrupt each other's heap (the bench crashed later with "double
// free or corruption"). Prints { version, ms, vectors } as JSON. Usage: runtime-child.ts <package> <texts.json>
import fs from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env } from '@xenova/transformers';
import type ort from 'onnxruntime-node';
import { loadConfig } from '../../src/config.ts';
import { meanPoolNormalized } from '../../src/embedding/pooling.ts';

const [runtimeName, textsFile] = process.argv.slice(2) as [string, string];
const config = loadConfig();
const loaded = (await import(runtimeName)) as { default?: typeof ort };
const runtime = loaded.default ?? (loaded as unknown as typeof ort);
const version = (await import(`${runtimeName}/package.json`, { with: { type: 'json' } })).default
  .version as string;
const texts = JSON.parse(fs.readFileSync(textsFile, 'utf8')) as string[];

env.allowRemoteModels = false;
env.localModelPath = `${config.model.dir}/`;
const tokenizer = await AutoTokenizer.from_pretrained(config.model.name);
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
const embed = async (text: string) => {
  const inputs = tokenizer([text], { padding: true, truncation: true });
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    feeds[name] = new runtime.Tensor('int64', inputs[name].data as BigInt64Array, inputs[name].dims);
  }
  const hidden = (await session.run(feeds)).last_hidden_state!;
  const [b, s, d] = hidden.dims as [number, number, number];
  return meanPoolNormalized(hidden.data as Float32Array, inputs.attention_mask.data, b, s, d)[0]!;
};

await embed(texts[0]!);
const vectors: number[][] = [];
const started = performance.now();
for (const text of texts) vectors.push(Array.from(await embed(text)));
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ version, ms, vectors }));
