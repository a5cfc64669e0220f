import type { Paper } from '../domain/paper.ts';
import { type PaperFilters, paperFilter } from '../domain/paper-filters.ts';
import { roundScore } from '../domain/score.ts';
import { NotFoundError, UnprocessableError } from '../errors.ts';
import { relatedPaperScores, relatedQueryVectors } from '../recommend/related-papers.ts';
import { researcherTopicPhrases, termCounts } from '../recommend/terms.ts';
import type { PaperRepository } from '../storage/paper-repository.ts';
import type { ResearcherRecord, ResearcherRepository } from '../storage/researcher-repository.ts';
import type { Interests } from '../vector/interests.ts';
import type { PaperIndex } from '../vector/paper-index.ts';
import type { ResearcherIndex } from '../vector/researcher-index.ts';
import type { Page } from './papers-service.ts';

const TOPIC_PAPERS = 15;

export type GraphNode = {
  id: string;
  type: 'researcher' | 'paper' | 'topic' | 'institution';
  label: string;
  focus?: boolean;
  year?: number;
};
export type GraphEdge = {
  source: string;
  target: string;
  type: 'authored' | 'co-authored' | 'similar-to' | 'about' | 'affiliated';
  weight?: number;
};

type Deps = {
  researcherIndex: ResearcherIndex;
  paperIndex: PaperIndex;
  researchers: ResearcherRepository;
  papers: PaperRepository;
};

export class InsightsService {
  constructor(private readonly deps: Deps) {}

  private async interests(
    id: string,
  ): Promise<{ record: ResearcherRecord; interests: Interests; paperIds: string[] }> {
    const record = await this.deps.researchers.get(id);
    if (!record) throw new NotFoundError('researcher', id);
    await this.deps.paperIndex.catchUp();
    const interests = this.deps.researcherIndex.interestsOf(id);
    if (!interests) throw new UnprocessableError('this researcher has no papers yet', { researcherId: id });
    const paperIds = this.deps.researcherIndex.graph.papersNewestFirst(id);
    return { record, interests, paperIds };
  }

  /** Papers near the researcher's interests that are not their own (nor co-authors' with excludeSeen). */
  async relatedPapers(
    id: string,
    options: { page: Page; yearFrom?: number; yearTo?: number; excludeSeen: boolean },
  ): Promise<{ paper: Paper; score: number }[]> {
    const { interests, paperIds } = await this.interests(id);
    const index = this.deps.paperIndex.index;
    const graph = this.deps.researcherIndex.graph;
    const filters: PaperFilters = {
      yearFrom: options.yearFrom,
      yearTo: options.yearTo,
      excludeIds: paperIds,
      excludeAuthorIds: options.excludeSeen ? [id, ...graph.neighbours(id).keys()] : [id],
    };
    const depth = options.page.offset + options.page.limit;
    const vectors = relatedQueryVectors(
      interests,
      paperIds.flatMap((p) => {
        const v = index.vectorOf(p);
        return v ? [v] : [];
      }),
    );
    const scores = relatedPaperScores(vectors, (vector) => index.search(vector, depth, paperFilter(filters)));
    const ranked = [...scores]
      .sort((a, b) => b[1] - a[1] || (index.metaOf(b[0])?.year ?? 0) - (index.metaOf(a[0])?.year ?? 0))
      .slice(options.page.offset, depth);
    const papers = await this.deps.papers.getMany(ranked.map(([paperId]) => paperId));
    return ranked.flatMap(([, score], i) =>
      papers[i] ? [{ paper: papers[i]!, score: roundScore(score) }] : [],
    );
  }

  /** Researchers with the nearest interests, regardless of the graph. */
  async similarResearchers(
    id: string,
    page: Page,
  ): Promise<{ researcher: ResearcherRecord; similarity: number }[]> {
    const { interests } = await this.interests(id);
    const neighbours = this.deps.researcherIndex
      .topicNeighbours(
        interests.centroids.map((c) => c.vector),
        page.offset + page.limit,
        (other) => other === id,
      )
      .slice(page.offset);
    const records = await this.deps.researchers.getMany(neighbours.map((n) => n.researcher));
    return neighbours.flatMap((n, i) =>
      records[i] ? [{ researcher: records[i]!, similarity: roundScore(n.similarity) }] : [],
    );
  }

  /** Readable key phrases of a researcher's newest papers, against the whole store. */
  async topics(id: string, limit: number): Promise<string[]> {
    await this.deps.paperIndex.catchUp();
    const graph = this.deps.researcherIndex.graph;
    const newest = graph.papersNewestFirst(id).slice(0, TOPIC_PAPERS);
    const papers = (await this.deps.papers.getMany(newest)).filter((p): p is Paper => p !== null);
    if (papers.length === 0) return [];
    const keywords = [...new Set(papers.flatMap((p) => p.keywords ?? []))];
    const counts = termCounts(papers);
    const [df, total] = await Promise.all([
      this.deps.papers.documentFrequencies([...counts.keys()]),
      this.deps.papers.count(),
    ]);
    const phrases = researcherTopicPhrases(
      counts,
      papers.length,
      (t) => df.get(t) ?? 1,
      Math.max(1, total),
      limit,
    );
    return [...keywords, ...phrases].slice(0, limit);
  }

