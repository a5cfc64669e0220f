import { createRequire } from 'node:module';
import { setImmediate } from 'node:timers/promises';
import { eng } from 'stopword';
import type { ItemToken, WinkMethods } from 'wink-nlp';

/**
 * Key phrases of a text: the noun phrases a researcher would put in a keyword list. wink-nlp tags the
 * parts of speech; a phrase is a run of adjectives and nouns (and gerunds after them, as in "dependency
 * parsing") that ends in a noun, with hyphenated
 * compounds ("zero-shot", "BERT-based") kept whole. Evaluative openers ("novel", "further",
 * "state-of-the-art") are dropped, and what is left must name something: two words or more, or an
 * acronym or name such as "BERT". Phrases are never cut: a run longer than MAX_WORDS is left out.
 */
let loadedTagger: WinkMethods | null = null;

/**
 * The part-of-speech tagger, loaded on first use: its model takes ≈ 26 MiB of the heap of the thread
 * that loads it, which made each full garbage collection of the API's event loop ≈ 4× longer (12 against
 * 3 ms in a bare process), though that loop only needs this module's constants; the API tags in its
 * phrase thread.
 */
function tagger(): WinkMethods {
  if (!loadedTagger) {
    const require = createRequire(import.meta.url);
    const winkNLP = require('wink-nlp') as typeof import('wink-nlp').default;
    loadedTagger = winkNLP(require('wink-eng-lite-web-model'), ['sbd', 'pos']);
  }
  return loadedTagger;
}

/**
 * Bump when the phrases stored per paper change: it is part of every paper's content hash, so
 * re-importing the same papers stores their new phrases (and document frequencies) once.
 */
export const PHRASES_VERSION = 'noun-phrases-v1';

const MAX_WORDS = 5;
const MAX_PHRASES_PER_PAPER = 200;

/** Words that open many phrases and say nothing about their subject. */
const OPENERS = new Set(
  (
    'novel new various different several further existing previous recent other such many much great ' +
    'significant simple effective efficient unified proposed current extensive comprehensive additional ' +
    'main key important specific certain multiple diverse overall popular particular prior promising ' +
    'superior better best strong substantial competitive improved original vast rich wide broad whole ' +
    'state-of-the-art well-known so-called good high-quality first second third last same similar ' +
    'possible real general typical standard various numerous few little more most less least own'
  ).split(' '),
);

/** Heads that name no topic with one generic word before them ("proposed framework" → nothing). */
const GENERIC_HEADS = new Set(
  (
    'approach approaches method methods framework frameworks model models paper papers work works task ' +
    'tasks result results performance system systems problem problems study studies analysis way ways ' +
    'technique techniques strategy strategies setting settings experiment experiments improvement ' +
    'improvements effectiveness superiority type types aspect aspects issue issues case cases number ' +
    'variety range set sets amount lot kind kinds part parts use usage need needs fact end terms'
  ).split(' '),
);

type Word = { text: string; pos: string };

/** Tokens with hyphen-joined compounds merged into one word (POS: a noun stays a noun, else adjective). */
function words(text: string): Word[] {
  const nlp = tagger();
  const its = nlp.its;
  const doc = nlp.readDoc(text);
  const out: Word[] = [];
  let joinNext = false;
  doc.tokens().each((token: ItemToken) => {
    const value = token.out();
    const pos = token.out(its.pos);
    const spaced = token.out(its.precedingSpaces) !== '';
    const last = out[out.length - 1];
    if (value === '-' && !spaced && last && last.pos !== 'PUNCT') {
      joinNext = true;
      last.text += '-';
      return;
    }
    if (joinNext && last && !spaced) {
      last.text += value;
      last.pos = pos === 'NOUN' || pos === 'PROPN' ? 'NOUN' : 'ADJ';
      joinNext = false;
      return;
    }
    joinNext = false;
    out.push({ text: value, pos: last?.text.endsWith('-') && spaced ? 'PUNCT' : pos });
  });
  return out;
}

