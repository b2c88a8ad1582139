/** How deep a request body may nest: OCPI objects go about 8 levels deep. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const U = 0x75;
const isOpen = (c: number) => c === 0x5b || c === 0x7b; // [ {
const isClose = (c: number) => c === 0x5d || c === 0x7d; // ] }

/** The code unit of the four hex digits at `at`, or -1. */
function hex4(text: string, at: number): number {
  const digits = text.slice(at, at + 4);
  return /^[0-9a-f]{4}$/i.test(digits) ? Number.parseInt(digits, 16) : -1;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * What JSON.parse accepts but the node cannot take, found in one pass over the text
 * before it is parsed: nesting deeper than `maxDepth` (code that walks the value would
 * overflow the stack), and strings with U+0000 or an unpaired surrogate escape, which
 * PostgreSQL cannot store. Returns the problem in words, or undefined. Malformed JSON
 * is left to JSON.parse to describe.
 */
export function jsonTextProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!inString) {
      if (c === QUOTE) inString = true;
      else if (isOpen(c)) {
        if (++depth > maxDepth) return `JSON nested deeper than ${maxDepth} levels`;
      } else if (isClose(c)) depth--;
      continue;
    }
    if (c === QUOTE) inString = false;
    else if (c === BACKSLASH) {
      if (text.charCodeAt(i + 1) !== U) {
        i++;
        continue;
      }
      const code = hex4(text, i + 2);
      i += 5;
      if (code === 0) return 'strings may not contain U+0000';
      if (isLow(code)) return 'strings may not contain an unpaired surrogate (\\udc00-\\udfff)';
      if (isHigh(code)) {
        const next = text.slice(i + 1, i + 3) === '\\u' ? hex4(text, i + 3) : -1;
        if (!isLow(next)) return 'strings may not contain an unpaired surrogate (\\ud800-\\udbff)';
        i += 6;
      }
    }
  }
  return undefined;
}
