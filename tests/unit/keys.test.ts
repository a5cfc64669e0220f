import { describe, expect, it } from 'vitest';
import { createKeys } from '../../src/storage/keys.ts';

describe('Redis key builders', () => {
  const keys = createKeys('ps');

  it('put every key under the hashtagged prefix, so one deployment lives on one cluster slot', () => {
    const all = [
      keys.paper('P1'),
      keys.papers(),
      keys.researcher('r'),
      keys.researchers(),
      keys.researcherPapers('r'),
      keys.affiliations('r'),
      keys.researcherNames(),
      keys.paperChanges(),
      keys.termDocumentFrequency(),
      keys.rankerModels(),
      keys.epoch(),
    ];
    for (const key of all) expect(key.startsWith('{ps}:')).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });

  it('give Lua scripts the same prefixes the builders use', () => {
    expect(keys.luaKeyPrefixes.paper + 'P1').toBe(keys.paper('P1'));
    expect(keys.luaKeyPrefixes.researcher + 'r').toBe(keys.researcher('r'));
    expect(keys.luaKeyPrefixes.researcherPapers + 'r').toBe(keys.researcherPapers('r'));
  });

  it('keep two prefixes apart', () => {
    expect(createKeys('a').paper('x')).not.toBe(createKeys('b').paper('x'));
  });
});
