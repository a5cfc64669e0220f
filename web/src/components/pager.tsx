/** Previous / Next for a paged list (`nextOffset` null: this is the last page). */
export function Pager({
  offset,
  limit,
  nextOffset,
  onChange,
}: {
  offset: number;
  limit: number;
  nextOffset: number | null;
  onChange: (offset: number) => void;
}) {
  if (offset === 0 && nextOffset === null) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        Previous
      </button>
      <button
        type="button"
        disabled={nextOffset === null}
        onClick={() => nextOffset !== null && onChange(nextOffset)}
      >
        Next
      </button>
    </nav>
  );
}
