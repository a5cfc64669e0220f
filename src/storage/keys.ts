/**
 * Every Redis key PeerScout uses, under one configurable prefix. The prefix is wrapped in a {hashtag}
 * so that all keys of one deployment share a Redis Cluster slot and the Lua scripts that touch
 * several of them stay valid there. Lua scripts get key-name prefixes from `luaKeyPrefixes`, never
 * their own literals.
 */
export function createKeys(prefix: string) {
  const root = `{${prefix}}`;
  const segment = {
    paper: `${root}:paper:`,
    researcher: `${root}:researcher:`,
    researcherPapers: `${root}:researcher-papers:`,
    affiliations: `${root}:affiliations:`,
    invitation: `${root}:invitation:`,
    inbox: `${root}:inbox:`,
    incoming: `${root}:incoming:`,
    invited: `${root}:invited:`,
    namedIn: `${root}:named-in:`,
    feedback: `${root}:feedback:`,
    exposure: `${root}:exposure:`,
    collaborationEdges: `${root}:collaboration-edges`,
    cites: `${root}:cites:`,
    citedBy: `${root}:cited-by:`,
    referencers: `${root}:referencers:`,
    referenceOwners: `${root}:reference-owners`,
  } as const;
  return {
    root,
    /**
     * HASH: data (JSON), contentHash, textHash, vector (float32 bytes), authorIds (JSON), year, venue,
     * terms (JSON), referenceKeys (JSON: its references' keys), ownKeys (JSON: the DOI and title keys it
     * answers to).
     */
    paper: (id: string) => segment.paper + id,
    /** ZSET of all paper ids (score 0, ordered by id). */
    papers: () => `${root}:papers`,
    /**
     * HASH: name, claimed, openToCollaborate, verificationLevel, invitationsPerPeriod (absent: the
     * platform's cap), createdAt, updatedAt.
     */
    researcher: (id: string) => segment.researcher + id,
    /** ZSET cited paper id → its year: the stored papers a paper's references name. */
    cites: (id: string) => segment.cites + id,
    /** ZSET citing paper id → its year: the stored papers whose references name this one. */
    citedBy: (id: string) => segment.citedBy + id,
    /**
     * SET of the stored papers whose references carry a reference key (`i:<id>`, `d:<doi>`,
     * `t:<year>:<title>`, see domain/references.ts), whether or not a paper with that key is stored yet.
     */
    referencers: (referenceKey: string) => segment.referencers + referenceKey,
    /** HASH DOI or title key → the stored paper that answers to it (the first stored with it). */
    referenceOwners: () => segment.referenceOwners,
    /** ZSET of all researcher ids (score 0, ordered by id). */
    researchers: () => `${root}:researchers`,
    /** ZSET paper id → year. */
    researcherPapers: (id: string) => segment.researcherPapers + id,
    /** ZSET affiliation → the first year it appeared on one of the researcher's papers. */
    affiliations: (id: string) => segment.affiliations + id,
    /** ZSET (score 0) of "<name token>\u0000<researcher id>" for prefix search by name. */
    researcherNames: () => `${root}:researcher-names`,
    /** HASH term → number of papers whose title or abstract has it (for topic phrases). */
    termDocumentFrequency: () => `${root}:term-df`,
    /** STREAM of paper changes (op, id) that every process holding an index applies. */
    paperChanges: () => `${root}:paper-changes`,
    /** STRING (JSON): the learned collaborator ranking models with their version. */
    rankerModels: () => `${root}:ranker-models`,
    /** SET of claimed researcher ids: who receives invitation digests. */
    claimedResearchers: () => `${root}:claimed-researchers`,
    /** SET of follower ids. */
    followers: (id: string) => `${root}:followers:${id}`,
    /** HASH: id, recipient, candidate, period, status, score, evidence (JSON), times. */
    invitation: (id: string) => segment.invitation + id,
    /** ZSET invitation id → created time (ms): the suggestions a researcher received. */
    inbox: (recipient: string) => segment.inbox + recipient,
    /** ZSET invitation id → sent time (ms): invitations sent to a researcher by others. */
    incoming: (candidate: string) => segment.incoming + candidate,
    /** HASH candidate → the latest invitation naming them in a researcher's inbox. */
    invited: (recipient: string) => segment.invited + recipient,
    /** ZSET invitation id → created time: invitations that name a researcher as the candidate. */
    namedIn: (candidate: string) => segment.namedIn + candidate,
    /** HASH candidate → JSON { kind: dismissed | declined | blocked, until }: what a recipient said of people. */
    feedback: (recipient: string) => segment.feedback + recipient,
    /** SET of the candidates written for a recipient in a period (at most N). */
    digest: (recipient: string, period: string) => `${root}:digest:${period}:${recipient}`,
    /** SET of the recipients whose digest named a candidate in a period (at most the candidate's cap). */
    exposure: (candidate: string, period: string) => `${segment.exposure}${period}:${candidate}`,
    /** HASH recipient → JSON proposal (eligible candidates, best first) of one digest run. */
    digestProposals: (period: string, run: string) => `${root}:digest-proposals:${period}:${run}`,
    /** SET of the recipients whose digest for a period is complete (a re-run skips them). */
    digestComplete: (period: string) => `${root}:digest-complete:${period}`,
    /** STRING (JSON): precomputed suggestions and related papers of a researcher. */
    suggestionsCache: (id: string) => `${root}:suggestions:${id}`,
    /** STRING (JSON): a researcher's profile topics as the worker ranked them, with the papers they came from. */
    topics: (id: string) => `${root}:topics:${id}`,
    /** SET of "a|b" pairs who accepted to collaborate: edges the papers do not show yet. */
    collaborationEdges: () => segment.collaborationEdges,
    /** STRING: random id of this store's lifetime; a saved index from another epoch is stale. */
    epoch: () => `${root}:epoch`,
    luaKeyPrefixes: segment,
  };
}

export type Keys = ReturnType<typeof createKeys>;
