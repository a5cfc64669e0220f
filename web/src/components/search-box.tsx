import { useState } from 'preact/hooks';
import { api, ok, type Researcher } from '../api/client.ts';
import { navigate } from '../router.ts';
import { useApi, useDebounced } from './status.tsx';

const SUGGESTIONS = 8;

/** Type-ahead search of researchers by name (an ARIA combobox: arrows move, Enter opens, Escape closes). */
export function SearchBox() {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const query = useDebounced(text.trim(), 200);
  const [state] = useApi<Researcher[]>(
    async () =>
      query
        ? (await ok(api.GET('/v1/researchers', { params: { query: { q: query, limit: SUGGESTIONS } } })))
            .items
        : [],
    [query],
  );
  const items = state.status === 'ok' ? state.data : [];
  const showList = open && query.length > 0;

  const choose = (researcher: Researcher | undefined) => {
    if (!researcher) return;
    setOpen(false);
    setText('');
    navigate({ page: 'researcher', id: researcher.id, tab: 'overview' });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, items.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(items[active]);
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  };

  return (
    <div class="search-box">
      <label for="researcher-search" class="visually-hidden">
        Search researchers by name
      </label>
      <input
        id="researcher-search"
        type="search"
        // biome-ignore lint/a11y/noRedundantRoles: the ARIA combobox pattern names the role on the input
        role="combobox"
        list={undefined}
        aria-expanded={showList}
        aria-controls="researcher-search-results"
        aria-autocomplete="list"
        aria-activedescendant={showList && items[active] ? `researcher-option-${active}` : undefined}
        placeholder="Search researchers by name…"
        autoComplete="off"
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setOpen(true);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
      />
      {showList && (
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the combobox pattern's listbox
        <ul id="researcher-search-results" role="listbox" class="search-results">
          {state.status === 'loading' && <li class="muted">Searching…</li>}
          {state.status === 'error' && <li class="muted">Search failed: {state.error.message}</li>}
          {state.status === 'ok' && items.length === 0 && (
            <li class="muted">No researcher named “{query}”</li>
          )}
          {items.map((researcher, i) => (
            // biome-ignore lint/a11y/useFocusableInteractive: options are reached with aria-activedescendant
            <li
              key={researcher.id}
              id={`researcher-option-${i}`}
              // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the combobox pattern's options
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(researcher);
              }}
            >
              <span class="name">{researcher.name}</span>
              {researcher.affiliations[0] && <span class="muted"> · {researcher.affiliations[0]}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