  /**
   * The research graph slice of a profile page: the researcher, their newest papers and papers
   * similar to them, co-authors (and theirs at depth 2), topics and institutions, with typed edges.
   */
  async graphSlice(id: string, options: { depth: number; limit: number }) {
    const { record, paperIds } = await this.interests(id);
    const graph = this.deps.researcherIndex.graph;
    const index = this.deps.paperIndex.index;
    const nodes = new Map<string, GraphNode>();
    const edges: GraphEdge[] = [];
    const budget = {
      papers: Math.max(1, Math.floor(options.limit / 4)),
      similar: Math.max(1, Math.floor(options.limit / 8)),
      people: Math.max(1, Math.floor(options.limit / 3)),
      topics: Math.max(1, Math.min(6, Math.floor(options.limit / 8))),
      institutions: Math.max(1, Math.min(6, Math.floor(options.limit / 8))),
    };
    const personKey = (rid: string) => `researcher:${rid}`;
    const paperKey = (pid: string) => `paper:${pid}`;
    nodes.set(personKey(id), { id: personKey(id), type: 'researcher', label: record.name, focus: true });

    const ownPapers = paperIds.slice(0, budget.papers);
    const similarIds: { from: string; to: string; score: number }[] = [];
    for (const pid of ownPapers) {
      const vector = index.vectorOf(pid);
      if (!vector) continue;
      const own = new Set(paperIds);
      for (const hit of index.search(vector, 3, (other) => !own.has(other))) {
        if (similarIds.length < budget.similar) similarIds.push({ from: pid, to: hit.id, score: hit.score });
      }
    }
    const people = [...graph.neighbours(id)]
      .sort((a, b) => b[1].count - a[1].count || b[1].latestYear - a[1].latestYear)
      .slice(0, options.depth >= 2 ? Math.ceil(budget.people / 2) : budget.people);
    const secondHop: [string, string, number][] = [];
    if (options.depth >= 2) {
      const perPerson = Math.max(1, Math.floor((budget.people - people.length) / Math.max(1, people.length)));
      for (const [pid] of people) {
        const theirs = [...graph.neighbours(pid)]
          .filter(([other]) => other !== id && !graph.neighbours(id).has(other))
          .sort((a, b) => b[1].count - a[1].count)
          .slice(0, perPerson);
        for (const [other, edge] of theirs) secondHop.push([pid, other, edge.count]);
      }
    }
    const personIds = [...new Set([...people.map(([p]) => p), ...secondHop.map(([, o]) => o)])];
    const paperList = [...new Set([...ownPapers, ...similarIds.map((s) => s.to)])];
    const [records, papers, topics, affiliations] = await Promise.all([
      this.deps.researchers.getMany(personIds),
      this.deps.papers.getMany(paperList),
      this.topics(id, budget.topics),
      this.deps.researchers.affiliationsAsOf([id, ...personIds]),
    ]);
    papers.forEach((paper) => {
      if (paper)
        nodes.set(paperKey(paper.id), {
          id: paperKey(paper.id),
          type: 'paper',
          label: paper.title,
          year: paper.year,
        });
    });
    records.forEach((r, i) => {
      nodes.set(personKey(personIds[i]!), {
        id: personKey(personIds[i]!),
        type: 'researcher',
        label: r?.name ?? personIds[i]!,
      });
    });
    for (const pid of ownPapers)
      edges.push({ source: personKey(id), target: paperKey(pid), type: 'authored' });
    for (const s of similarIds) {
      edges.push({
        source: paperKey(s.from),
        target: paperKey(s.to),
        type: 'similar-to',
        weight: roundScore(s.score),
      });
    }
    for (const [pid, edge] of people) {
      edges.push({ source: personKey(id), target: personKey(pid), type: 'co-authored', weight: edge.count });
    }
    for (const [a, b, weight] of secondHop)
      edges.push({ source: personKey(a), target: personKey(b), type: 'co-authored', weight });
    const shownPeople = new Set([id, ...personIds]);
    for (const pid of ownPapers) {
      for (const author of graph.paper(pid)?.authorIds ?? []) {
        if (author !== id && shownPeople.has(author))
          edges.push({ source: personKey(author), target: paperKey(pid), type: 'authored' });
      }
    }
    for (const topic of topics) {
      const key = `topic:${topic}`;
      nodes.set(key, { id: key, type: 'topic', label: topic });
      papers.forEach((paper) => {
        if (!paper || !ownPapers.includes(paper.id)) return;
        const text = `${paper.title} ${paper.abstract}`.toLowerCase();
        const keyword = paper.keywords?.some((k) => k.toLowerCase() === topic.toLowerCase());
        if (keyword || text.includes(topic))
          edges.push({ source: paperKey(paper.id), target: key, type: 'about' });
      });
    }
    const institutions = new Map<string, string[]>();
    for (const [rid, list] of affiliations)
      for (const name of list) institutions.set(name, [...(institutions.get(name) ?? []), rid]);
    for (const [name, members] of [...institutions]
      .sort((a, b) => b[1].length - a[1].length)
      .slice(0, budget.institutions)) {
      const key = `institution:${name}`;
      nodes.set(key, { id: key, type: 'institution', label: name });
      for (const rid of members) edges.push({ source: personKey(rid), target: key, type: 'affiliated' });
    }
    // Never more nodes than asked for: the last added (institutions, then topics) go first.
    const kept = new Map([...nodes].slice(0, options.limit));
    return {
      nodes: [...kept.values()],
      edges: edges.filter((e) => kept.has(e.source) && kept.has(e.target)),
    };
  }
}
