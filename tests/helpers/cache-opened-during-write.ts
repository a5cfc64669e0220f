// Opens a second embedding cache on a folder while the first one's write of a new vector is under way
// (the write starts on the next turn of the event loop, and its callback waits for this thread), as a
// test or a process holding two containers does; prints "caches done" when it gets through.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { modelOptions } from '../../src/container.ts';
import { CachedEmbedder } from '../../src/embedding/cached-embedder.ts';
import { TransformersEmbedder } from '../../src/embedding/transformers-embedder.ts';

const model = new TransformersEmbedder(modelOptions(loadConfig()));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerscout-cache-during-write-'));
try {
  for (let round = 0; round < Number(process.argv[2]); round++) {
    const first = new CachedEmbedder(model, dir);
    await first.embed([`a text of round ${round}`]);
    await new Promise((resolve) => setImmediate(resolve));
    const second = new CachedEmbedder(model, dir);
    const [again] = await second.embed([`a text of round ${round}`]);
    if (again?.length !== model.dimension) throw new Error(`round ${round}: no vector`);
    await first.close();
    await second.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log('caches done');
