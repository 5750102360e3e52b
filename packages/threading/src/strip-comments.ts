// RFC 5322 comments removed from a structured header value in one pass (a regex like `\([^)]*\)`
// rescans the rest of the value from every `(`, which is quadratic on a run of them).

import { skipComment, skipQuoted } from './parse-message-id-list';

/**
 * `value` with every comment, nested or escaped, replaced by `replacement` (a space by default).
 * Quoted strings are kept whole, so `boundary="(x)"` is untouched. An unclosed comment runs to the
 * end of the value, as in skipComment. Linear time; never throws.
 */
export function stripComments(value: string, replacement = ' '): string {
  if (!value.includes('(')) return value;
  let out = '';
  let last = 0;
  let i = 0;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c === 0x22 /* " */) i = skipQuoted(value, i);
    else if (c === 0x28 /* ( */) {
      out += value.slice(last, i) + replacement;
      i = skipComment(value, i);
      last = i;
    } else i++;
  }
  return out + value.slice(last);
}
