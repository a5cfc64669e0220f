import { z } from 'zod';

/**
 * Ids of papers and researchers travel in URL paths, Redis key names and job ids: letters and digits
 * of any script (author ids such as 冬瑜-张 exist) and . _ : ~ + -, starting with a letter or digit;
 * no slashes, spaces, braces (Redis Cluster hashtags), wildcards or control characters.
 */
export const ID_RULE =
  'an id is 1 to 200 letters, digits and . _ : ~ + - (no spaces, slashes, braces or *), starting with a letter or digit';
const ID_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}._:~+-]{0,199}$/u;

/** A value that breaks the id rule is refused with 422 (see the HTTP error handler). */
export const idSchema = z.string().refine((value) => ID_PATTERN.test(value), {
  message: ID_RULE,
  params: { rule: 'id' },
});
