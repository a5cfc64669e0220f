import { loadConfig } from '../src/config.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';

const config = loadConfig();
const started = Date.now();
const result = await ensureModel(config.model.dir, config.model.name);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  result.generated
    ? `model: wrote ${result.modelPath} in ${seconds}s`
    : `model: ${result.modelPath} is up to date`,
);
