/** How deep a request body may nest: OCPI objects go about 8 levels deep. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isOpen = (c: number) => c === 0x5b || c === 0x7b; // [ {
const isClose = (c: number) => c === 0x5d || c === 0x7d; // ] }

/**
 * What JSON.parse accepts but the node cannot take, found in one pass over the text before
 * it is parsed: nesting deeper than `maxDepth` (code that walks the value would overflow the
 * stack). Returns the problem in words, or undefined. Malformed JSON is left to JSON.parse to
 * describe. Strings PostgreSQL cannot hold (U+0000, lone surrogates) are valid JSON: the
 * model refuses them naming the field (2001), and the error handler maps what reaches the
 * database anyway.
 */
export function jsonTextProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === QUOTE) inString = false;
      else if (c === BACKSLASH) i++;
    } else if (c === QUOTE) inString = true;
    else if (isOpen(c)) {
      if (++depth > maxDepth) return `JSON nested deeper than ${maxDepth} levels`;
    } else if (isClose(c)) depth--;
  }
  return undefined;
}
