import { loadConfig } from '../../src/config.ts';
import { ensureModel } from '../../src/embedding/model-setup.ts';

/** The model files must exist before any test file loads them. */
export default async function setup(): Promise<void> {
  const config = loadConfig({});
  await ensureModel(config.model.dir, config.model.name);
}
