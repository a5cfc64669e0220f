import { type PaperMeta, venueParts } from '../domain/paper-filters.ts';

/** A researcher's papers and co-authors of the last few years (see ResearchGraph.recentActivity). */
export type RecentActivity = { papers: number; coauthors: number };

/** The sum of the squared counts of a venue profile (venueCounts): its squared norm. */
export function squaredNorm(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const count of counts.values()) sum += count * count;
  return sum;
}

/**
 * Joint papers, the year of the latest, how strong the tie is (see `paperTieWeight`), and whether the
 * two accepted to collaborate through PeerScout.
 */
export type CoauthorEdge = { count: number; latestYear: number; strength: number; accepted?: boolean };

/**
 * Half-life of a joint paper's weight in a tie's strength: that of the interest profiles
 * (RECENCY_HALF_LIFE_YEARS), kept here because the graph layer does not depend on the vector one.
 */
const TIE_HALF_LIFE_YEARS = 4;
const TIE_EPOCH_YEAR = 2020;
/**
 * Tie weights are whole multiples of 2^-30 (at the epoch year), so sums do not depend on the order of
 * papers; a tie stays exact below 2^53, some eight thousand joint papers of 2060.
 */
const TIE_UNIT = 2 ** 30;

/**
 * What one joint paper adds to the strength of each co-author tie on it: 1/(authors − 1), as in
 * Newman's collaboration networks (a two-author paper ties the pair fully, one of fifty authors
 * barely), grown by half every TIE_HALF_LIFE_YEARS so that newer papers weigh more. Kept as an integer
 * (a fixed point at TIE_EPOCH_YEAR): a graph built from the same papers in any order holds the same
 * sums, and two processes rank alike. `tieStrength` reads a tie as of a reference year.
 */
export function paperTieWeight(year: number, authors: number): number {
  const grown = 2 ** ((year - TIE_EPOCH_YEAR) / TIE_HALF_LIFE_YEARS) / Math.max(1, authors - 1);
  return Math.max(1, Math.round(grown * TIE_UNIT));
}

/**
 * The strength of a tie as of `referenceYear`: the sum over joint papers of 1/(authors − 1), each
 * halved per TIE_HALF_LIFE_YEARS before the reference year (a recent two-author paper is 1).
 */
export function tieStrength(edge: CoauthorEdge, referenceYear: number): number {
  return edge.strength * tieStrengthScale(referenceYear);
}

/** What `CoauthorEdge.strength` is multiplied by to give `tieStrength` as of the reference year. */
export function tieStrengthScale(referenceYear: number): number {
  return 0.5 ** ((referenceYear - TIE_EPOCH_YEAR) / TIE_HALF_LIFE_YEARS) / TIE_UNIT;
}

/**
 * The co-authorship graph and each researcher's papers, held in memory and derived from paper
 * metadata (the paper index's), so graph measures run without Redis round trips.
 */
