import { describe, expect, it } from 'vitest';
import { hubParty, isHub } from '../../src/partners/hubs.ts';
import { BEHIND_HUB, HUB_PARTY, startFakeHub } from '../support/fake-hub.ts';
import { call, startNode } from '../support/nodes.ts';
import { CPO_PARTY } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

/*
 * A hub registers through the ordinary credentials handshake, in both directions: a 2.2.1
 * hub names itself with role HUB (and only itself), a 2.3.0 hub fills hub_party_id and lists
 * the parties it reaches. Either way the node knows it for a hub, and takes its ClientInfo.
 */
const CASES = (['2.2.1', '2.3.0'] as const).flatMap((version) =>
  STORES.map(([name, store]) => [version, name, store] as const),
);

const CLIENT_INFO = {
  country_code: 'NL',
  party_id: 'EMX',
  role: 'EMSP',
  status: 'CONNECTED',
  last_updated: '2026-12-01T10:00:00Z',
};

describe.each(CASES)('a hub over OCPI %s on %s', (version, _name, store) => {
  const expectedParties =
    version === '2.2.1'
      ? [{ role: 'HUB', ...HUB_PARTY }]
      : [
          { role: 'OTHER', ...HUB_PARTY },
          { role: BEHIND_HUB.role, countryCode: BEHIND_HUB.countryCode, partyId: BEHIND_HUB.partyId },
        ];

  it('registers when the node registers with it, and is known for a hub', async () => {
    const hub = await startFakeHub({ version });
    const node = await startNode({ parties: [CPO_PARTY], store: store() });
    try {
      const partner = await node.ocpi.registerWith(hub.versionsUrl, 'token-a');
      expect(partner).toMatchObject({ status: 'registered', version });
      expect(
        partner.parties.map(({ role, countryCode, partyId }) => ({ role, countryCode, partyId })),
      ).toEqual(expectedParties);
      expect(partner.hubPartyId).toBe(version === '2.3.0' ? 'DEHUB' : undefined);
      expect(isHub(partner)).toBe(true);
      expect(hubParty(partner)).toEqual(HUB_PARTY);

      const url = `${node.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/hubclientinfo/NL/EMX`;
      const put = await call(url, { method: 'PUT', token: hub.tokens[0] ?? '', body: CLIENT_INFO });
      expect(put.body.status_code).toBe(1000);
      expect(await node.ocpi.hubClients.list(partner.id)).toHaveLength(1);
    } finally {
      await node.close();
      await hub.close();
    }
  });

  it('registers when it registers with the node, and is known for a hub', async () => {
    const hub = await startFakeHub({ version });
    const node = await startNode({ parties: [CPO_PARTY], store: store() });
    try {
      const answer = await hub.registerAt(node.ocpi.versionsUrl(), await node.ocpi.createRegistrationToken());
      expect(answer.status_code).toBe(1000);
      const [partner] = await node.ocpi.partners();
      expect(partner).toMatchObject({ status: 'registered', version });
      if (!partner) return;
      expect(
        partner.parties.map(({ role, countryCode, partyId }) => ({ role, countryCode, partyId })),
      ).toEqual(expectedParties);
      expect(isHub(partner)).toBe(true);
      expect(hubParty(partner)).toEqual(HUB_PARTY);

      // The hub calls with the token the node answered it.
      const url = `${node.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/hubclientinfo/nl/emx`;
      const put = await call(url, { method: 'PUT', token: hub.tokens[0] ?? '', body: CLIENT_INFO });
      expect(put.body.status_code).toBe(1000);
      expect((await call(url, { token: hub.tokens[0] ?? '' })).body.data).toEqual(CLIENT_INFO);
    } finally {
      await node.close();
      await hub.close();
    }
  });
});
