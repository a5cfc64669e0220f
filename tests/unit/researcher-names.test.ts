import { describe, expect, it } from 'vitest';
import { nameMatches, nameTokens } from '../../src/storage/researcher-names.ts';

describe('researcher name search', () => {
  it('folds accents and case into word tokens', () => {
    expect(nameTokens('Lluís Màrquez-Villodre')).toEqual(['lluis', 'marquez', 'villodre']);
  });

  it('matches when every query word is a prefix of a name word, in any order', () => {
    expect(nameMatches(['sh', 'qij'], 'Qijie Shen')).toBe(true);
    expect(nameMatches(['shen', 'x'], 'Qijie Shen')).toBe(false);
  });
});
