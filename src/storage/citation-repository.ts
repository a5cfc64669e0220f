import type { CitationLinks } from '../domain/references.ts';
import type { Keys } from './keys.ts';
import { pipelined, type Redis } from './redis.ts';

export type CitationDirection = 'cites' | 'citedBy';

/**
 * Reads the citation links that the paper scripts write (paper-scripts.ts): both directions are kept
 * as sorted sets scored by the other paper's year, so pages come newest first.
 */
export class CitationRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private key(direction: CitationDirection, id: string): string {
    return direction === 'cites' ? this.keys.cites(id) : this.keys.citedBy(id);
  }

  /** Both directions of each paper's links (empty for a paper without any, or not stored). */
  async links(ids: string[]): Promise<CitationLinks[]> {
    const replies = await pipelined<string, string[]>(
      this.redis,
      ids.flatMap((id) => [this.keys.cites(id), this.keys.citedBy(id)]),
      (p, key) => p.zrange(key, 0, -1),
    );
    return ids.map((_, i) => ({ cites: replies[2 * i]!, citedBy: replies[2 * i + 1]! }));
  }

  /** The papers each paper cites. */
  cited(ids: string[]): Promise<string[][]> {
    return pipelined(this.redis, ids, (p, id) => p.zrange(this.keys.cites(id), 0, -1));
  }

  /** One page of a paper's references (cites) or citations (citedBy), newest first, with the total. */
  async page(
    direction: CitationDirection,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ ids: string[]; total: number }> {
    const key = this.key(direction, id);
    const [ids, total] = await Promise.all([
      this.redis.zrevrange(key, offset, offset + limit - 1),
      this.redis.zcard(key),
    ]);
    return { ids, total };
  }

  /** How many stored papers each paper cites and how many cite it. */
  async counts(ids: string[]): Promise<{ references: number; citations: number }[]> {
    const replies = await pipelined<string, number>(
      this.redis,
      ids.flatMap((id) => [this.keys.cites(id), this.keys.citedBy(id)]),
      (p, key) => p.zcard(key),
    );
    return ids.map((_, i) => ({ references: replies[2 * i]!, citations: replies[2 * i + 1]! }));
  }
}
