import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OcpiVersion, SUPPORTED_VERSIONS } from '../../src/index.ts';
import { call, startNode } from '../support/nodes.ts';
import { STORES } from '../support/stores.ts';

const CPO = {
  countryCode: 'NL',
  partyId: 'CPO',
  role: 'CPO' as const,
  businessDetails: { name: 'Charge Co' },
};
const EMSP = {
  countryCode: 'DE',
  partyId: 'MSP',
  role: 'EMSP' as const,
  businessDetails: { name: 'Drive Co', website: 'https://drive.example' },
};

async function outboundToken(app: FastifyInstance, partnerId: string): Promise<string> {
  const row = await app.ocpi.store.db
    .selectFrom('ocpi_partners')
    .select('outbound_token')
    .where('id', '=', partnerId)
    .executeTakeFirstOrThrow();
  return row.outbound_token;
}

describe.each(STORES)('credentials handshake between two nodes (%s)', (_store, storeOptions) => {
  describe.each(SUPPORTED_VERSIONS.map((v) => [v]))('OCPI %s', (version: OcpiVersion) => {
    let cpo: FastifyInstance;
    let emsp: FastifyInstance;

    beforeAll(async () => {
      cpo = await startNode({ versions: [version], parties: [CPO], store: storeOptions() });
      emsp = await startNode({ parties: [EMSP], store: storeOptions() });
    });
    afterAll(async () => {
      await Promise.all([cpo?.close(), emsp?.close()]);
    });

    it('registers, rotates tokens and unregisters, as both sides see it', async () => {
      const tokenA = await cpo.ocpi.createRegistrationToken();
      const partner = await emsp.ocpi.registerWith(cpo.ocpi.versionsUrl(), tokenA);
      expect(partner).toMatchObject({ status: 'registered', version, versionsUrl: cpo.ocpi.versionsUrl() });
      expect(partner.parties).toEqual([
        { role: 'CPO', countryCode: 'NL', partyId: 'CPO', businessDetails: { name: 'Charge Co' } },
      ]);
      expect(partner.tokenEncoding).toBe(version === '2.1.1' ? 'raw' : 'base64');
      expect(partner.endpoints.map((e) => e.identifier)).toContain('credentials');

      const [seenByCpo] = await cpo.ocpi.partners();
      expect(seenByCpo).toMatchObject({
        status: 'registered',
        version,
        versionsUrl: emsp.ocpi.versionsUrl(),
      });
      expect(seenByCpo?.parties).toEqual([
        { role: 'EMSP', countryCode: 'DE', partyId: 'MSP', businessDetails: EMSP.businessDetails },
      ]);

      // Token A is dead; token C works, raw or base64, and GET credentials returns it.
      const credentialsUrl = `${cpo.ocpi.versionsUrl().replace(/versions$/, version)}/credentials`;
      expect((await call(cpo.ocpi.versionsUrl(), { token: tokenA })).status).toBe(401);
      const tokenC = await outboundToken(emsp, partner.id);
      const got = await call(credentialsUrl, { token: tokenC, raw: true });
      expect(got.status).toBe(200);
      expect(got.body.data).toMatchObject({ token: tokenC, url: cpo.ocpi.versionsUrl() });
      if (version === '2.1.1')
        expect(got.body.data).toMatchObject({
          party_id: 'CPO',
          country_code: 'NL',
          business_details: { name: 'Charge Co' },
        });
      else
        expect(got.body.data).toMatchObject({
          roles: [{ role: 'CPO', party_id: 'CPO', country_code: 'NL' }],
        });
      // The CPO calls the eMSP back with token B.
      const tokenB = await outboundToken(cpo, (seenByCpo as { id: string }).id);
      expect((await call(emsp.ocpi.versionsUrl(), { token: tokenB })).status).toBe(200);

      // Rotation: new tokens both ways; the old ones stop working at once.
      await emsp.ocpi.updateCredentials(partner.id);
      const tokenC2 = await outboundToken(emsp, partner.id);
      expect(tokenC2).not.toBe(tokenC);
      expect((await call(credentialsUrl, { token: tokenC })).status).toBe(401);
      expect((await call(credentialsUrl, { token: tokenC2 })).status).toBe(200);
      const tokenB2 = await outboundToken(cpo, (seenByCpo as { id: string }).id);
      expect(tokenB2).not.toBe(tokenB);
      expect((await call(emsp.ocpi.versionsUrl(), { token: tokenB })).status).toBe(401);
      expect((await call(emsp.ocpi.versionsUrl(), { token: tokenB2 })).status).toBe(200);

      // Unregistration: both sides forget each other.
      expect(await emsp.ocpi.unregister(partner.id)).toEqual({
        partnerId: partner.id,
        remote: 'unregistered',
      });
      expect(await cpo.ocpi.partners()).toEqual([]);
      expect(await emsp.ocpi.partners()).toEqual([]);
      expect((await call(credentialsUrl, { token: tokenC2 })).status).toBe(401);
      expect((await call(emsp.ocpi.versionsUrl(), { token: tokenB2 })).status).toBe(401);
    });

    it('registers the other way round too (the CPO starts)', async () => {
      const tokenA = await emsp.ocpi.createRegistrationToken();
      const partner = await cpo.ocpi.registerWith(emsp.ocpi.versionsUrl(), tokenA);
      expect(partner).toMatchObject({ status: 'registered', version });
      expect(partner.parties[0]).toMatchObject({ role: 'EMSP', countryCode: 'DE', partyId: 'MSP' });
      const [seenByEmsp] = await emsp.ocpi.partners();
      expect(seenByEmsp).toMatchObject({
        version,
        parties: [{ role: 'CPO', countryCode: 'NL', partyId: 'CPO' }],
      });
      await cpo.ocpi.unregister(partner.id);
      expect(await emsp.ocpi.partners()).toEqual([]);
    });
  });
});

describe('version negotiation', () => {
  it('picks the highest mutual version', async () => {
    const a = await startNode({ parties: [CPO] });
    const b = await startNode({ versions: ['2.1.1', '2.2.1'], parties: [EMSP] });
    try {
      const partner = await a.ocpi.registerWith(b.ocpi.versionsUrl(), await b.ocpi.createRegistrationToken());
      expect(partner.version).toBe('2.2.1');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
