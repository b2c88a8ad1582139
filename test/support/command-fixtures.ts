import type { FastifyInstance } from 'fastify';
import type { v230 } from '../../src/index.ts';
import { exampleJson } from './spec-fixtures.ts';

const json = (file: string) => exampleJson('2.3.0', file) as Record<string, unknown>;

/** The eMSP's token (DE*MSP) that command tests start sessions with: the 2.3.0 spec example's. */
export const MSP_TOKEN = {
  ...json('token_example_2_full_rfid.json'),
  country_code: 'DE',
  party_id: 'MSP',
} as v230.tokens.Token;

/** Puts the spec example Location as NL*CPO's `id`, with one EVSE E1 that starts remotely. */
export async function putStartableLocation(cpo: FastifyInstance, id: string): Promise<void> {
  const example = json('location_example.json');
  const evse = (example.evses as Array<Record<string, unknown>>)[0] ?? {};
  await cpo.ocpi.locations.put(
    {
      ...example,
      country_code: 'NL',
      party_id: 'CPO',
      id,
      evses: [{ ...evse, uid: 'E1', evse_id: 'NL*CPO*E1', capabilities: ['REMOTE_START_STOP_CAPABLE'] }],
    },
    '2.3.0',
  );
}
