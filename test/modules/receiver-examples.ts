import type { OcpiVersion } from '../../src/index.ts';
import { EXAMPLE_EXCEPTIONS } from '../model/spec-example-exceptions.ts';
import {
  blockValue,
  type ExampleFolder,
  exampleFiles,
  exampleJson,
  jsonBlocks211,
} from '../support/spec-fixtures.ts';

/*
 * Every spec example of the Locations, Tariffs and Tokens modules, and what their receivers
 * must do with it. 2.2.1 and 2.3.0 have example files; 2.1.1 has ```json blocks in its
 * markdown chapters. Nothing is left out silently: an example that no rule maps is 'unmapped'.
 */

export type Json = Record<string, unknown>;
export type Target = 'Location' | 'EVSE' | 'Connector' | 'Tariff' | 'Token';

export type ReceiverExample = { name: string } & (
  | /** A whole object: PUT at its URL, read back equal. */ { kind: 'object'; target: Target; value: Json }
  | /** A PATCH body, applied to a stored object of `target`. */ {
      kind: 'patch';
      target: Target;
      value: Json;
    }
  | /**
   * A whole object that breaks the spec's own tables: refused (the spec lets a receiver
   * discard an object without all its required fields).
   */ { kind: 'broken'; target: Target; value: Json; why: string }
  | /** Not an object these receivers take. */ { kind: 'other'; why: string }
  | /** No rule says what it is: the mapping test fails. */ { kind: 'unmapped' }
);

type Rule =
  | { kind: 'object' | 'patch'; target: Target; shape?: 'envelope' }
  | { kind: 'broken'; target: Target; why: string }
  | { kind: 'other'; why: string };

const FRAGMENT = 'a fragment of a Location, not an object of the receivers (its schema: test/model)';

/** 2.2.1 and later: by file name, the same in every folder. */
const FILE_RULES: Array<[RegExp, Rule]> = [
  [/^location_example/, { kind: 'object', target: 'Location' }],
  [/^location_put_example_add_evse\.json$/, { kind: 'object', target: 'EVSE' }],
  [/^location_patch_example_(status|remove_evse)\.json$/, { kind: 'patch', target: 'EVSE' }],
  [/^location_patch_example_location\.json$/, { kind: 'patch', target: 'Location' }],
  [/^location_patch_example_tariff\.json$/, { kind: 'patch', target: 'Connector' }],
  [/^location_(energymix|hours|regularhours)_/, { kind: 'other', why: FRAGMENT }],
  [/^(tariff_\d+_|tariffrestriction_example_|tariff_put_example)/, { kind: 'object', target: 'Tariff' }],
  [/^token_(example_|put_example)/, { kind: 'object', target: 'Token' }],
  [/^token_patch_example\.json$/, { kind: 'patch', target: 'Token' }],
  [/^transport_and_format_get_token/, { kind: 'object', target: 'Token', shape: 'envelope' }],
];
/** The files of these modules in an examples folder. */
const MODULE_FILES = /^(location_|tariff|token_|transport_and_format_get_token)/;

/** 2.1.1: by chapter and position of the ```json block. */
const BLOCK_RULES: Record<string, Record<number, Rule>> = {
  'mod_locations.md': {
    1: { kind: 'patch', target: 'EVSE' },
    2: { kind: 'patch', target: 'Location' },
    3: { kind: 'patch', target: 'Connector' },
    4: {
      kind: 'broken',
      target: 'EVSE',
      why:
        'physical_reference and floor_level are numbers, not strings, and last_updated and the ' +
        "Connector's power_type, voltage, amperage and last_updated (all card. 1) are missing",
    },
    5: { kind: 'patch', target: 'EVSE' },
    6: { kind: 'object', target: 'Location' },
    7: { kind: 'other', why: FRAGMENT },
    8: { kind: 'other', why: FRAGMENT },
    9: { kind: 'other', why: FRAGMENT },
    10: { kind: 'other', why: FRAGMENT },
  },
  'mod_tariffs.md': {
    1: { kind: 'broken', target: 'Tariff', why: 'a full Tariff PUT without last_updated (card. 1)' },
    // Headed "PUT To URL", but it is the example of the PATCH method.
    2: { kind: 'patch', target: 'Tariff' },
    3: { kind: 'object', target: 'Tariff' },
    4: { kind: 'object', target: 'Tariff' },
    5: { kind: 'object', target: 'Tariff' },
    6: { kind: 'object', target: 'Tariff' },
    7: { kind: 'object', target: 'Tariff' },
  },
  'mod_tokens.md': {
    1: { kind: 'object', target: 'Token' },
    2: { kind: 'patch', target: 'Token' },
    3: { kind: 'object', target: 'Token' },
  },
  'transport_and_format.md': {
    1: { kind: 'other', why: 'a Version list (versions module)' },
    2: { kind: 'other', why: 'VersionDetails (versions module)' },
    3: { kind: 'object', target: 'Token', shape: 'envelope' },
    4: { kind: 'object', target: 'Token', shape: 'envelope' },
    5: { kind: 'other', why: 'an error response without data' },
  },
};

/** The examples a rule makes of a value: one per object of an envelope's list. */
function apply(name: string, rule: Rule | undefined, raw: () => unknown): ReceiverExample[] {
  if (!rule) return [{ name, kind: 'unmapped' }];
  if (rule.kind === 'other') return [{ name, ...rule }];
  const value = raw();
  if (rule.kind === 'broken') return [{ name, ...rule, value: value as Json }];
  const data = 'shape' in rule && rule.shape === 'envelope' ? (value as { data: unknown }).data : value;
  if (!Array.isArray(data)) return [{ name, kind: rule.kind, target: rule.target, value: data as Json }];
  return data.map((v, i) => ({
    name: `${name} [${i}]`,
    kind: rule.kind,
    target: rule.target,
    value: v as Json,
  }));
}

function fromFiles(version: ExampleFolder): ReceiverExample[] {
  const files = exampleFiles(version).filter((f) => MODULE_FILES.test(f));
  return files.flatMap((file) => {
    let rule = FILE_RULES.find(([re]) => re.test(file))?.[1];
    // The spec's own mistakes, listed once for the schema tests.
    const wrong = EXAMPLE_EXCEPTIONS[file];
    if (rule && rule.kind !== 'other' && wrong?.folders.includes(version))
      rule = { kind: 'broken', target: rule.target, why: wrong.reason };
    return apply(file, rule, () => exampleJson(version, file));
  });
}

function fromBlocks(): ReceiverExample[] {
  return Object.entries(BLOCK_RULES).flatMap(([chapter, rules]) =>
    jsonBlocks211(chapter).flatMap((block, i) =>
      apply(`${chapter} #${i + 1} (${block.heading})`, rules[i + 1], () => blockValue(block)),
    ),
  );
}

/** Every example of the Locations, Tariffs and Tokens chapters of a version. */
export function receiverExamples(version: OcpiVersion): ReceiverExample[] {
  return version === '2.1.1' ? fromBlocks() : fromFiles(version);
}

/** The first whole, valid example object of a target (e.g. the Location the other tests start from). */
export function firstObject(version: OcpiVersion, target: Target): Json {
  const found = receiverExamples(version).find((e) => e.kind === 'object' && e.target === target);
  if (found?.kind !== 'object') throw new Error(`no ${version} example ${target}`);
  return structuredClone(found.value);
}

/** The example PATCH bodies of a target. */
export function patchExamples(version: OcpiVersion, target: Target): Json[] {
  return receiverExamples(version).flatMap((e) =>
    e.kind === 'patch' && e.target === target ? [structuredClone(e.value)] : [],
  );
}
