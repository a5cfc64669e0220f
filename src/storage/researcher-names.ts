/** Lower-case ASCII-folded words of a name, as stored in the name index and matched by search. */
export function nameTokens(name: string): string[] {
  const folded = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const tokens = folded.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
  return [...new Set(tokens)];
}

/** True when every query token is a prefix of some token of the name ("qi sh" matches "Qijie Shen"). */
export function nameMatches(queryTokens: string[], name: string): boolean {
  const tokens = nameTokens(name);
  return queryTokens.every((q) => tokens.some((t) => t.startsWith(q)));
}
