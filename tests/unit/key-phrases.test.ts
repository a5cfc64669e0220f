import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isGenericWord, keyPhrases, paperPhrases } from '../../src/recommend/key-phrases.ts';

const ABSTRACT =
  'We study zero-shot machine translation and cross-lingual transfer for low-resource languages. ' +
  'Our novel framework further fused BERT-based encoders with dialogue state tracking; hence it achieves ' +
  'its superiority over state-of-the-art systems via multi-task learning.';

describe('key phrases', () => {
  it('finds the noun phrases of an abstract, hyphenated compounds whole', () => {
    const phrases = keyPhrases(ABSTRACT);
    expect(phrases).toEqual(
      expect.arrayContaining([
        'zero-shot machine translation',
        'low-resource languages',
        'multi-task learning',
        'dialogue state tracking',
      ]),
    );
    expect(phrases.some((p) => p.endsWith('BERT-based encoders'))).toBe(true);
    // Never cut inside a noun phrase.
    expect(phrases).not.toContain('shot machine translation');
    expect(phrases).not.toContain('resource languages');
  });

  it('never returns function words, verbs, adverbs, evaluative openers or one generic word', () => {
    const phrases = keyPhrases(ABSTRACT);
    for (const filler of ['achieves', 'hence', 'not', 'superiority', 'systems', 'framework', 'further fused'])
      expect(phrases).not.toContain(filler);
    expect(phrases.filter(isGenericWord)).toEqual([]);
    expect(phrases.every((p) => !/^(novel|state-of-the-art|further) /.test(p))).toBe(true);
  });

  it('keeps acronyms and names in their case and lower-cases ordinary words', () => {
    const phrases = keyPhrases(
      'Conversational Recommender Systems (CRS) with RoBERTa and Graph Neural Networks.',
    );
    expect(phrases).toEqual(
      expect.arrayContaining(['conversational recommender systems', 'CRS', 'graph neural networks']),
    );
  });

  it('puts author keywords first', () => {
    const phrases = paperPhrases({
      title: 'Dependency parsing with graph neural networks',
      abstract: 'A graph-based dependency parser decodes maximum spanning trees.',
      keywords: ['Syntax'],
    });
    expect(phrases[0]).toBe('syntax');
    expect(phrases).toEqual(expect.arrayContaining(['dependency parsing', 'maximum spanning trees']));
  });

  it('tells single generic words from topics', () => {
    for (const word of ['achieves', 'hence', 'types', 'not', 'fundamental', 'approach'])
      expect(isGenericWord(word)).toBe(true);
    for (const topic of ['BERT', 'dialogue state tracking', 'machine translation'])
      expect(isGenericWord(topic)).toBe(false);
  });

  it("when the module is only imported (as the API's event loop does), then the tagger's model is not loaded until a text is tagged", () => {
    // A process of its own: the model, once loaded, stays in the module cache of whoever loaded it.
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('wink-eng-lite-web-model'));
      const { keyPhrases } = await import('./src/recommend/key-phrases.ts');
      const before = loaded();
      const phrases = keyPhrases('We study zero-shot machine translation.');
      console.log(JSON.stringify({ before, after: loaded(), phrases }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      before: false,
      after: true,
      phrases: ['zero-shot machine translation'],
    });
  });
});
