/**
 * Every Redis key PeerScout uses, under one configurable prefix. On Redis Cluster a key's slot is
 * the hash of its {hashtag}, so the hashtag decides what is stored together:
 *
 * - `{prefix:p:<paper id>}` — one paper: its record (with vector and content hash), its lease and its
 *   citation sets. A paper's own record is written atomically; the rest is derived from it.
 * - `{prefix:r:<researcher id>}` — one researcher: record, papers, affiliations, followers, topics,
 *   cached suggestions.
 * - `{prefix:ref:<reference key>}` — the papers waiting for one reference key.
 * - `{prefix:c:<partition>}` — one partition of the paper change stream and its pending-projection
 *   record (see `partitionOf`).
 * - `{prefix}` — the catalogue (id lists, name index, term counts, reference owners, models) and every
 *   invitation key: the invitation rules compare recipients and candidates with each other, so they
 *   are checked in one atomic script, in one slot (docs/SCALING.md says why and what comes next).
 *
 * Papers and researchers, which are nearly all of the data, spread over the cluster by their own ids.
 * Lua scripts get the catalogue's key-name prefixes from `luaKeyPrefixes`, never their own literals.
 */

/** How many partitions the paper change stream has. Stored data depends on it: never change it in place. */
export const CHANGE_PARTITIONS = 16;

/** The change partition of a paper id (FNV-1a, 32 bit): stable across processes and versions. */
export function partitionOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % CHANGE_PARTITIONS;
}

export function createKeys(prefix: string) {
  const root = `{${prefix}}`;
  const paperTag = (id: string) => `{${prefix}:p:${id}}`;
  const researcherTag = (id: string) => `{${prefix}:r:${id}}`;
  const partitionTag = (partition: number) => `{${prefix}:c:${partition}}`;
  const segment = {
    invitation: `${root}:invitation:`,
    incoming: `${root}:incoming:`,
    invited: `${root}:invited:`,
    namedIn: `${root}:named-in:`,
    feedback: `${root}:feedback:`,
    exposure: `${root}:exposure:`,
    collaborationEdges: `${root}:collaboration-edges`,
  } as const;
  return {
    root,
    /** SCAN patterns that match every key of this prefix (and of no other prefix) */
    patterns: [`${root}*`, `{${prefix}:*`],
    /**
     * HASH: data (JSON), contentHash, textHash, vector (float32 bytes), authorIds (JSON), year, venue,
     * terms (JSON), referenceKeys (JSON: its references' keys), ownKeys (JSON: the DOI and title keys it
     * answers to); `linked` (JSON: every link the paper may have outside this hash, a superset while a
     * projection runs) and `dirty` (set while those links may not match the record). A deleted paper
     * whose links are still being removed keeps only `linked`, `dirty` and `deleted`.
     */
    paper: (id: string) => `${paperTag(id)}:paper`,
    /** STRING: who projects the paper's links right now (a lease with an expiry). */
    paperLease: (id: string) => `${paperTag(id)}:lease`,
    /** ZSET cited paper id → its year: the stored papers a paper's references name. */
    cites: (id: string) => `${paperTag(id)}:cites`,
    /** ZSET citing paper id → its year: the stored papers whose references name this one. */
    citedBy: (id: string) => `${paperTag(id)}:cited-by`,
    /** ZSET of all paper ids (score 0, ordered by id). */
    papers: () => `${root}:papers`,
    /**
     * SET of the stored papers whose references carry a reference key (`i:<id>`, `d:<doi>`,
     * `t:<year>:<title>`, see domain/references.ts), whether or not a paper with that key is stored yet.
     */
    referencers: (referenceKey: string) => `{${prefix}:ref:${referenceKey}}:referencers`,
    /** HASH DOI or title key → the stored paper that answers to it (the first stored with it). */
    referenceOwners: () => `${root}:reference-owners`,
    /**
     * HASH: name, nameFrom (year:paper id the name's spelling is from), claimed, openToCollaborate,
     * verificationLevel, invitationsPerPeriod (absent: the
     * platform's cap), createdAt, updatedAt.
     */
    researcher: (id: string) => `${researcherTag(id)}:researcher`,
    /** ZSET paper id → year. */
    researcherPapers: (id: string) => `${researcherTag(id)}:papers`,
    /** ZSET affiliation → the first year it appeared on one of the researcher's papers. */
    affiliations: (id: string) => `${researcherTag(id)}:affiliations`,
    /** SET of follower ids. */
    followers: (id: string) => `${researcherTag(id)}:followers`,
    /** STRING (JSON): precomputed suggestions and related papers of a researcher. */
    suggestionsCache: (id: string) => `${researcherTag(id)}:suggestions`,
    /** STRING (JSON): a researcher's profile topics as the worker ranked them, with the papers they came from. */
    topics: (id: string) => `${researcherTag(id)}:topics`,
    /** ZSET of all researcher ids (score 0, ordered by id). */
    researchers: () => `${root}:researchers`,
    /** ZSET (score 0) of "<name token>\u0000<researcher id>" for prefix search by name. */
    researcherNames: () => `${root}:researcher-names`,
    /** HASH term → number of papers whose title or abstract has it (for topic phrases). */
    termDocumentFrequency: () => `${root}:term-df`,
    /**
     * HASH paper id → JSON terms: the terms a paper counts with in term-df while its projection runs
     * (removed when it ends), so that a projection repeated after a crash never counts twice.
     */
    termsCounted: () => `${root}:terms-counted`,
    /** STREAM of paper changes (op, id) of one partition, which every process holding an index applies. */
    paperChanges: (partition: number) => `${partitionTag(partition)}:changes`,
    /**
     * HASH paper id → token: papers of a partition whose links a writer is projecting. The durable
     * record of a change: an entry older than a grace period belongs to a writer that died, and the
     * reconcile step finishes its work.
     */
    pendingPapers: (partition: number) => `${partitionTag(partition)}:pending`,
    /** STREAM of accepted collaborations (op collaborate, id "a|b"), beside the invitations it comes from. */
    collaborationChanges: () => `${root}:collaboration-changes`,
    /** STRING (JSON): the learned collaborator ranking models with their version. */
    rankerModels: () => `${root}:ranker-models`,
    /**
     * SET of researcher ids that are, or were a moment ago, claimed: who receives invitation digests.
     * A superset: a claim adds here before it writes the record, an unclaim removes after, and readers
     * check the record.
     */
    claimedResearchers: () => `${root}:claimed-researchers`,
    /** HASH: id, recipient, candidate, period, status, score, evidence (JSON), times. */
    invitation: (id: string) => segment.invitation + id,
    /** ZSET invitation id → created time (ms): the suggestions a researcher received. */
    inbox: (recipient: string) => `${root}:inbox:${recipient}`,
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
    /** SET of "a|b" pairs who accepted to collaborate: edges the papers do not show yet. */
    collaborationEdges: () => segment.collaborationEdges,
    /** STRING: random id of this store's lifetime; a saved index from another epoch is stale. */
    epoch: () => `${root}:epoch`,
    luaKeyPrefixes: segment,
  };
}

export type Keys = ReturnType<typeof createKeys>;
