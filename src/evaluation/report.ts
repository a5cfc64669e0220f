import path from 'node:path';
import type { ExposureRow } from './exposure.ts';

/** What an evaluation run measured: the JSON written by `npm run eval --json`. */
export type EvaluationReport = {
  data: {
    file: string;
    trainPapers: number;
    testPapers: number;
    rejectedLines: number;
    trainResearchers: number;
  };
  splitYear: number;
  queries: { eligible: number; evaluated: number; newcomers: number; relatedPapers: number };
  collaborators: Record<string, Record<string, number>>;
  /** Each diversity setting's list: ranking metrics beside what the variety buys. */
  diversity: ({ diversity: number } & Record<string, number>)[];
  /** Concentration of the default lists' top-10 slots, plain and under each exposure cap. */
  exposure: ExposureRow[];
  /** Share of the future co-authors that the candidate set holds at all: the ceiling of any ranker. */
  candidateRecall: { share: number; meanCandidates: number };
  /** Recall@10 of the future co-authors at two hops, at three or more, and of newcomers' (one paper). */
  segments: Record<string, Record<string, number>>;
  /** Time to rank one query author (every candidate), milliseconds. */
  rankingMs: { p50: number; p99: number };
  relatedPapers: Record<string, Record<string, number>>;
  /** The citation graph's effect on the default list (see evaluateCitationEffect). */
  citations: {
    papersWithReferences: number;
    citationEdges: number;
    note: string;
    defaultRecall10?: number;
    defaultRecall10WithoutCitations?: number;
  };
  /** Profile topics of a sample of query authors (see evaluateTopics). */
  topics: {
    researchers: number;
    top5InOwnTitlesShare: number;
    singleGenericWordShare: number;
    examples: Record<string, string[]>;
  };
  ratios: {
    defaultRecall10OverBestBaseline: number;
    hybridRecall10OverBestBaseline: number;
    bestBaseline: string;
  };
  model: unknown;
  seconds: Record<string, number>;
  finishedAt: string;
};

/** Rows of objects as a Markdown table, numbers with four decimals. */
function table(first: string, rows: [string, Record<string, number>][]): string[] {
  const columns = Object.keys(rows[0]?.[1] ?? {});
  const cell = (v: number | undefined) =>
    v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toFixed(4);
  return [
    `| ${first} | ${columns.join(' | ')} |`,
    `|---|${columns.map(() => '---').join('|')}|`,
    ...rows.map(([name, values]) => `| ${name} | ${columns.map((c) => cell(values[c])).join(' | ')} |`),
  ];
}

function citationLine(citations: EvaluationReport['citations']): string {
  const { papersWithReferences, citationEdges, defaultRecall10, defaultRecall10WithoutCitations } = citations;
  if (defaultRecall10 === undefined || defaultRecall10WithoutCitations === undefined)
    return `Citations: ${citations.note} (${papersWithReferences} papers with references, ${citationEdges} citations between stored papers).`;
  return (
    `Citations: ${citationEdges} between stored papers (${papersWithReferences} papers with references); ` +
    `the default list's Recall@10 is ${defaultRecall10.toFixed(4)} with them and ` +
    `${defaultRecall10WithoutCitations.toFixed(4)} without them.`
  );
}

/** The report as Markdown tables. */
export function formatReport(report: EvaluationReport): string {
  const lines = [
    ...table('method', Object.entries(report.collaborators)),
    '',
    `Candidate recall (future co-authors in the candidate set at all): ${report.candidateRecall.share.toFixed(4)}, ` +
      `${report.candidateRecall.meanCandidates} candidates per query on average.`,
    '',
    ...table(
      'diversity',
      report.diversity.map(({ diversity, ...rest }) => [String(diversity), rest]),
    ),
    '',
    ...table('Recall@10 by segment', Object.entries(report.segments)),
    '',
    'Exposure of the default lists (top 10 of every query author): plain, and with each candidate capped ' +
      'at N top-10 slots, handed out by match strength as the invitation digest does (coverage: share of ' +
      'everyone in some candidate set who is in at least one top 10; Gini over that pool; share of slots ' +
      'taken by the 1% most productive researchers).',
    '',
    ...table(
      'exposure cap',
      report.exposure.map(({ cap, ...rest }) => [cap === null ? 'none (default list)' : String(cap), rest]),
    ),
    '',
    `Profile topics of ${report.topics.researchers} query authors: ` +
      `${(report.topics.top5InOwnTitlesShare * 100).toFixed(1)}% of their top five occur in their own titles; ` +
      `${(report.topics.singleGenericWordShare * 100).toFixed(1)}% are a single generic word. Examples: ` +
      Object.values(report.topics.examples)
        .map((topics) => `“${topics.join(', ')}”`)
        .join('; '),
    '',
    citationLine(report.citations),
    '',
    '| related papers | recall@20 |',
    '|---|---|',
    ...Object.entries(report.relatedPapers).map(
      ([method, values]) => `| ${method} | ${values['recall@20']!.toFixed(4)} |`,
    ),
  ];
  return lines.join('\n');
}

/** The page docs/EVALUATION.md: data, split, numbers and how long each step took. */
export function evaluationMarkdown(report: EvaluationReport): string {
  const minutes = (Object.values(report.seconds).reduce((a, b) => a + b, 0) / 60).toFixed(1);
  return [
    '# Evaluation',
    '',
    'Produced by `npm run eval` (src/evaluation/harness.ts); run it again to refresh this page.',
    '',
    `- data: \`${path.basename(report.data.file)}\`: ${report.data.trainPapers} papers before ${report.splitYear}, ` +
      `${report.data.testPapers} from ${report.splitYear} on, ${report.data.rejectedLines} rejected lines; ` +
      `${report.data.trainResearchers} researchers before the split`,
    `- split year ${report.splitYear}; query authors: ${report.queries.evaluated} evaluated of ${report.queries.eligible} eligible ` +
      '(≥2 papers before the split and ≥1 new co-author after it who also wrote before it); co-authors from before the split are excluded from every ranking; ' +
      `${report.queries.newcomers} newcomers (exactly one paper before the split) for the newcomers segment`,
    `- related papers: ${report.queries.relatedPapers} of those authors have papers from the split on; ` +
      'Recall@20 of their own papers among all papers from the split on',
    `- seconds by step: ${Object.entries(report.seconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} (total ${minutes} min on 2 cores)`,
    `- ranking model learned inside the period before the split (weights on standardised features and their hinges above each knot): \`${JSON.stringify(report.model)}\``,
    '',
    formatReport(report),
    '',
    `The default list's Recall@10 is **${report.ratios.defaultRecall10OverBestBaseline.toFixed(3)}×** the best of ` +
      `Adamic–Adar and topic-only (${report.ratios.bestBaseline}); the plain ranking (diversity 0) ` +
      `${report.ratios.hybridRecall10OverBestBaseline.toFixed(3)}×. Ranking one query author: ` +
      `p50 ${report.rankingMs.p50} ms, p99 ${report.rankingMs.p99} ms.`,
    '',
    `Finished ${report.finishedAt}.`,
    '',
  ].join('\n');
}
