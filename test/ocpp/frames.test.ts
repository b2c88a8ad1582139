import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correctedCode } from '../../src/ocpp/call-errors.ts';
import type { ChargerSimulator } from '../../src/ocpp/simulator.ts';
import { answerTo, simulator, startOcppPair } from '../support/ocpp.ts';
import type { Pair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

describe.each(STORES)('OCPP 1.6 frames the CSMS cannot take, on %s', (_name, store) => {
  let pair: Pair;
  let sim: ChargerSimulator;
  beforeAll(async () => {
    pair = await startOcppPair(store);
    sim = simulator(pair.cpo);
    await sim.start();
  });
  afterAll(async () => {
    await sim.stop(true);
    await pair.close();
  });

  it.each([
    ['not JSON', '{nope', '-1', 'FormationViolation'],
    ['not an array', '{"a":1}', '-1', 'FormationViolation'],
    ['a message id that is not a string', '[2,17,"Heartbeat",{}]', '-1', 'FormationViolation'],
    ['an unknown message type', '[7,"m1","Heartbeat",{}]', 'm1', 'FormationViolation'],
    ['an action OCPP 1.6 does not have', '[2,"m2","FlyToTheMoon",{}]', 'm2', 'NotImplemented'],
    ['an action we do not take yet', '[2,"m3","DataTransfer",{"vendorId":"x"}]', 'm3', 'NotSupported'],
    ['a CALL without its payload', '[2,"m4","Heartbeat"]', 'm4', 'FormationViolation'],
    [
      'a payload of the wrong type',
      '[2,"m5","StatusNotification",{"connectorId":"one","status":"Available","errorCode":"NoError"}]',
      'm5',
      'TypeConstraintViolation',
    ],
    [
      'a payload without a required field',
      '[2,"m6","StatusNotification",{"connectorId":1,"errorCode":"NoError"}]',
      'm6',
      'OccurrenceConstraintViolation',
    ],
    [
      'a status OCPP 1.6 does not have',
      '[2,"m7","StatusNotification",{"connectorId":1,"status":"Sleeping","errorCode":"NoError"}]',
      'm7',
      'PropertyConstraintViolation',
    ],
  ])('%s gets a CALLERROR, and the connection stays', async (_what, frame, id, code) => {
    const answer = await answerTo(sim, frame);
    expect(answer.slice(0, 3)).toEqual([4, id, code]);
    expect(Date.parse(await sim.heartbeat())).toBeGreaterThan(0);
  });
});

describe('CALLERROR codes by OCPP version', () => {
  it('keeps 2.0.1 codes on 2.0.1 and maps them to 1.6 ones on 1.6', () => {
    expect(correctedCode('ocpp2.0.1', 'RpcFrameworkError', false)).toBe('RpcFrameworkError');
    expect(correctedCode('ocpp2.0.1', 'TypeConstraintViolation', true)).toBe('RpcFrameworkError');
    expect(correctedCode('ocpp1.6', 'RpcFrameworkError', false)).toBe('FormationViolation');
    expect(correctedCode('ocpp1.6', 'FormatViolation', false)).toBe('FormationViolation');
    expect(correctedCode('ocpp1.6', 'SomethingElse', false)).toBe('GenericError');
    expect(correctedCode('ocpp1.6', 'NotSupported', false)).toBe('NotSupported');
  });
});
