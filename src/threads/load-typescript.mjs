// A worker thread's entry: makes TypeScript importable in this thread (tsx), then loads the module
// named by workerData.module and hands its default export to Piscina as the task handler.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const loaded = await import(workerData.module);
export default loaded.default;
