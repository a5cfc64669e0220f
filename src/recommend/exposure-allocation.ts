import TinyQueue from 'tinyqueue';

/**
 * Who gets a popular candidate when a candidate may be named only a limited number of times: the
 * recipients for whom that candidate matters most, not those whose digest happened to run first.
 */

export type Option = { candidate: string; score: number };

/** A recipient's eligible candidates, best first, and how many more of them they should get. */
export type Proposal = { recipient: string; want: number; options: Option[] };

export type AllocationRules = {
  /** The digest's rule: one open suggestion per pair, so two people are paired in one direction only. */
  oneDirectionPerPair: boolean;
  /** Pairs already written (recipient → candidates): they take no room, but block the other direction. */
  written?: ReadonlyMap<string, readonly string[]>;
};

/**
 * Recipients a search for a way to fill one short list moves along, at most: it keeps a run over many
 * recipients from spending long on a list that cannot be filled.
 */
const MAX_SEARCHED_RECIPIENTS = 50;
/**
 * Options all searches of one allocation may look at together, per option proposed: the fill
 * costs at most a constant times the input, whatever the data, so a run over many recipients whose
 * lists cannot be filled (every candidate they could take is at capacity) ends in seconds, not hours.
 */
const SEARCH_STEPS_PER_OPTION = 4;

/**
 * How much a recipient loses if one of their first `want` options goes to someone else: its score
 * minus the score of the option they would get instead (the first one beyond `want`; 0 when they have
 * no further option, so a recipient with nowhere else to go keeps the whole score).
 */
function fallbackScore(proposal: Proposal): number {
  return proposal.options[proposal.want]?.score ?? 0;
}

/** One step of a search for a way to fill a short list (see Allotment.fill). */
type Step = {
  recipient: string;
  /** The candidate this recipient gives up to the one before it on the path (none for the first). */
  gives?: string;
  /** The candidate the recipient before it takes in exchange (this recipient, for a reversed pair). */
  takes?: string;
  previous?: Step;
  /** What the path to here costs the people on it (see Allotment.fill). */
  cost: number;
};

/** The recipient of a path's last step: no one, the candidate taken there has room. */
const END = '';

/** The state of an allocation: each recipient's chosen candidates and how often each is named. */
class Allotment {
  private readonly chosen = new Map<string, Map<string, number>>();
  /** Who holds each candidate: its size is how often the candidate is named. */
  private readonly holding = new Map<string, Set<string>>();
  private readonly byRecipient: Map<string, Proposal>;
  /**
   * Recipients from whom a search found no way to a candidate with room, having tried every way there
   * was: no later search need pass through them, until a list changes (any fill that succeeds).
   */
  private readonly stuck = new Set<string>();
  /** What is left of the allocation's SEARCH_STEPS_PER_OPTION budget. */
  private searchSteps: number;
  /** Each recipient's options by candidate: their rank and score (looked up on every step of a search). */
  private readonly optionOf = new Map<string, Map<string, { rank: number; score: number }>>();

  constructor(
    proposals: Proposal[],
    private readonly capacity: (candidate: string) => number,
    private readonly rules: AllocationRules,
  ) {
    this.byRecipient = new Map(proposals.map((p) => [p.recipient, p]));
    this.searchSteps = SEARCH_STEPS_PER_OPTION * proposals.reduce((sum, p) => sum + p.options.length, 0);
    for (const p of proposals) {
      this.chosen.set(p.recipient, new Map());
      this.optionOf.set(
        p.recipient,
        new Map(p.options.map((o, rank) => [o.candidate, { rank, score: o.score }])),
      );
    }
  }

  listOf(recipient: string): ReadonlyMap<string, number> {
    return this.chosen.get(recipient)!;
  }

  room(recipient: string): number {
    return this.byRecipient.get(recipient)!.want - this.listOf(recipient).size;
  }

  private named(candidate: string): number {
    return this.holding.get(candidate)?.size ?? 0;
  }

  hasRoom(candidate: string): boolean {
    return this.named(candidate) < this.capacity(candidate);
  }

  private withinCapacity(candidate: string): boolean {
    return this.named(candidate) <= this.capacity(candidate);
  }

  /** Whether the candidate is already paired with the recipient the other way (chosen, or written). */
  pairedBack(recipient: string, candidate: string): 'chosen' | 'written' | null {
    if (!this.rules.oneDirectionPerPair) return null;
    if (this.rules.written?.get(candidate)?.includes(recipient)) return 'written';
    return this.chosen.get(candidate)?.has(recipient) ? 'chosen' : null;
  }

  canTake(recipient: string, candidate: string): boolean {
    return (
      this.room(recipient) > 0 &&
      !this.listOf(recipient).has(candidate) &&
      this.hasRoom(candidate) &&
      this.pairedBack(recipient, candidate) === null
    );
  }

  take(recipient: string, candidate: string): void {
    this.chosen.get(recipient)!.set(candidate, this.optionOf.get(recipient)!.get(candidate)?.rank ?? -1);
    let holders = this.holding.get(candidate);
    if (!holders) {
      holders = new Set();
      this.holding.set(candidate, holders);
    }
    holders.add(recipient);
  }

  drop(recipient: string, candidate: string): void {
    this.chosen.get(recipient)!.delete(candidate);
    this.holding.get(candidate)!.delete(recipient);
  }

  private scoreOf(recipient: string, candidate: string): number {
    return this.optionOf.get(recipient)!.get(candidate)?.score ?? 0;
  }

