import { randomBytes } from 'node:crypto';
import type { PartnerRegistry } from '../../src/partners/registry.ts';
import type { Store } from '../../src/store/store.ts';
import type { TokenEncoding } from '../../src/transport/token.ts';

/** Inserts a registered partner, as the handshake would, and returns its id and our token to it. */
export async function addPartner(
  store: Store,
  registry: PartnerRegistry,
  versionsUrl: string,
  tokenEncoding: TokenEncoding = 'base64',
): Promise<{ id: string; token: string }> {
  const token = randomBytes(16).toString('hex');
  const id = await store.db.transaction().execute((trx) =>
    registry.insert(
      trx,
      {
        status: 'registered',
        version: tokenEncoding === 'raw' ? '2.1.1' : '2.2.1',
        versionsUrl,
        outboundToken: token,
        tokenEncoding,
        parties: [{ role: 'EMSP', countryCode: 'DE', partyId: 'MSP', businessDetails: { name: 'Drive Co' } }],
        endpoints: [],
      },
      randomBytes(16).toString('hex'),
    ),
  );
  return { id, token };
}