/** Acronyms and names keep their case ("BERT", "RoBERTa"); ordinary words are lower-cased. */
function normalise(word: string): string {
  const capitals = word.replace(/[^\p{Lu}]/gu, '').length;
  return capitals >= 2 ? word : word.toLowerCase();
}

function isName(word: string): boolean {
  return /\p{Lu}.*\p{Lu}/u.test(word) && /\p{L}/u.test(word);
}

/** Turns one run of modifiers + head into a phrase, or null when it names nothing. */
function phraseOf(run: Word[]): string | null {
  let start = 0;
  while (start < run.length - 1 && OPENERS.has(run[start]!.text.toLowerCase())) start += 1;
  const kept = run.slice(start);
  if (kept.length > MAX_WORDS || kept.length === 0) return null;
  if (kept.some((w) => !/\p{L}/u.test(w.text) || w.text.length > 40)) return null;
  const head = kept[kept.length - 1]!.text.toLowerCase();
  if (kept.length === 1) return isName(kept[0]!.text) ? kept[0]!.text : null;
  if (kept.length === 2 && GENERIC_HEADS.has(head) && !isName(kept[0]!.text)) return null;
  if (OPENERS.has(kept[0]!.text.toLowerCase())) return null;
  return kept.map((w) => normalise(w.text)).join(' ');
}

/** The distinct key phrases of a text, in order of first appearance. */
export function keyPhrases(text: string): string[] {
  const phrases = new Set<string>();
  let run: Word[] = [];
  const close = () => {
    // A run must end in a noun: trailing adjectives are not part of the phrase.
    while (run.length > 0 && run[run.length - 1]!.pos === 'ADJ') run.pop();
    const phrase = run.length > 0 ? phraseOf(run) : null;
    if (phrase) phrases.add(phrase);
    run = [];
  };
  for (const word of words(text)) {
    if (word.pos === 'ADJ' || word.pos === 'NOUN' || word.pos === 'PROPN') run.push(word);
    // A gerund after a modifier names an activity: "dependency parsing", "multi-task learning".
    else if (word.pos === 'VERB' && run.length > 0 && /\p{L}ing$/u.test(word.text))
      run.push({ text: word.text, pos: 'NOUN' });
    else close();
  }
  close();
  return [...phrases].slice(0, MAX_PHRASES_PER_PAPER);
}

export type PhraseSource = { title: string; abstract: string; keywords?: string[] };

/** A paper's key phrases: its author keywords first, then the phrases of its title and abstract. */
export function paperPhrases(paper: PhraseSource): string[] {
  const keywords = (paper.keywords ?? []).map((k) => k.trim()).filter((k) => k.length > 0);
  return [...new Set([...keywords.map(normalise), ...keyPhrases(`${paper.title}.\n${paper.abstract}`)])];
}

const STOPWORDS = new Set(eng);

/**
 * Whether a topic is a single generic word: an English stopword (the stopword package's list), one of
 * the openers or generic heads above, or a single word that is not tagged as a noun or a name (a verb,
 * adverb, adjective, …). The evaluation reports the share of such topics.
 */
export function isGenericWord(topic: string): boolean {
  if (topic.trim().includes(' ')) return false;
  const word = topic.trim().toLowerCase();
  if (STOPWORDS.has(word) || OPENERS.has(word) || GENERIC_HEADS.has(word)) return true;
  const tagged = words(topic);
  return tagged.length !== 1 || !['NOUN', 'PROPN'].includes(tagged[0]!.pos);
}

/** Papers tagged between two turns of the event loop (0.4–0.7 ms each here): others wait at most a slice. */
const PAPERS_PER_SLICE = 4;

/**
 * paperPhrases of many papers, giving the event loop a turn every few papers: tagging a 256-paper
 * ingest takes most of a second, which in one piece held every other request of the API that long.
 */
export async function papersPhrases(papers: PhraseSource[]): Promise<string[][]> {
  const phrases: string[][] = [];
  for (const [i, paper] of papers.entries()) {
    if (i > 0 && i % PAPERS_PER_SLICE === 0) await setImmediate();
    phrases.push(paperPhrases(paper));
  }
  return phrases;
}
