import type { Paper } from '../domain/paper.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.ts';
import type { PaperRepository } from '../storage/paper-repository.ts';
import type { Coauthor, ResearcherRecord, ResearcherRepository } from '../storage/researcher-repository.ts';
import type { Page } from './papers-service.ts';

export type CloseCollaborator = { id: string; name: string; jointPapers: number; latestYear: number };

/** Citations among stored papers, with the people whose papers cite the researcher's most. */
export type CitationSummary = {
  received: number;
  given: number;
  mostCitedBy: { id: string; citations: number }[];
};

export type ResearcherProfile = ResearcherRecord & {
  counts: { papers: number; coauthors: number; followers: number };
  topics: string[];
  works: Paper[];
  closeCollaborators: CloseCollaborator[];
  citations: Omit<CitationSummary, 'mostCitedBy'> & {
    mostCitedBy: { id: string; name: string; citations: number }[];
  };
};

const PROFILE_WORKS = 10;
const PROFILE_COLLABORATORS = 10;

export class ResearchersService {
  constructor(
    private readonly deps: {
      researchers: ResearcherRepository;
      papers: PaperRepository;
      /** Readable key phrases of a researcher's work. */
      topics: (id: string) => Promise<string[]>;
      citations: (id: string) => Promise<CitationSummary>;
      /** Called when a researcher may no longer be named in invitations (closed or unclaimed). */
      onConsentWithdrawn: (id: string) => Promise<unknown>;
      /** Called when a profile changed in a way that changes their suggestions. */
      onProfileChanged: (id: string) => Promise<unknown>;
    },
  ) {}

  async claim(id: string, accountId: string): Promise<ResearcherRecord> {
    const result = await this.deps.researchers.claim(id, accountId);
    if (result === 'missing') throw new NotFoundError('researcher', id);
    if (result === 'conflict')
      throw new ConflictError('this author record is claimed by another account', { researcherId: id });
    await this.deps.onProfileChanged(id);
    return this.record(id);
  }

  async unclaim(id: string, accountId: string): Promise<ResearcherRecord> {
    const result = await this.deps.researchers.unclaim(id, accountId);
    if (result === 'missing') throw new NotFoundError('researcher', id);
    if (result === 'conflict') {
      throw new ConflictError('this author record is not claimed by this account', { researcherId: id });
    }
    await this.deps.onConsentWithdrawn(id);
    return this.record(id);
  }

  async updateProfile(
    id: string,
    changes: {
      openToCollaborate?: boolean;
      interests?: string;
      affiliations?: string[];
      verificationLevel?: number;
      invitationsPerPeriod?: number | null;
    },
  ): Promise<ResearcherRecord> {
    const updated = await this.deps.researchers.updateProfile(id, {
      openToCollaborate: changes.openToCollaborate,
      invitationsPerPeriod: changes.invitationsPerPeriod,
      interests: changes.interests,
      verificationLevel: changes.verificationLevel,
      declaredAffiliations: changes.affiliations,
    });
    if (!updated) throw new NotFoundError('researcher', id);
    if (changes.openToCollaborate === false) await this.deps.onConsentWithdrawn(id);
    await this.deps.onProfileChanged(id);
    return this.record(id);
  }

  async setFollower(id: string, followerId: string, following: boolean): Promise<{ followers: number }> {
    if (id === followerId) {
      throw new UnprocessableError('a researcher cannot follow themselves', { researcherId: id });
    }
    await this.record(id);
    await this.record(followerId);
    return { followers: await this.deps.researchers.setFollower(id, followerId, following) };
  }

  async record(id: string): Promise<ResearcherRecord> {
    const record = await this.deps.researchers.get(id);
    if (!record) throw new NotFoundError('researcher', id);
    return record;
  }

  async profile(id: string): Promise<ResearcherProfile> {
    const record = await this.record(id);
    const [papers, coauthors, followers, works, topics, citations] = await Promise.all([
      this.deps.researchers.paperCount(id),
      this.deps.researchers.coauthors(id),
      this.deps.researchers.followerCount(id),
      this.works(id, { offset: 0, limit: PROFILE_WORKS }),
      this.deps.topics(id),
      this.deps.citations(id),
    ]);
    const [closeCollaborators, citers] = await Promise.all([
      this.named(coauthors.slice(0, PROFILE_COLLABORATORS)),
      this.deps.researchers.getMany(citations.mostCitedBy.map((c) => c.id)),
    ]);
    return {
      ...record,
      counts: { papers, coauthors: coauthors.length, followers },
      topics,
      works: works.items,
      closeCollaborators,
      citations: {
        ...citations,
        mostCitedBy: citations.mostCitedBy.map((c, i) => ({ ...c, name: citers[i]?.name ?? c.id })),
      },
    };
  }

  /** A researcher's papers, newest first. */
  async works(id: string, page: Page): Promise<{ items: Paper[]; total: number }> {
    const [entries, total] = await Promise.all([
      this.deps.researchers.papers(id, page.offset, page.limit),
      this.deps.researchers.paperCount(id),
    ]);
    const papers = await this.deps.papers.getMany(entries.map((e) => e.id));
    return { items: papers.filter((p): p is Paper => p !== null), total };
  }

  private async named(coauthors: Coauthor[]): Promise<CloseCollaborator[]> {
    const records = await this.deps.researchers.getMany(coauthors.map((c) => c.id));
    return coauthors.map((c, i) => ({ ...c, name: records[i]?.name ?? c.id }));
  }

  async list(page: Page): Promise<{ items: ResearcherRecord[]; total: number }> {
    const [ids, total] = await Promise.all([
      this.deps.researchers.listIds(page.offset, page.limit),
      this.deps.researchers.count(),
    ]);
    const records = await this.deps.researchers.getMany(ids);
    return { items: records.filter((r): r is ResearcherRecord => r !== null), total };
  }

  searchByName(query: string, page: Page): Promise<ResearcherRecord[]> {
    return this.deps.researchers.searchByName(query, page.offset, page.limit);
  }
}
