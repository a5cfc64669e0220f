import { paperPhrases } from '../recommend/key-phrases.ts';
import { lowerThreadPriority } from '../thread-priority.ts';

/**
 * Runs in a phrase thread: part-of-speech tagging and noun-phrase chunking (≈ 3 ms a paper), which
 * would otherwise hold the API's event loop for most of a second on a 256-paper ingest.
 */
lowerThreadPriority();

export default function phrases(task: {
  papers: { title: string; abstract: string; keywords?: string[] }[];
}) {
  return task.papers.map(paperPhrases);
}
