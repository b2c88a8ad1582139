import { expect, it } from 'vitest';
import { ocpi } from '../support/cli.ts';

it('runs the demo: a session started by command, capped by a charging profile, stopped, and its CDR', async () => {
  const out = await ocpi('demo');
  const steps = out
    .split('\n')
    .filter((line) => /^\d\. /.test(line))
    .map((line) => line.slice(0, 2));
  expect(steps).toEqual(['1.', '2.', '3.', '4.', '5.', '6.']);
  expect(out).toContain(
    'SetChargingProfile 3700 W → ChargingProfileResponse ACCEPTED; ChargingProfileResult ACCEPTED',
  );
  expect(out).toContain('ActiveChargingProfile: 3700 W from now on');
  // 3.7 kW for one 0.7 s meter reading is 0.001 kWh, where the uncapped demo charger adds 1.1.
  expect(out).toContain('charging follows the limit: +0.001 kWh a meter reading');
  expect(out).toMatch(/6\. CDR .*kWh/);
}, 120_000);
