import { describe, expect, it } from 'vitest';
import { paperFilter, venueParts } from '../../src/domain/paper-filters.ts';

const meta = (year: number, venue: string, authorIds: string[] = ['a']) => ({ year, venue, authorIds });

describe('paper filters', () => {
  it('filter nothing when no option is set', () => {
    expect(paperFilter({})).toBeUndefined();
  });

  it('keep years inside the inclusive range', () => {
    const f = paperFilter({ yearFrom: 2020, yearTo: 2021 })!;
    expect([2019, 2020, 2021, 2022].map((y) => f('p', meta(y, 'acl')))).toEqual([false, true, true, false]);
  });

  it('match a venue against each part of a joint venue, ignoring case', () => {
    expect(venueParts('ACL+IJCNLP')).toEqual(['acl', 'ijcnlp']);
    const f = paperFilter({ venues: ['ijcnlp'] })!;
    expect(f('p', meta(2020, 'acl+ijcnlp'))).toBe(true);
    expect(f('p', meta(2020, 'aacl'))).toBe(false);
  });

  it('drop excluded papers and papers by excluded authors', () => {
    const f = paperFilter({ excludeIds: ['p1'], excludeAuthorIds: ['x'] })!;
    expect(f('p1', meta(2020, 'acl'))).toBe(false);
    expect(f('p2', meta(2020, 'acl', ['y', 'x']))).toBe(false);
    expect(f('p3', meta(2020, 'acl', ['y']))).toBe(true);
  });
});
