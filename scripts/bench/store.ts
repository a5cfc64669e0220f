import seedrandom from 'seedrandom';
import type { Container } from '../../src/container.ts';
import type { Paper } from '../../src/domain/paper.ts';
import type { Embedder } from '../../src/embedding/embedder.ts';
import { l2Normalize } from '../../src/embedding/pooling.ts';
import { readPaperFile } from '../../src/importing/paper-file.ts';
import { papersPhrases } from '../../src/recommend/key-phrases.ts';
import { PapersService } from '../../src/services/papers-service.ts';

/** Marks a copied paper's title; the copy's vector is its original's, perturbed. */
const COPY_MARK = ' [bench copy]';
/**
 * Per-dimension noise of a copy's vector: |noise| ≈ 0.017·√384 ≈ 0.33, so a copy sits at cosine ≈ 0.95
 * from its original, closer than almost any real pair of papers.
 */
const COPY_NOISE = 0.017;

/** The store's embedder, except that a marked copy gets its original's vector plus seeded noise. */
class CopyingEmbedder implements Embedder {
  readonly dimension: number;
  readonly modelVersion: string;
  constructor(private readonly inner: Embedder) {
    this.dimension = inner.dimension;
    this.modelVersion = inner.modelVersion;
  }
  async embed(texts: string[]): Promise<Float32Array[]> {
    const vectors = await this.inner.embed(texts.map((text) => text.replace(COPY_MARK, '')));
    return vectors.map((vector, i) => {
      if (!texts[i]!.includes(COPY_MARK)) return vector;
      const random = seedrandom(texts[i]!);
      const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return l2Normalize(vector.map((x) => x + COPY_NOISE * gaussian()));
    });
  }
}

/** A copy with new paper and author ids: a second, disconnected co-author graph over the same topics. */
export function copyOf(paper: Paper): Paper {
  return {
    ...paper,
    id: `${paper.id}~copy`,
    title: `${paper.title}${COPY_MARK}`,
    authors: paper.authors.map((author) => ({ ...author, id: `${author.id}~copy` })),
  };
}

/**
 * Fills the store with `target` papers: the file's real papers, then copies of them (see copyOf)
 * until the target is reached. Vectors come from the embedding cache when it is warm.
 */
export async function fillStore(
  container: Container,
  file: string,
  target: number,
  onProgress: (stored: number) => void,
): Promise<{ real: number; copies: number }> {
  const papers = new PapersService({
    papers: container.repositories.papers,
    citations: container.repositories.citations,
    embedder: new CopyingEmbedder(container.embedder),
    phrases: papersPhrases,
    index: container.paperSearch,
    maxPapersPerRequest: Number.POSITIVE_INFINITY,
    maxAuthorsPerPaper: container.config.limits.maxAuthorsPerPaper,
  });
  let real = 0;
  let copies = 0;
  let batch: Paper[] = [];
  const flush = async () => {
    await papers.store(batch);
    batch = [];
    onProgress(real + copies);
  };
  for (const copying of [false, true]) {
    for await (const line of readPaperFile(file, container.config.limits)) {
      if (real + copies >= target) break;
      if (!line.ok) continue;
      batch.push(copying ? copyOf(line.paper) : line.paper);
      if (copying) copies += 1;
      else real += 1;
      if (batch.length === 512) await flush();
    }
  }
  await flush();
  return { real, copies };
}
