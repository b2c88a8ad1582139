import { describe, expect, it } from 'vitest';
import { formatDateTime, parseDateTime } from '../../src/transport/datetime.ts';

describe('DateTime', () => {
  it.each([
    ['2015-06-29T20:39:09Z', '2015-06-29T20:39:09Z'],
    ['2015-06-29T20:39:09', '2015-06-29T20:39:09Z'],
    ['2015-06-29T20:39:09.123Z', '2015-06-29T20:39:09.123Z'],
    ['2015-06-29T20:39:09.123456789', '2015-06-29T20:39:09.123Z'],
    ['2015-06-29T22:39:09+02:00', '2015-06-29T20:39:09Z'],
    ['2015-06-29t20:39:09z', '2015-06-29T20:39:09Z'],
  ])('reads %s liberally and writes %s', (input, output) => {
    const date = parseDateTime(input);
    expect(date).toBeDefined();
    expect(formatDateTime(date as Date)).toBe(output);
  });

  it.each([
    '',
    'yesterday',
    '2015-06-29',
    '2015-02-31T00:00:00Z',
    '2015-06-29 20:39:09',
    '2015-13-01T00:00:00Z',
  ])('refuses %j', (input) => {
    expect(parseDateTime(input)).toBeUndefined();
  });
});
