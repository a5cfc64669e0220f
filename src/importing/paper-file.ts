import { createReadStream } from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MAX_LISTED_AUTHORS, type Paper, paperInputSchema, papersOverAuthorLimit } from '../domain/paper.ts';

export type PaperLine =
  | { lineNumber: number; ok: true; paper: Paper }
  | { lineNumber: number; ok: false; reason: string };

function openText(file: string): Readable {
  const raw = createReadStream(file);
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

/** Reads a JSONL (optionally gzipped) file line by line, without loading it whole. */
async function* lines(file: string): AsyncGenerator<{ lineNumber: number; text: string }> {
  const reader = readline.createInterface({ input: openText(file), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  for await (const text of reader) {
    lineNumber += 1;
    if (text.trim().length > 0) yield { lineNumber, text };
  }
}

export async function countPaperLines(file: string): Promise<number> {
  let count = 0;
  for await (const _ of lines(file)) count += 1;
  return count;
}

/** Each non-empty line as a validated paper, or the reason it was rejected (the store's author cap included). */
export async function* readPaperFile(
  file: string,
  limits = { maxAuthorsPerPaper: MAX_LISTED_AUTHORS },
): AsyncGenerator<PaperLine> {
  for await (const { lineNumber, text } of lines(file)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      yield { lineNumber, ok: false, reason: `not JSON: ${(error as Error).message}` };
      continue;
    }
    const parsed = paperInputSchema.safeParse(json);
    if (parsed.success && papersOverAuthorLimit([parsed.data], limits.maxAuthorsPerPaper).length > 0) {
      const reason = `authors: at most ${limits.maxAuthorsPerPaper} per paper (MAX_AUTHORS_PER_PAPER)`;
      yield { lineNumber, ok: false, reason };
    } else if (parsed.success) {
      yield { lineNumber, ok: true, paper: parsed.data };
    } else {
      const reason = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`)
        .join('; ');
      yield { lineNumber, ok: false, reason };
    }
  }
}
