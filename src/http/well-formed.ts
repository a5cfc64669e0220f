/**
 * The path of the first string in a parsed request value that is not well-formed Unicode (a lone
 * surrogate, which JSON can carry as "\ud800"), or null. Such strings cannot be stored as UTF-8.
 */
export function malformedStringPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : path || '(value)';
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    if (!key.isWellFormed()) return `${path}${path ? '.' : ''}(a key)`;
    const found = malformedStringPath(child, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}
