import { describe, expect, it } from 'vitest';
import { jsonTextProblem } from '../../src/transport/json-text.ts';

describe('jsonTextProblem: what JSON.parse takes but the node cannot', () => {
  it.each([
    ['plain objects', '{"a": [1, {"b": "c"}], "d": null}'],
    ['brackets inside strings', JSON.stringify({ a: '[[[[{{{{'.repeat(100) })],
    ['an escaped backslash before u0000', '{"a": "\\\\u0000"}'],
    ['escaped quotes', '{"a": "say \\"[[[\\" twice"}'],
    ['a surrogate pair', '{"a": "\\ud83d\\ude00"}'],
    ['U+0000 and lone surrogates (valid JSON: the model names the field)', '{"a": "x\\u0000\\ud800"}'],
    ['64 levels', `${'['.repeat(64)}${']'.repeat(64)}`],
    ['malformed JSON (left to JSON.parse)', '{"a": '],
  ])('accepts %s', (_what, text) => {
    expect(jsonTextProblem(text)).toBeUndefined();
  });

  it.each([
    ['65 levels', `${'['.repeat(65)}${']'.repeat(65)}`, /nested deeper than 64 levels/],
    ['100,000 levels', '['.repeat(100_000), /nested deeper than 64 levels/],
  ])('refuses %s', (_what, text, problem) => {
    expect(jsonTextProblem(text)).toMatch(problem);
  });
});
