/**
 * Who gets a popular candidate when a candidate may be named only a limited number of times: the
 * recipients for whom that candidate matters most, not those whose digest happened to run first.
 */

export type Option = { candidate: string; score: number };

/** A recipient's eligible candidates, best first, and how many more of them they should get. */
export type Proposal = { recipient: string; want: number; options: Option[] };

/**
 * How much a recipient loses if one of their first `want` options goes to someone else: its score
 * minus the score of the option they would get instead (the first one beyond `want`; 0 when they have
 * no further option, so a recipient with nowhere else to go keeps the whole score).
 */
function fallbackScore(proposal: Proposal): number {
  return proposal.options[proposal.want]?.score ?? 0;
}

/**
 * Assigns every recipient up to `want` candidates, each candidate to at most `capacity(candidate)`
 * recipients. Pairs are taken greedily by the regret of losing them (the score of the pair minus the
 * recipient's fallback score), so a recipient for whom the candidate is much better than their next
 * option goes first; then by score, then by ids, so the result depends on the data, never on the order
 * of the proposals. A recipient whose first choices are full gets their next-best candidates with room.
 * With `oneDirectionPerPair` (the digest's rule: one open suggestion per pair), two people are paired
 * in one direction only: when each is the other's candidate, the stronger claim is kept and the
 * other recipient gets their next option.
 * Returns each recipient's candidates in their own order of preference.
 */
export function allocateByMatchStrength(
  proposals: Proposal[],
  capacity: (candidate: string) => number,
  options: { oneDirectionPerPair: boolean },
): Map<string, string[]> {
  const pairs = proposals.flatMap((proposal) => {
    const fallback = fallbackScore(proposal);
    return proposal.options.map((option, rank) => ({
      recipient: proposal.recipient,
      candidate: option.candidate,
      score: option.score,
      rank,
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
  const room = new Map(proposals.map((p) => [p.recipient, p.want]));
  const used = new Map<string, number>();
  const chosen = new Map<string, { candidate: string; rank: number }[]>(
    proposals.map((p) => [p.recipient, []]),
  );
  for (const pair of pairs) {
    if ((room.get(pair.recipient) ?? 0) <= 0) continue;
    const taken = used.get(pair.candidate) ?? 0;
    if (taken >= capacity(pair.candidate)) continue;
    const mine = chosen.get(pair.recipient)!;
    if (mine.some((c) => c.candidate === pair.candidate)) continue;
    if (
      options.oneDirectionPerPair &&
      chosen.get(pair.candidate)?.some((c) => c.candidate === pair.recipient)
    )
      continue;
    mine.push({ candidate: pair.candidate, rank: pair.rank });
    used.set(pair.candidate, taken + 1);
    room.set(pair.recipient, room.get(pair.recipient)! - 1);
  }
  return new Map(
    [...chosen].map(([recipient, list]) => [
      recipient,
      list.sort((a, b) => a.rank - b.rank).map((c) => c.candidate),
    ]),
  );
}