/** Orders ids by their code units, the same everywhere (localeCompare is not). */
export const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class ResearchGraph {
  private readonly papers = new Map<string, PaperMeta>();
  private readonly papersByResearcher = new Map<string, Set<string>>();
  private readonly edges = new Map<string, Map<string, CoauthorEdge>>();
  /**
   * Each researcher's papers in id order and newest first, worked out when first asked and dropped when
   * their papers change: a suggestion request reads them for hundreds of candidates.
   */
  private readonly orders = new Map<
    string,
    {
      byId: readonly string[];
      newestFirst: readonly string[];
      venues?: ReadonlyMap<string, number>;
      /** The sum of the squared venue counts. */
      venueSquares?: number;
      activity?: { referenceYear: number; years: number; counts: RecentActivity };
    }
  >();
  private newestYear = 0;

  static fromPapers(entries: Iterable<{ id: string; meta: PaperMeta }>): ResearchGraph {
    const graph = new ResearchGraph();
    for (const { id, meta } of entries) graph.addPaper(id, meta);
    return graph;
  }

  get researcherCount(): number {
    return this.papersByResearcher.size;
  }

  /** The year of the newest paper ever added: the graph's "now" for recency. */
  get latestPaperYear(): number {
    return this.newestYear;
  }

  get paperCount(): number {
    return this.papers.size;
  }

  hasResearcher(id: string): boolean {
    return this.papersByResearcher.has(id);
  }

  researchers(): IterableIterator<string> {
    return this.papersByResearcher.keys();
  }

  paper(id: string): PaperMeta | undefined {
    return this.papers.get(id);
  }

  /**
   * A researcher's paper ids in id order. Every view of the graph is ordered by the data, never by the
   * order papers arrived in: an index applies changes in whatever order it reads them, and two
   * processes must rank alike.
   */
  papersOf(researcher: string): readonly string[] {
    return this.ordersOf(researcher).byId;
  }

  private ordersOf(researcher: string) {
    let orders = this.orders.get(researcher);
    if (!orders) {
      const own = this.papersByResearcher.get(researcher) ?? [];
      orders = { byId: [...own].sort(byId), newestFirst: this.newestFirst(own) };
      this.orders.set(researcher, orders);
    }
    return orders;
  }

  /** Paper ids ordered newest first, papers of one year in id order. */
  newestFirst(paperIds: Iterable<string>): string[] {
    return [...paperIds].sort(
      (a, b) => (this.papers.get(b)?.year ?? 0) - (this.papers.get(a)?.year ?? 0) || byId(a, b),
    );
  }

  /** How many of the papers count each venue (a paper of 'acl+ijcnlp' counts for both). */
  venueCounts(paperIds: Iterable<string>): Map<string, number> {
    const counts = new Map<string, number>();
    for (const id of paperIds) {
      for (const venue of venueParts(this.papers.get(id)?.venue ?? ''))
        counts.set(venue, (counts.get(venue) ?? 0) + 1);
    }
    return counts;
  }

  /** venueCounts of all of a researcher's papers. */
  venuesOf(researcher: string): ReadonlyMap<string, number> {
    const orders = this.ordersOf(researcher);
    orders.venues ??= this.venueCounts(orders.byId);
    return orders.venues;
  }

  /** The sum of the squares of venuesOf's counts (the squared norm of the venue profile). */
  venueSquaresOf(researcher: string): number {
    const orders = this.ordersOf(researcher);
    orders.venueSquares ??= squaredNorm(this.venuesOf(researcher));
    return orders.venueSquares;
  }

  /**
   * How many papers a researcher wrote, and with how many co-authors, in the `years` years up to
   * `referenceYear`. Remembered (for the last reference asked) until their papers or edges change:
   * ranking asks it for every candidate of every request.
   */
  recentActivity(researcher: string, referenceYear: number, years: number): RecentActivity {
    const orders = this.ordersOf(researcher);
    const known = orders.activity;
    if (known && known.referenceYear === referenceYear && known.years === years) return known.counts;
    const since = referenceYear - years;
    let papers = 0;
    for (const id of orders.newestFirst) {
      const year = this.papers.get(id)?.year ?? 0;
      if (year > referenceYear) continue;
      if (year <= since) break;
      papers += 1;
    }
    let coauthors = 0;
    for (const edge of this.neighbours(researcher).values())
      if (edge.latestYear <= referenceYear && edge.latestYear > since) coauthors += 1;
    orders.activity = { referenceYear, years, counts: { papers, coauthors } };
    return orders.activity.counts;
  }

  /** A researcher's papers, newest first. */
  papersNewestFirst(researcher: string): readonly string[] {
    return this.ordersOf(researcher).newestFirst;
  }

  paperCountOf(researcher: string): number {
    return this.papersByResearcher.get(researcher)?.size ?? 0;
  }

  neighbours(researcher: string): ReadonlyMap<string, CoauthorEdge> {
    return this.edges.get(researcher) ?? EMPTY;
  }

  degree(researcher: string): number {
    return this.edges.get(researcher)?.size ?? 0;
  }

  /** The year of the researcher's newest paper, or 0. */
  latestYear(researcher: string): number {
    const newest = this.ordersOf(researcher).newestFirst[0];
    return newest === undefined ? 0 : this.papers.get(newest)!.year;
  }

  /** Adds or replaces a paper; returns the ids of researchers whose papers or edges changed. */
  addPaper(id: string, meta: PaperMeta): Set<string> {
    const touched = this.removePaper(id);
    this.papers.set(id, meta);
    this.newestYear = Math.max(this.newestYear, meta.year);
    const weight = paperTieWeight(meta.year, meta.authorIds.length);
    for (const author of meta.authorIds) {
      touched.add(author);
      this.orders.delete(author);
      let own = this.papersByResearcher.get(author);
      if (!own) {
        own = new Set();
        this.papersByResearcher.set(author, own);
      }
      own.add(id);
      for (const other of meta.authorIds) {
        if (other === author) continue;
        let adjacency = this.edges.get(author);
        if (!adjacency) {
          adjacency = new Map();
          this.edges.set(author, adjacency);
        }
        const edge = adjacency.get(other);
        if (edge) {
          edge.count += 1;
          edge.strength += weight;
          edge.latestYear = Math.max(edge.latestYear, meta.year);
        } else {
          adjacency.set(other, { count: 1, latestYear: meta.year, strength: weight });
        }
      }
    }
    return touched;
  }

  /** Removes a paper; returns the ids of researchers whose papers or edges changed. */
  removePaper(id: string): Set<string> {
    const meta = this.papers.get(id);
    const touched = new Set<string>();
    if (!meta) return touched;
    this.papers.delete(id);
    const weight = paperTieWeight(meta.year, meta.authorIds.length);
    for (const author of meta.authorIds) {
      touched.add(author);
      this.orders.delete(author);
      const own = this.papersByResearcher.get(author);
      own?.delete(id);
      if (own?.size === 0) this.papersByResearcher.delete(author);
      const adjacency = this.edges.get(author);
      if (!adjacency) continue;
      for (const other of meta.authorIds) {
        const edge = adjacency.get(other);
        if (!edge) continue;
        edge.count -= 1;
        edge.strength = Math.max(0, edge.strength - weight);
        if (edge.count <= 0 && !edge.accepted) adjacency.delete(other);
        else edge.latestYear = this.latestJointYear(author, other) || edge.latestYear;
      }
      if (adjacency.size === 0) this.edges.delete(author);
    }
    return touched;
  }

  /** An accepted collaboration counts as an edge even before a joint paper shows it. */
  addAcceptedEdge(a: string, b: string, year: number): boolean {
    if (a === b) return false;
    let changed = false;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      let adjacency = this.edges.get(x);
      if (!adjacency) {
        adjacency = new Map();
        this.edges.set(x, adjacency);
      }
      const edge = adjacency.get(y);
      if (edge?.accepted) continue;
      changed = true;
      this.orders.delete(x);
      if (edge) edge.accepted = true;
      else adjacency.set(y, { count: 0, latestYear: year, strength: 0, accepted: true });
    }
    return changed;
  }

  private latestJointYear(a: string, b: string): number {
    let latest = 0;
    for (const id of this.papersByResearcher.get(a) ?? []) {
      const meta = this.papers.get(id)!;
      if (meta.authorIds.includes(b)) latest = Math.max(latest, meta.year);
    }
    return latest;
  }
}

const EMPTY: ReadonlyMap<string, CoauthorEdge> = new Map();
