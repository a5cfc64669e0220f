import { useState } from 'preact/hooks';
import { api, flag, ok, type Suggestion } from '../api/client.ts';
import { paperHref, researcherHref } from '../router.ts';
import { Chips, ScoreBar } from './papers.tsx';
import { Empty, Show, useApi, useDebounced } from './status.tsx';

const LIMIT = 20;

type Controls = {
  /** null until the user moves it: the API's default, read back from the answer. */
  novelty: number | null;
  diversity: number | null;
  excludeCoauthors: boolean;
  openToCollaborateOnly: boolean;
};

/** Suggested collaborators with their evidence; the sliders and toggles re-rank as they move. */
export function Suggestions({ id }: { id: string }) {
  const [controls, setControls] = useState<Controls>({
    novelty: null,
    diversity: null,
    excludeCoauthors: true,
    openToCollaborateOnly: false,
  });
  const asked = useDebounced(controls, 250);
  const [state, retry] = useApi(
    () =>
      ok(
        api.GET('/v1/researchers/{id}/collaborators', {
          params: {
            path: { id },
            query: {
              limit: LIMIT,
              excludeCoauthors: flag(asked.excludeCoauthors),
              openToCollaborateOnly: flag(asked.openToCollaborateOnly),
              ...(asked.novelty === null ? {} : { novelty: asked.novelty }),
              ...(asked.diversity === null ? {} : { diversity: asked.diversity }),
            },
          },
        }),
      ),
    [id, asked],
  );
  const applied = state.status === 'ok' ? state.data.options : null;
  const novelty = controls.novelty ?? applied?.novelty ?? 0;
  const diversity = controls.diversity ?? applied?.diversity ?? 0;
  const set = (change: Partial<Controls>) => setControls((c) => ({ ...c, ...change }));

  return (
    <div class="suggestions">
      <form class="panel controls" aria-label="Ranking controls" onSubmit={(e) => e.preventDefault()}>
        <Slider
          id="novelty"
          label="Novelty"
          help="0: people near in the co-author graph · 1: far in the graph but close in topic"
          value={novelty}
          onChange={(value) => set({ novelty: value })}
        />
        <Slider
          id="diversity"
          label="Diversity"
          help="spreads the list over co-author groups among near-ties"
          value={diversity}
          onChange={(value) => set({ diversity: value })}
        />
        <label class="toggle">
          <input
            type="checkbox"
            checked={controls.excludeCoauthors}
            onChange={(e) => set({ excludeCoauthors: e.currentTarget.checked })}
          />
          Leave out existing co-authors
        </label>
        <label class="toggle">
          <input
            type="checkbox"
            checked={controls.openToCollaborateOnly}
            onChange={(e) => set({ openToCollaborateOnly: e.currentTarget.checked })}
          />
          Only people open to collaborate
        </label>
      </form>
      <Show state={state} what="suggestions" retry={retry}>
        {(answer) => (
          <section aria-busy={state.status === 'ok' && state.refreshing} aria-labelledby="suggestions-title">
            <h2 id="suggestions-title" class="visually-hidden">
              Suggested collaborators
            </h2>
            <p class="muted method">
              {answer.method.kind === 'learned'
                ? 'Ranked by the learned model'
                : 'Ranked by the classic order (no learned model yet)'}
              {answer.computedAt ? ` · precomputed ${new Date(answer.computedAt).toLocaleString()}` : ''}
            </p>
            {answer.items.length === 0 ? (
              <Empty>No suggestions with these settings.</Empty>
            ) : (
              <ol class="suggestion-list" data-testid="suggestion-list">
                {answer.items.map((s, i) => (
                  <SuggestionItem key={s.researcher.id} suggestion={s} rank={i + 1} />
                ))}
              </ol>
            )}
          </section>
        )}
      </Show>
    </div>
  );
}

function Slider({
  id,
  label,
  help,
  value,
  onChange,
}: {
  id: string;
  label: string;
  help: string;
  value: number;
  onChange: (value: number) => void;
}) {
  return (
    <div class="slider">
      <label for={`${id}-slider`}>
        {label} <output for={`${id}-slider`}>{value.toFixed(2)}</output>
      </label>
      <input
        id={`${id}-slider`}
        type="range"
        min={0}
        max={1}
        step={0.05}
        value={value}
        aria-describedby={`${id}-help`}
        onInput={(e) => onChange(Number(e.currentTarget.value))}
      />
      <small id={`${id}-help`} class="muted">
        {help}
      </small>
    </div>
  );
}

