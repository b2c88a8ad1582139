import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { v230 } from '../../src/index.ts';
import type { AuthorizationDecision } from '../../src/modules/tokens/service.ts';
import type { ChargerSimulator } from '../../src/ocpp/simulator.ts';
import { token } from '../support/objects.ts';
import { simulator, startOcppPair } from '../support/ocpp.ts';
import { eventually, type Pair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

type Whitelist = 'ALWAYS' | 'ALLOWED' | 'ALLOWED_OFFLINE' | 'NEVER';

/** What the eMSP answers for each uid; 'fail' makes its authorizer throw, 'hang' never answer. */
const ANSWERS: Record<string, AuthorizationDecision['allowed'] | 'fail' | 'hang'> = {
  'RT-OK': 'ALLOWED',
  'RT-BLOCKED': 'BLOCKED',
  'RT-EXPIRED': 'EXPIRED',
  'RT-NOCREDIT': 'NO_CREDIT',
  'RT-NOTALLOWED': 'NOT_ALLOWED',
  'RT-NEVER-OK': 'ALLOWED',
  'RT-NEVER-DOWN': 'fail',
  'RT-OFFLINE-DOWN': 'hang',
  'RT-ALLOWED-DOWN': 'fail',
  'RT-ALWAYS': 'BLOCKED',
};
const WHITELISTS: Record<string, Whitelist> = {
  'RT-NEVER-OK': 'NEVER',
  'RT-NEVER-DOWN': 'NEVER',
  'RT-OFFLINE-DOWN': 'ALLOWED_OFFLINE',
  'RT-ALWAYS': 'ALWAYS',
};

describe.each(STORES)('real-time authorization of OCPP idTags by a real eMSP, on %s', (_name, store) => {
  let pair: Pair;
  let sim: ChargerSimulator;
  /** The uids the eMSP was asked about, in order. */
  const asked: string[] = [];
  const hanging: Array<() => void> = [];
  beforeAll(async () => {
    pair = await startOcppPair(
      store,
      { ocpp: { enabled: true, heartbeatIntervalSeconds: 60, authorizeTimeoutSeconds: 1 } },
      {
        authorizeToken: (t) => {
          const uid = String(t.uid);
          asked.push(uid);
          const answer = ANSWERS[uid] ?? 'NOT_ALLOWED';
          if (answer === 'fail') throw new Error('the eMSP backend is down');
          if (answer === 'hang')
            return new Promise<AuthorizationDecision>((resolve) =>
              hanging.push(() => resolve({ allowed: 'ALLOWED' })),
            );
          return { allowed: answer };
        },
      },
    );
    for (const uid of Object.keys(ANSWERS)) {
      const t = {
        ...token(uid, '2020-01-01T00:00:00Z'),
        contract_id: `DE-MSP-${uid}`,
        whitelist: WHITELISTS[uid] ?? 'ALLOWED',
      } as v230.tokens.Token;
      await pair.emsp.ocpi.tokens.put(t, '2.3.0');
      await eventually(() =>
        pair.cpo.ocpi.tokens.received(pair.emspAtCpo, {
          countryCode: 'DE',
          partyId: 'MSP',
          id: uid,
          subtype: t.type,
        }),
      );
    }
  });
  afterEach(async () => {
    await sim?.stop(true);
  });
  afterAll(async () => {
    for (const release of hanging) release();
    await pair.close();
  });

  const statusOf = async (idTag: string) => {
    const answer = await sim.call('Authorize', { idTag });
    return (answer.idTagInfo as { status: string }).status;
  };

  it("the eMSP's answer decides: ALLOWED Accepted, BLOCKED Blocked, EXPIRED Expired, NO_CREDIT and NOT_ALLOWED Invalid", async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    asked.splice(0);
    expect(await statusOf('RT-OK')).toBe('Accepted');
    expect(await statusOf('RT-BLOCKED')).toBe('Blocked');
    expect(await statusOf('RT-EXPIRED')).toBe('Expired');
    expect(await statusOf('RT-NOCREDIT')).toBe('Invalid');
    expect(await statusOf('RT-NOTALLOWED')).toBe('Invalid');
    expect(await statusOf('RT-NEVER-OK')).toBe('Accepted');
    expect(asked).toEqual([
      'RT-OK',
      'RT-BLOCKED',
      'RT-EXPIRED',
      'RT-NOCREDIT',
      'RT-NOTALLOWED',
      'RT-NEVER-OK',
    ]);
    // ALWAYS: whitelisted, never asked (the eMSP would have said BLOCKED).
    expect(await statusOf('RT-ALWAYS')).toBe('Accepted');
    expect(asked).not.toContain('RT-ALWAYS');
  });

  it('StartTransaction asks too: a token the eMSP blocks now is refused and starts no Session', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    const refused = await sim.startTransaction(1, 'RT-BLOCKED');
    expect(refused.status).toBe('Blocked');
    const tx = await sim.startTransaction(2, 'RT-OK');
    expect(tx.status).toBe('Accepted');
    await eventually(async () => {
      const { items } = await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp);
      return items.find((s) => s.cdr_token.uid === 'RT-OK');
    });
    const { items } = await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp);
    expect(items.some((s) => s.cdr_token.uid === 'RT-BLOCKED')).toBe(false);
    await sim.stopTransaction(2);
  });

  it('eMSP unreachable (an error, or no answer in time): ALLOWED_OFFLINE and ALLOWED accepted, NEVER refused', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    expect(await statusOf('RT-NEVER-DOWN')).toBe('Invalid');
    expect(await statusOf('RT-ALLOWED-DOWN')).toBe('Accepted');
    const started = Date.now();
    // The eMSP never answers: after the 1 s timeout the whitelist allows it.
    expect(await statusOf('RT-OFFLINE-DOWN')).toBe('Accepted');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
