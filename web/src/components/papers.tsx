import type { ComponentChildren } from 'preact';
import type { Paper } from '../api/client.ts';
import { paperHref, researcherHref } from '../router.ts';
import { Pager } from './pager.tsx';
import { Empty } from './status.tsx';

/** One paper in a list: title (opens the paper), year, venue, authors (open the researchers). */
export function PaperItem({
  paper,
  score,
  children,
}: {
  paper: Paper;
  score?: number;
  children?: ComponentChildren;
}) {
  return (
    <li class="paper-item">
      <div class="paper-head">
        <a class="paper-title" href={paperHref(paper.id)}>
          {paper.title}
        </a>
        {score !== undefined && <ScoreBar score={score} label="similarity" />}
      </div>
      <div class="muted">
        {paper.year}
        {paper.venue ? ` · ${paper.venue}` : ''}
        {' · '}
        <Authors authors={paper.authors} />
      </div>
      {children}
    </li>
  );
}

const SHOWN_AUTHORS = 6;

export function Authors({ authors }: { authors: Paper['authors'] }) {
  const shown = authors.slice(0, SHOWN_AUTHORS);
  return (
    <span class="authors">
      {shown.map((a, i) => (
        <span key={a.id}>
          {i > 0 && ', '}
          <a href={researcherHref(a.id)}>{a.name}</a>
        </span>
      ))}
      {authors.length > SHOWN_AUTHORS && ` and ${authors.length - SHOWN_AUTHORS} more`}
    </span>
  );
}

/** A score in [0, 1] as a bar and a number (cosine similarities below 0 show as an empty bar). */
export function ScoreBar({ score, label }: { score: number; label: string }) {
  const percent = Math.round(Math.max(0, Math.min(1, score)) * 100);
  return (
    <span class="score" title={`${label} ${score.toFixed(3)}`}>
      <span class="score-bar" aria-hidden="true">
        <span style={{ width: `${percent}%` }} />
      </span>
      <span class="score-value">{score.toFixed(2)}</span>
    </span>
  );
}

type Paging = {
  offset: number;
  limit: number;
  nextOffset: number | null;
  onChange: (offset: number) => void;
};

/** Papers (scored when ranked), with a pager when the list has pages, or a message when there are none. */
export function PaperList({
  items,
  empty,
  paging,
  testId,
}: {
  items: { paper: Paper; score?: number }[];
  empty: string;
  paging?: Paging;
  testId?: string;
}) {
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      <ul class="paper-list" data-testid={testId}>
        {items.map((item) => (
          <PaperItem key={item.paper.id} paper={item.paper} score={item.score} />
        ))}
      </ul>
      {paging && <Pager {...paging} />}
    </>
  );
}

/** Words shown as chips: topics, keywords, shared topics. */
export function Chips({ words }: { words: string[] }) {
  return (
    <ul class="chips">
      {words.map((word) => (
        <li key={word} class="chip">
          {word}
        </li>
      ))}
    </ul>
  );
}