  /**
   * Gives a short list one more candidate by moving others along (an augmenting path): the recipient
   * takes a full candidate from a holder who takes someone else instead, or a person whose own list
   * names them, who then takes someone else; the last one moved takes a candidate with room. Of all
   * such paths, the one that costs least (Dijkstra): the short recipient's option counts by how far it
   * is below their best, each person moved by how much worse their new candidate is than the one they
   * gave up. Returns whether the list grew. The frontier is a binary heap and holds each recipient only
   * at the cheapest cost found so far, so a search costs O(steps · log steps), not the square of them.
   */
  fill(start: string): boolean {
    if (this.stuck.has(start) || this.searchSteps <= 0) return false;
    const best = this.byRecipient.get(start)!.options[0]?.score ?? 0;
    const frontier = new TinyQueue<Step>([{ recipient: start, cost: 0 }], (a, b) => a.cost - b.cost);
    const settled = new Set<string>();
    const cheapest = new Map<string, number>([[start, 0]]);
    while (frontier.length > 0 && settled.size <= MAX_SEARCHED_RECIPIENTS && this.searchSteps > 0) {
      const step = frontier.pop()!;
      if (step.recipient === END) {
        if (this.apply(step)) {
          this.stuck.clear();
          return true;
        }
        continue;
      }
      if (settled.has(step.recipient)) continue;
      settled.add(step.recipient);
      const given = step.gives === undefined ? best : this.scoreOf(step.recipient, step.gives);
      const options = this.byRecipient.get(step.recipient)!.options;
      this.searchSteps -= options.length;
      for (const { candidate, score } of options) {
        if (candidate === step.gives || this.listOf(step.recipient).has(candidate)) continue;
        const back = this.pairedBack(step.recipient, candidate);
        if (back === 'written') continue;
        const cost = step.cost + Math.max(0, given - score);
        if (back === null && this.hasRoom(candidate)) {
          frontier.push({ recipient: END, takes: candidate, previous: step, cost });
          continue;
        }
        // The candidate's own list names this recipient: they give that up and look elsewhere.
        const next =
          back === 'chosen'
            ? this.hasRoom(candidate)
              ? [{ recipient: candidate, gives: step.recipient }]
              : []
            : [...(this.holding.get(candidate) ?? [])].map((recipient) => ({ recipient, gives: candidate }));
        for (const move of next) {
          // A dearer way to a recipient is never taken: the cheaper one settles them first.
          if (
            settled.has(move.recipient) ||
            this.stuck.has(move.recipient) ||
            cost >= (cheapest.get(move.recipient) ?? Infinity)
          )
            continue;
          cheapest.set(move.recipient, cost);
          frontier.push({ ...move, takes: candidate, previous: step, cost });
        }
      }
    }
    // Every way out of these recipients was tried (the search ran out of ways, not of its budget).
    if (frontier.length === 0) for (const recipient of settled) this.stuck.add(recipient);
    return false;
  }

  /**
   * Carries out a path found by fill, from its end: each step's recipient takes what the step after
   * it gave up. Undone, and false returned, when the moves together would break a rule (two steps
   * naming the same pair both ways, or one candidate more often than their capacity).
   */
  private apply(end: Step): boolean {
    const undo: (() => void)[] = [];
    let broken = false;
    for (let step: Step = end; step.previous; step = step.previous) {
      const { gives, takes } = step;
      const giver = step.recipient;
      const taker = step.previous.recipient;
      if (gives !== undefined) {
        this.drop(giver, gives);
        undo.push(() => this.take(giver, gives));
      }
      if (this.listOf(taker).has(takes!)) broken = true;
      this.take(taker, takes!);
      undo.push(() => this.drop(taker, takes!));
      if (this.pairedBack(taker, takes!) !== null || !this.withinCapacity(takes!)) broken = true;
    }
    if (broken) for (const step of undo.reverse()) step();
    return !broken;
  }
}

/**
 * Assigns every recipient up to `want` candidates, each candidate to at most `capacity(candidate)`
 * recipients. Pairs are taken greedily by the regret of losing them (the score of the pair minus the
 * recipient's fallback score), so a recipient for whom the candidate is much better than their next
 * option goes first; then by score, then by ids, so the result depends on the data, never on the order
 * of the proposals. With `oneDirectionPerPair`, two people are paired in one direction only: when each
 * is the other's candidate, the stronger claim is kept and the other recipient gets their next option.
 * A list the greedy pass leaves short (its remaining options are full, or name the recipient back) is
 * then filled where others can move along to someone with room, the way that costs the people moved
 * least (see Allotment.fill): full lists come before who gets whom, and no list gets shorter by it.
 * Returns each recipient's candidates in their own order of preference.
 */
export function allocateByMatchStrength(
  proposals: Proposal[],
  capacity: (candidate: string) => number,
  rules: AllocationRules,
): Map<string, string[]> {
  const pairs = proposals.flatMap((proposal) => {
    const fallback = fallbackScore(proposal);
    return proposal.options.map((option) => ({
      recipient: proposal.recipient,
      candidate: option.candidate,
      score: option.score,
      regret: option.score - fallback,
    }));
  });
  pairs.sort(
    (a, b) =>
      b.regret - a.regret ||
      b.score - a.score ||
      a.recipient.localeCompare(b.recipient) ||
      a.candidate.localeCompare(b.candidate),
  );
  const allotment = new Allotment(proposals, capacity, rules);
  for (const pair of pairs)
    if (allotment.canTake(pair.recipient, pair.candidate)) allotment.take(pair.recipient, pair.candidate);
  const byId = [...proposals].sort((a, b) => a.recipient.localeCompare(b.recipient));
  for (const { recipient } of byId) while (allotment.room(recipient) > 0 && allotment.fill(recipient)) {}
  return new Map(
    proposals.map(({ recipient }) => [
      recipient,
      [...allotment.listOf(recipient)].sort((a, b) => a[1] - b[1]).map(([candidate]) => candidate),
    ]),
  );
}
