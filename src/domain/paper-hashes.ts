import { createHash } from 'node:crypto';
import type { Paper } from './paper.ts';
import { paperText } from './paper.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * textHash identifies what is embedded (so an unchanged text is never embedded again); contentHash
 * identifies the whole stored record under one model and one version of the stored key phrases, so
 * re-importing an unchanged paper writes nothing.
 */
export function paperHashes(
  paper: Paper,
  modelVersion: string,
  phrasesVersion: string,
): { textHash: string; contentHash: string } {
  const textHash = sha256(`${modelVersion}\n${paperText(paper.title, paper.abstract)}`);
  const contentHash = sha256(`${textHash}\n${phrasesVersion}\n${JSON.stringify(paper)}`);
  return { textHash, contentHash };
}
