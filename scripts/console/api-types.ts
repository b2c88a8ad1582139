/**
 * Writes console/src/api-types.ts, the console page's types of the routes it calls, from the
 * TypeBox schemas those routes declare (src/admin/schemas.ts, src/console/schemas.ts): the
 * page and the node change together. A test fails when the file is not what this writes.
 *
 *   npx tsx scripts/console/api-types.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import * as chargers from '../../src/admin/charger-schemas.ts';
import * as admin from '../../src/admin/schemas.ts';
import * as lists from '../../src/console/page-schemas.ts';
import * as ui from '../../src/console/schemas.ts';

export const API_TYPES_FILE = fileURLToPath(new URL('../../console/src/api-types.ts', import.meta.url));

/** The schemas the page uses, by the name its type gets. */
const SCHEMAS: Record<string, TSchema> = {
  Acknowledged: admin.Acknowledged,
  PartnersAnswer: admin.PartnersAnswer,
  PartnerAnswer: admin.PartnerAnswer,
  RegisterBody: admin.RegisterBody,
  TokenBody: admin.TokenBody,
  RegistrationTokenAnswer: admin.RegistrationTokenAnswer,
  UnregisteredAnswer: admin.UnregisteredAnswer,
  OutboxAnswer: admin.OutboxAnswer,
  DeadLettersAnswer: admin.DeadLettersAnswer,
  ReplayedAnswer: admin.ReplayedAnswer,
  CommandBody: admin.CommandBody,
  CommandStreamLine: admin.CommandStreamLine,
  SignInBody: ui.SignInBody,
  SessionAnswer: ui.SessionAnswer,
  OverviewAnswer: ui.OverviewAnswer,
  OutboxDepthAnswer: ui.OutboxDepthAnswer,
  CommandsAnswer: ui.CommandsAnswer,
  LiveEvents: ui.LiveEvents,
  EvsesAnswer: lists.EvsesAnswer,
  SessionsAnswer: lists.SessionsAnswer,
  SessionDetailAnswer: lists.SessionDetailAnswer,
  CdrsAnswer: lists.CdrsAnswer,
  ChargersAnswer: chargers.ChargersAnswer,
};

/** The fields of a JSON Schema this writer reads (TypeBox's output is plain JSON Schema). */
interface JsonSchema {
  type?: string;
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The TypeScript type of a value on the wire that matches `schema`. */
function typeOf(schema: JsonSchema, indent: string): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(s, indent)).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${schema.items ? typeOf(schema.items, indent) : 'unknown'}>`;
    case 'object':
      return objectOf(schema, indent);
    default:
      return 'unknown';
  }
}

function objectOf(schema: JsonSchema, indent: string): string {
  const values = Object.values(schema.patternProperties ?? {});
  if (values[0]) return `{ [key: string]: ${typeOf(values[0], indent)} }`;
  const entries = Object.entries(schema.properties ?? {});
  if (entries.length === 0) return 'Record<string, never>';
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const lines = entries.map(([key, value]) => {
    const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    return `${inner}${name}${required.has(key) ? '' : '?'}: ${typeOf(value, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** The text of console/src/api-types.ts. */
export function apiTypesSource(): string {
  const types = Object.entries(SCHEMAS).map(
    ([name, schema]) => `export type ${name} = ${typeOf(schema as JsonSchema, '')};\n`,
  );
  return [
    "// Written by scripts/console/api-types.ts from the routes' TypeBox schemas: do not edit.",
    '// Run `npx tsx scripts/console/api-types.ts` after changing a schema the console uses.',
    '',
    types.join('\n'),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(API_TYPES_FILE, apiTypesSource());
  console.log(`wrote ${API_TYPES_FILE}`);
}
