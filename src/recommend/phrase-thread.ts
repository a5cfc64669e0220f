import { lowerThreadPriority } from '../thread-priority.ts';
import { type PhraseSource, paperPhrases } from './key-phrases.ts';

/**
 * Runs in the API's phrase thread: tags papers' parts of speech for their key phrases, which takes
 * 0.4–0.7 ms a paper here, so an ingest's tagging never holds the event loop that serves requests.
 */
lowerThreadPriority('besideRequests');

export default function tagPapers(task: { papers: PhraseSource[] }): string[][] {
  return task.papers.map(paperPhrases);
}
