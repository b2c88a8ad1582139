import type { Migration } from 'kysely';
import * as m001 from './001_partners.ts';

/** Ordered migrations. Append only: never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '001_partners': m001,
};
