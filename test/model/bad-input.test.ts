import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseObject, renderObject } from '../../src/model/objects.ts';
import { ocpi } from '../support/cli.ts';
import { type ExampleFolder, exampleJson, SPEC_FIXTURES } from '../support/spec-fixtures.ts';

const example = (version: ExampleFolder, file: string) =>
  exampleJson(version, file) as Record<string, unknown>;

/** Applies one change at a JSON pointer: a value, or `undefined` to delete. */
function mutate(obj: Record<string, unknown>, pointer: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const parts = pointer.split('/').slice(1);
  let target = copy as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) target = target[p] as Record<string, unknown>;
  const last = parts[parts.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

const SOURCES: Record<string, ['2.2.1' | '2.3.0', string, string]> = {
  location: ['2.2.1', 'Location', 'location_example.json'],
  location230: ['2.3.0', 'Location', 'location_example.json'],
  tariff: ['2.2.1', 'Tariff', 'tariff_4_complex.json'],
  tariff230: ['2.3.0', 'Tariff', 'tariff_4_complex.json'],
  token: ['2.2.1', 'Token', 'token_example_2_full_rfid.json'],
  session: ['2.2.1', 'Session', 'session_example_2_short_finished.json'],
  cdr: ['2.2.1', 'CDR', 'cdr_example.json'],
  credentials: ['2.2.1', 'Credentials', 'credentials_example.json'],
};

// [source, JSON pointer, new value (undefined = removed), expected path, expected problem]
const BROKEN: Array<[string, string, unknown, string, RegExp]> = [
  ['location', '/address', undefined, '/address', /is required/],
  ['location', '/country_code', 'NLD', '/country_code', /at most 2 characters/],
  ['location', '/last_updated', '2019-06-24 12:39:09', '/last_updated', /must be a DateTime/],
  ['location', '/publish', 'yes', '/publish', /boolean/i],
  ['location', '/evses/0/status', 'BROKEN', '/evses/0/status', /must be one of AVAILABLE/],
  ['location', '/evses/0/connectors', [], '/evses/0/connectors', /must not be empty/],
  [
    'location',
    '/evses/0/connectors/0/max_voltage',
    '220',
    '/evses/0/connectors/0/max_voltage',
    /integer|number/i,
  ],
  ['location', '/coordinates/latitude', 51.0, '/coordinates/latitude', /string/i],
  ['location230', '/evses/0/uid', undefined, '/evses/0/uid', /is required/],
  ['location230', '/time_zone', 'x'.repeat(256), '/time_zone', /at most 255 characters/],
  ['tariff', '/currency', 'EURO', '/currency', /at most 3 characters/],
  ['tariff', '/elements', [], '/elements', /must not be empty/],
  [
    'tariff',
    '/elements/0/price_components/0/type',
    'KWH',
    '/elements/0/price_components/0/type',
    /must be one of ENERGY, FLAT/,
  ],
  [
    'tariff',
    '/elements/0/price_components/0/step_size',
    1.5,
    '/elements/0/price_components/0/step_size',
    /integer/i,
  ],
  ['tariff230', '/tax_included', undefined, '/tax_included', /is required/],
  ['token', '/uid', 'x'.repeat(37), '/uid', /at most 36 characters/],
  ['token', '/whitelist', 'SOMETIMES', '/whitelist', /must be one of ALWAYS/],
  ['token', '/valid', undefined, '/valid', /is required/],
  ['token', '/energy_contract/supplier_name', undefined, '/energy_contract/supplier_name', /is required/],
  ['session', '/kwh', 'lots', '/kwh', /number/i],
  ['session', '/status', 'DONE', '/status', /must be one of ACTIVE/],
  ['session', '/cdr_token/type', undefined, '/cdr_token/type', /is required/],
  ['cdr', '/start_date_time', '2015-06-29T21:39:09+0200', '/start_date_time', /must be a DateTime/],
  ['cdr', '/charging_periods', [], '/charging_periods', /must not be empty/],
  ['cdr', '/total_cost/excl_vat', undefined, '/total_cost/excl_vat', /is required/],
  ['credentials', '/roles', [], '/roles', /must not be empty/],
  ['credentials', '/roles/0/role', 'DRIVER', '/roles/0/role', /must be one of CPO/],
];

describe('broken objects are rejected with the exact path', () => {
  it.each(BROKEN)('%s %s = %j', (source, pointer, value, path, problem) => {
    const [version, name, file] = SOURCES[source] as ['2.2.1' | '2.3.0', string, string];
    const valid = example(version, file);
    expect(parseObject(version, name, valid).ok).toBe(true);
    const result = parseObject(version, name, mutate(valid, pointer, value));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.errors.find((e) => e.path === path);
    expect(error, JSON.stringify(result.errors)).toBeDefined();
    expect(error?.message).toMatch(problem);
  });

  it('rejects a PATCH without last_updated in 2.2.1 and accepts one with only it', () => {
    const noDate = parseObject('2.2.1', 'Location', { publish: true }, { shape: 'patch' });
    expect(noDate.ok).toBe(false);
    if (!noDate.ok) expect(noDate.errors).toContainEqual({ path: '/last_updated', message: 'is required' });
    expect(
      parseObject('2.2.1', 'Location', { last_updated: '2024-01-01T00:00:00Z' }, { shape: 'patch' }).ok,
    ).toBe(true);
  });
});

describe('liberal reading, strict writing', () => {
  it('ignores unknown fields, reads DateTime without Z, and writes only spec fields in UTC with Z', () => {
    const token = {
      ...example('2.2.1', 'token_example_2_full_rfid.json'),
      last_updated: '2018-12-10T17:25:10.5',
      x_vendor: 1,
      language: null,
    };
    const parsed = parseObject('2.2.1', 'Token', token);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const written = renderObject('2.2.1', 'Token', parsed.value) as Record<string, unknown>;
    expect(written.last_updated).toBe('2018-12-10T17:25:10.500Z');
    expect(written).not.toHaveProperty('x_vendor');
    expect(written).not.toHaveProperty('language');
  });

  it('reads null as absent: fine for optional fields, "is required" for required ones', () => {
    const token = example('2.2.1', 'token_example_2_full_rfid.json');
    expect(
      parseObject('2.2.1', 'Token', {
        ...token,
        group_id: null,
        energy_contract: { supplier_name: 'x', contract_id: null },
      }).ok,
    ).toBe(true);
    const result = parseObject('2.2.1', 'Token', { ...token, uid: null });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ path: '/uid', message: 'is required' }]);
  });

  it('keeps an unknown value of a 2.3.0 open enum', () => {
    const location = example('2.3.0', 'location_example.json');
    const parsed = parseObject('2.3.0', 'Location', { ...location, parking_type: 'ROOFTOP_GARDEN' });
    expect(parsed.ok).toBe(true);
    if (parsed.ok)
      expect((renderObject('2.3.0', 'Location', parsed.value) as { parking_type: string }).parking_type).toBe(
        'ROOFTOP_GARDEN',
      );
  });
});

describe('ocpi validate', () => {
  it('prints valid and exits 0 for a spec example', async () => {
    const file = fileURLToPath(new URL('2.2.1/examples/location_example.json', SPEC_FIXTURES));
    expect(await ocpi('validate', '2.2.1', 'Location', file)).toBe('valid\n');
  }, 30_000);

  it('prints one line per problem and exits 1', async () => {
    const file = join(tmpdir(), `ocpi-validate-${process.pid}.json`);
    await writeFile(
      file,
      JSON.stringify(
        mutate(
          mutate(example('2.2.1', 'token_example_2_full_rfid.json'), '/valid', undefined),
          '/type',
          'NFC',
        ),
      ),
    );
    const failure = await ocpi('validate', '2.2.1', 'Token', file).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout.trim().split('\n').sort()).toEqual([
      '/type: must be one of AD_HOC_USER, APP_USER, OTHER, RFID (got "NFC")',
      '/valid: is required',
    ]);
  }, 30_000);
});