function SuggestionItem({ suggestion, rank }: { suggestion: Suggestion; rank: number }) {
  const [open, setOpen] = useState(rank === 1);
  const { researcher, evidence } = suggestion;
  const panelId = `evidence-${rank}`;
  return (
    <li class="suggestion panel" data-researcher={researcher.id}>
      <div class="suggestion-head">
        <span class="rank">{rank}</span>
        <div class="who">
          <a href={researcherHref(researcher.id)} class="name">
            {researcher.name}
          </a>
          <span class="muted">{researcher.affiliations.join(' · ')}</span>
        </div>
        <ScoreBar score={suggestion.score} label="match score" />
        <span class={suggestion.canInvite ? 'badge good' : 'badge muted'} title={suggestion.inviteHint ?? ''}>
          {suggestion.canInvite ? 'can be invited' : 'cannot be invited'}
        </span>
        <button type="button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
          {open ? 'Hide evidence' : 'Why?'}
        </button>
      </div>
      {open && (
        <div id={panelId} class="evidence" data-testid="evidence">
          {!suggestion.canInvite && suggestion.inviteHint && <p class="muted">{suggestion.inviteHint}</p>}
          <Evidence suggestion={suggestion} />
        </div>
      )}
      {!open && evidence.sharedTopics.length > 0 && (
        <p class="muted summary">Shared topics: {evidence.sharedTopics.slice(0, 3).join(', ')}</p>
      )}
    </li>
  );
}

function Evidence({ suggestion }: { suggestion: Suggestion }) {
  const { evidence } = suggestion;
  const pair = evidence.closestPapers;
  const parts = Object.entries(suggestion.scoreParts)
    .filter(([, v]) => Math.abs(v) > 1e-6)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, 5);
  return (
    <>
      <div class="evidence-grid">
        <div>
          <h3>Shared topics</h3>
          {evidence.sharedTopics.length === 0 ? (
            <p class="muted">none in common</p>
          ) : (
            <Chips words={evidence.sharedTopics} />
          )}
        </div>
        <div data-testid="mutual-coauthors">
          <h3>Mutual co-authors</h3>
          {evidence.mutualCoauthors.length === 0 ? (
            <p class="muted">
              none
              {evidence.graphDistance === null
                ? ' (not connected in the co-author graph)'
                : ` (${evidence.graphDistance} steps apart in the co-author graph)`}
            </p>
          ) : (
            <ul class="people inline">
              {evidence.mutualCoauthors.map((m) => (
                <li key={m.id}>
                  <a href={researcherHref(m.id)}>{m.name}</a>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {pair && (
        <div class="paper-pair" data-testid="paper-pair">
          <h3>Closest pair of papers · similarity {pair.similarity.toFixed(2)}</h3>
          <div class="pair">
            <div>
              <span class="muted">Theirs</span>
              <a href={paperHref(pair.theirs.id)}>{pair.theirs.title}</a>
              <span class="muted">{pair.theirs.year}</span>
            </div>
            <div>
              <span class="muted">Yours</span>
              {pair.mine ? (
                <>
                  <a href={paperHref(pair.mine.id)}>{pair.mine.title}</a>
                  <span class="muted">{pair.mine.year}</span>
                </>
              ) : (
                <span class="muted">your pasted text</span>
              )}
            </div>
          </div>
        </div>
      )}
      {evidence.citations.length > 0 && (
        <p>
          <strong>Citations:</strong> {evidence.citations.join('; ')}
        </p>
      )}
      {parts.length > 0 && (
        <details class="score-parts">
          <summary>What the score is made of</summary>
          <ul>
            {parts.map(([name, value]) => (
              <li key={name}>
                {name}: {value > 0 ? '+' : ''}
                {value.toFixed(3)}
              </li>
            ))}
          </ul>
        </details>
      )}
      <p class="muted">Found through: {evidence.sources.join(', ') || '—'}</p>
    </>
  );
}
