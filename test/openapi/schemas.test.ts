import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument, SUPPORTED_VERSIONS } from '../../src/index.ts';
import { compileValidator } from '../../src/model/validate.ts';
import type { OcpiVersion } from '../../src/model/versions.ts';
import { componentSources } from '../../src/openapi/components.ts';
import {
  blockValue,
  type ExampleFolder,
  exampleFiles,
  exampleJson,
  jsonBlocks211,
  jsonBlocks211All,
} from '../support/spec-fixtures.ts';
import { type DocumentValidator, documentValidator } from './support.ts';

/*
 * The component schemas of the document are the validators: Ajv, reading only the OpenAPI
 * document, accepts and refuses every spec example exactly as the TypeBox schema behind
 * the component does. Examples that the spec gets wrong are refused by both.
 */

/** Example folders read for each version (2.1.1 has none: its chapters' ```json blocks). */
const FOLDERS: Record<OcpiVersion, ExampleFolder[]> = {
  '2.1.1': [],
  '2.2.1': ['2.2.1'],
  '2.3.0': ['2.3.0', '2.3.0-ed2-payments', '2.3.0-bookings'],
};

interface Sample {
  /** The file (or 2.1.1 chapter) it comes from. */
  source: string;
  label: string;
  value: unknown;
}

/** A sample, the `data` of an envelope, and the items of a list: each is worth checking on its own. */
function expand(sample: Sample): Sample[] {
  const { value, label } = sample;
  if (Array.isArray(value))
    return [sample, ...value.flatMap((v, i) => expand({ ...sample, label: `${label}[${i}]`, value: v }))];
  if (typeof value === 'object' && value !== null && 'status_code' in value && 'data' in value)
    return [sample, ...expand({ ...sample, label: `${label} data`, value: value.data })];
  return [sample];
}

function blockSamples211(): Sample[] {
  const chapters = Object.keys(jsonBlocks211All());
  return chapters.flatMap((chapter) =>
    jsonBlocks211(chapter).flatMap((block, i) => {
      const label = `${chapter} #${i} ${block.heading}`;
      for (const shape of ['body', 'fragment'] as const) {
        try {
          return [{ source: chapter, label, value: blockValue(block, shape) }];
        } catch {
          // not this shape
        }
      }
      return [];
    }),
  );
}

function samples(version: OcpiVersion): Sample[] {
  const raw =
    version === '2.1.1'
      ? blockSamples211()
      : FOLDERS[version].flatMap((folder) =>
          exampleFiles(folder).map((file) => ({
            source: file,
            label: `${folder}/${file}`,
            value: exampleJson(folder, file),
          })),
        );
  return raw.flatMap(expand);
}

/** Examples (a file, or for 2.1.1 a chapter) and a component that must accept them. */
const ACCEPTED: Record<OcpiVersion, [string, string][]> = {
  '2.1.1': [
    ['mod_locations.md', 'Location'],
    ['mod_locations.md', 'EVSEPatch'],
    ['mod_tariffs.md', 'Tariff'],
    ['mod_tokens.md', 'Token'],
    ['mod_sessions.md', 'Session'],
    ['credentials.md', 'Credentials'],
    ['version_information_endpoint.md', 'VersionDetails'],
    ['transport_and_format.md', 'OcpiResponse'],
  ],
  '2.2.1': [
    ['location_example.json', 'Location'],
    ['location_patch_example_status.json', 'EVSEPatch'],
    ['tariff_4_complex.json', 'Tariff'],
    ['token_example_2_full_rfid.json', 'Token'],
    ['session_example_2_short_finished.json', 'Session'],
    ['cdr_example.json', 'CDR'],
    ['credentials_example.json', 'Credentials'],
    ['version_details_example.json', 'VersionDetails'],
    ['transport_and_format_get_token_list_example.json', 'OcpiResponse'],
  ],
  '2.3.0': [
    ['location_example.json', 'Location'],
    ['tariff_4_complex.json', 'Tariff'],
    ['token_example_2_full_rfid.json', 'Token'],
    ['session_example_2_short_finished.json', 'Session'],
    ['credentials_example.json', 'Credentials'],
    ['payment_terminal_create.json', 'Terminal'],
    ['booking_patch_example_status_update.json', 'BookingPatch'],
  ],
};

describe.each(SUPPORTED_VERSIONS)('component schemas of OCPI %s', (version) => {
  let validator: DocumentValidator;
  beforeAll(async () => {
    validator = documentValidator(await openApiDocument(version));
  });
  const sources = componentSources(version);
  const all = samples(version);
  const component = (name: string) => validator.compile(`#/components/schemas/${name}`);
  const typebox = (name: string) => compileValidator(sources[name] ?? expect.fail(`no source of ${name}`));

  it('accept and refuse exactly what the TypeBox schemas accept and refuse, for every spec example', () => {
    expect(all.length).toBeGreaterThan(30);
    const disagreements: string[] = [];
    let accepted = 0;
    for (const name of Object.keys(sources)) {
      const ajv = component(name);
      const check = typebox(name);
      for (const sample of all) {
        const byAjv = ajv(sample.value);
        const byTypeBox = check(sample.value).ok;
        if (byAjv) accepted++;
        if (byAjv !== byTypeBox)
          disagreements.push(`${sample.label} as ${name}: Ajv ${byAjv}, TypeBox ${byTypeBox}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(accepted).toBeGreaterThan(all.length);
  });

  it.each(ACCEPTED[version])('accept %s as %s', (source, name) => {
    const validate = component(name);
    const matching = all.filter((s) => s.source === source);
    expect(matching.length).toBeGreaterThan(0);
    expect(
      matching.some((s) => validate(s.value)),
      `no sample of ${source} is a valid ${name}`,
    ).toBe(true);
  });

  it('refuse a Location whose EVSE status is not in the enum, naming the field', () => {
    const validate = component('Location');
    const valid = all.find(
      (s) => ['mod_locations.md', 'location_example.json'].includes(s.source) && validate(s.value),
    );
    const broken = structuredClone(valid?.value) as { evses: Record<string, unknown>[] };
    broken.evses[0] = { ...broken.evses[0], status: 'NOPE' };
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain('/evses/0/status');
    expect(typebox('Location')(broken).ok).toBe(false);
  });

  it('answers in the envelope: a spec Tokens list response matches the GET sender/tokens answer', () => {
    const pointer = `#/paths/~1${version}~1sender~1tokens/get/responses/200/content/application~1json/schema`;
    const response = validator.compile(pointer);
    const list = all.find(
      (s) => /list of Tok|get_token_list_example/.test(s.label) && 'status_code' in Object(s.value),
    );
    expect(list, 'the spec has a Tokens list response example').toBeDefined();
    expect(response(list?.value), JSON.stringify(response.errors)).toBe(true);
    const wrongData = { ...(list?.value as object), data: [{ uid: 7 }] };
    expect(response(wrongData)).toBe(false);
  });
});

it('refuses the 2.3.0 CDR example that the spec did not update (no tax_included), as TypeBox does', async () => {
  const validate = documentValidator(await openApiDocument('2.3.0')).compile('#/components/schemas/CDR');
  expect(validate(exampleJson('2.3.0', 'cdr_example.json'))).toBe(false);
  expect(JSON.stringify(validate.errors)).toContain('tax_included');
});
