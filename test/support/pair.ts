import type { FastifyInstance } from 'fastify';
import type { OcpiAppOptions, OcpiVersion } from '../../src/index.ts';
import type { StoreOptions } from '../../src/store/store.ts';
import { startNode } from './nodes.ts';
import { memoryStore, STORES } from './stores.ts';

export const CPO_PARTY = {
  countryCode: 'NL',
  partyId: 'CPO',
  role: 'CPO' as const,
  businessDetails: { name: 'Charge Co' },
};
export const EMSP_PARTY = {
  countryCode: 'DE',
  partyId: 'MSP',
  role: 'EMSP' as const,
  businessDetails: { name: 'Drive Co' },
};

export interface Pair {
  cpo: FastifyInstance;
  emsp: FastifyInstance;
  /** The CPO as the eMSP knows it, and the other way round. */
  cpoAtEmsp: string;
  emspAtCpo: string;
  close(): Promise<void>;
}

/** Every version on every store: the end-to-end tests run on PGlite and on PostgreSQL. */
export const MATRIX: Array<[OcpiVersion, string, () => StoreOptions]> = (
  ['2.1.1', '2.2.1', '2.3.0'] as OcpiVersion[]
).flatMap((version) =>
  STORES.map(([name, store]): [OcpiVersion, string, () => StoreOptions] => [version, name, store]),
);

/** A CPO and an eMSP node, registered with each other over `version`. */
export async function startPair(
  version: OcpiVersion,
  options: { cpo?: OcpiAppOptions; emsp?: OcpiAppOptions } = {},
  store: () => StoreOptions = memoryStore,
): Promise<Pair> {
  const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
  const cpo = await startNode({
    versions: [version],
    parties: [CPO_PARTY],
    delivery: fast,
    store: store(),
    ...options.cpo,
  });
  const emsp = await startNode({ parties: [EMSP_PARTY], delivery: fast, store: store(), ...options.emsp });
  const partner = await emsp.ocpi.registerWith(
    cpo.ocpi.versionsUrl(),
    await cpo.ocpi.createRegistrationToken(),
  );
  const [emspAtCpo] = await cpo.ocpi.partners();
  return {
    cpo,
    emsp,
    cpoAtEmsp: partner.id,
    emspAtCpo: (emspAtCpo as { id: string }).id,
    close: async () => {
      await Promise.all([cpo.close(), emsp.close()]);
    },
  };
}

/** Waits until a condition holds (pushes are asynchronous). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The token `from` uses to call `partnerId` (read from its store, as only tests may). */
export async function tokenOf(from: FastifyInstance, partnerId: string): Promise<string> {
  const row = await from.ocpi.store.db
    .selectFrom('ocpi_partners')
    .select('outbound_token')
    .where('id', '=', partnerId)
    .executeTakeFirstOrThrow();
  return row.outbound_token;
}
