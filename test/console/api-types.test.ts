import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesSource } from '../../scripts/console/api-types.ts';

describe("the console page's API types", () => {
  it('are what the routes declare: console/src/api-types.ts is written from their schemas', () => {
    // After changing a schema the console uses: npx tsx scripts/console/api-types.ts
    expect(readFileSync(API_TYPES_FILE, 'utf8')).toBe(apiTypesSource());
  });

  it('type a value on the wire as the wire has it (a Date the server answers is a string)', () => {
    expect(apiTypesSource()).toMatch(/export type PartnerAnswer = \{\n {2}data\?: \{\n {4}id: string;/);
    expect(apiTypesSource()).toContain('createdAt: string;');
    expect(apiTypesSource()).toContain("'signed-out'".replaceAll("'", '"'));
  });
});
