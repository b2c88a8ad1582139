import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { v230 } from '../../src/index.ts';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import { captureLogs } from '../support/log-lines.ts';
import { startCatcher } from '../support/loopback-catcher.ts';
import { call } from '../support/nodes.ts';
import { location, token } from '../support/objects.ts';
import { eventually, type Pair, startPair, tokenOf } from '../support/pair.ts';
import { RecordingGateway } from '../support/recording-gateway.ts';
import { STORES } from '../support/stores.ts';

const TOKEN = token('ALIAS-1') as v230.tokens.Token;
const DEVIATION = /names the EVSE evse_id instead of evse_uid/;

/*
 * Clients of the Python ocpi-python library send RESERVE_NOW and UNLOCK_CONNECTOR bodies as
 * its tutorial shows them: the EVSE as `evse_id`. We read it as `evse_uid`, and send only that.
 */
describe.each(STORES)('the evse_id alias of commands, on %s', (_store, storeOptions) => {
  let pair: Pair;
  let catcher: Awaited<ReturnType<typeof startCatcher>>;
  let url: string;
  let partnerToken: string;
  const sim = new SimulatedGateway({});
  const gateway = new RecordingGateway(sim);
  const logs = captureLogs('warn');

  beforeAll(async () => {
    catcher = await startCatcher();
    pair = await startPair(
      '2.3.0',
      // The catcher's port is not the eMSP's: any host the outbound policy allows.
      { cpo: { logger: logs.logger, commands: { gateway, responseUrlPolicy: 'any' } } },
      storeOptions,
    );
    const loc = location('ALIAS-LOC', 2);
    const [ok, dumb] = loc.evses as Array<Record<string, unknown>>;
    loc.evses = [
      { ...ok, uid: 'OK', capabilities: ['RESERVABLE', 'UNLOCK_CAPABLE'] },
      { ...dumb, uid: 'DUMB', capabilities: [] },
    ];
    await pair.cpo.ocpi.locations.put(loc, '2.3.0');
    url = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, '2.3.0')}/receiver/commands`;
    partnerToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
  });
  afterAll(async () => {
    sim.close();
    await pair?.close();
    await catcher?.close();
  });

  const post = (command: string, body: Record<string, unknown>) =>
    call(`${url}/${command}`, { method: 'POST', token: partnerToken, body });
  const resultAt = (responseUrl: string) =>
    eventually(async () => catcher.at(responseUrl)[0]?.body as { result?: string } | undefined);

  it("takes the tutorial's RESERVE_NOW and UNLOCK_CONNECTOR (evse_id), and notes the deviation once for the partner", async () => {
    const reserveUrl = catcher.url('reserve');
    const reserve = await post('RESERVE_NOW', {
      response_url: reserveUrl,
      token: TOKEN,
      expiry_date: new Date(Date.now() + 3_600_000).toISOString(),
      reservation_id: 'RES001',
      location_id: 'ALIAS-LOC',
      evse_id: 'OK',
      connector_id: '1',
      authorization_reference: 'AUTH_REF_123',
    });
    expect(reserve.body).toMatchObject({ status_code: 1000, data: { result: 'ACCEPTED' } });
    expect(gateway.seen.at(-1)).toMatchObject({
      type: 'RESERVE_NOW',
      locationId: 'ALIAS-LOC',
      evseUid: 'OK',
    });
    expect(await resultAt(reserveUrl)).toMatchObject({ result: 'ACCEPTED' });

    const unlockUrl = catcher.url('unlock');
    const unlock = await post('UNLOCK_CONNECTOR', {
      response_url: unlockUrl,
      location_id: 'ALIAS-LOC',
      evse_id: 'OK',
      connector_id: '1',
    });
    expect(unlock.body).toMatchObject({ status_code: 1000, data: { result: 'ACCEPTED' } });
    expect(gateway.seen.at(-1)).toMatchObject({ type: 'UNLOCK_CONNECTOR', evseUid: 'OK', connectorId: '1' });
    expect(await resultAt(unlockUrl)).toMatchObject({ result: 'ACCEPTED' });

    const noted = logs.lines.filter((line) => DEVIATION.test(line.msg ?? ''));
    expect(noted).toEqual([
      expect.objectContaining({
        level: 40,
        partner: pair.emspAtCpo,
        deviation: 'evse_id',
        command: 'RESERVE_NOW',
      }),
    ]);
  });

  it('evse_uid wins over evse_id; neither is 2001 naming evse_uid, and nothing reaches the charger', async () => {
    const both = await post('UNLOCK_CONNECTOR', {
      response_url: catcher.url(),
      location_id: 'ALIAS-LOC',
      evse_uid: 'OK',
      evse_id: 'DUMB',
      connector_id: '1',
    });
    expect(both.body).toMatchObject({ data: { result: 'ACCEPTED' } });
    expect(gateway.seen.at(-1)).toMatchObject({ type: 'UNLOCK_CONNECTOR', evseUid: 'OK' });
    const before = gateway.seen.length;
    for (const evse_id of [undefined, null, 42]) {
      const neither = await post('UNLOCK_CONNECTOR', {
        response_url: catcher.url(),
        location_id: 'ALIAS-LOC',
        evse_id,
        connector_id: '1',
      });
      expect(neither.status).toBe(200);
      expect(neither.body.status_code).toBe(2001);
      expect(neither.body.status_message).toMatch(/evse_uid: is required/);
    }
    expect(gateway.seen.length).toBe(before);
  });

  it('our own eMSP never sends evse_id: given one, it is dropped, not read as the EVSE', async () => {
    const sent = await pair.emsp.ocpi.commands.send(pair.cpoAtEmsp, 'RESERVE_NOW', {
      token: TOKEN,
      expiry_date: new Date(Date.now() + 3_600_000).toISOString(),
      reservation_id: 'RES002',
      location_id: 'ALIAS-LOC',
      evse_id: 'OK',
    });
    expect(sent.response.result).toBe('ACCEPTED');
    const reservation = gateway.seen.at(-1);
    expect(reservation).toMatchObject({ type: 'RESERVE_NOW', locationId: 'ALIAS-LOC' });
    expect(reservation && 'evseUid' in reservation ? reservation.evseUid : undefined).toBeUndefined();
  });
});
