import type { ReceivedEvent } from '../admin/command-routes.ts';
import type { OcpiApi } from '../app/api.ts';
import { createOcpiApp } from '../app.ts';
import { systemClock } from '../clock.ts';
import { isJsonObject, type JsonObject } from '../model/json.ts';
import { type DemoChargers, startDemoChargers } from './demo-chargers.ts';
import { demoLocation, demoTariff, demoToken } from './demo-data.ts';

const say = (text: string) => process.stdout.write(`${text}\n`);

/**
 * `npm run demo`: a CPO with its OCPP endpoint and an eMSP, in one process over real HTTP;
 * the CPO's chargers are simulated OCPP 1.6J charge points (one per EVSE) connected to it
 * over a loopback websocket. They register, then START_SESSION → RemoteStartTransaction →
 * charging (StartTransaction, MeterValues) → a charging profile (the eMSP acting as smart
 * charging provider; SetChargingProfile to the charger) slows the charger down →
 * STOP_SESSION → RemoteStopTransaction → StopTransaction → CDR.
 */
export async function demo(): Promise<number> {
  const clock = systemClock;
  const fast = { pollIntervalMs: 100 };
  const cpo = await createOcpiApp({
    parties: [{ countryCode: 'NL', partyId: 'CPO', role: 'CPO', businessDetails: { name: 'Demo CPO' } }],
    ocpp: { enabled: true, heartbeatIntervalSeconds: 60 },
    commands: { timeoutSeconds: 10 },
    delivery: fast,
    clock,
  });
  const emsp = await createOcpiApp({
    parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'Demo eMSP' } }],
    delivery: fast,
    clock,
  });
  let chargers: DemoChargers | undefined;
  try {
    await cpo.listen({ port: 0, host: '127.0.0.1' });
    await emsp.listen({ port: 0, host: '127.0.0.1' });
    say(`CPO  NL*CPO at ${cpo.ocpi.versionsUrl()}`);
    say(`eMSP DE*MSP at ${emsp.ocpi.versionsUrl()}`);
    const partner = await emsp.ocpi.registerWith(
      cpo.ocpi.versionsUrl(),
      await cpo.ocpi.createRegistrationToken(),
    );
    await cpo.ocpi.tariffs.put(demoTariff('NL', 'CPO'));
    const location = demoLocation('NL', 'CPO');
    await cpo.ocpi.locations.put(location);
    // A meter reading every 0.7 s adding 1.1 kWh: 5.7 MW, a demo's fast forward.
    chargers = await startDemoChargers(cpo, location, {
      clock,
      meterIntervalSeconds: 0.7,
      whPerReading: 1100,
    });
    const token = await emsp.ocpi.tokens.put(demoToken('DE', 'MSP'));
    await until(async () =>
      undefined ===
      (await emsp.ocpi.locations.received(partner.id, { countryCode: 'NL', partyId: 'CPO', id: 'DEMO-1' }))
        ? undefined
        : true,
    );
    say(
      `1. registered over OCPI ${partner.version}; the CPO pushed its location and tariff, the eMSP its token`,
    );
    say(
      `   chargers ${chargers.simulators.map((s) => s.options.id).join(', ')} connected over OCPP 1.6J to ${cpo.ocpi
        .versionsUrl()
        .replace(/^http/, 'ws')
        .replace(/\/ocpi\/versions$/, '/ocpp')}`,
    );

    const sessions: JsonObject[] = [];
    let cdr: JsonObject | undefined;
    emsp.ocpi.events.on('received', (event: ReceivedEvent) => {
      if (event.module === 'sessions') sessions.push(event.object);
      if (event.module === 'cdrs') cdr = event.object;
    });

    const start = await emsp.ocpi.commands.send(partner.id, 'START_SESSION', {
      token,
      location_id: 'DEMO-1',
      evse_uid: 'DEMO-E1',
      connector_id: '1',
      authorization_reference: 'DEMO-AUTH-1',
    });
    say(`2. START_SESSION → CommandResponse ${start.response.result} (timeout ${start.response.timeout} s)`);
    say(`   CommandResult ${(await start.result).result}`);
    const session = await until(() => sessions.find((s) => s.status === 'ACTIVE'));
    say(`3. Session ${session.id} ${session.status}`);
    for (let kwh = 0; kwh < 3; ) {
      const latest = await until(() =>
        sessions.length > 0 && Number(sessions[sessions.length - 1]?.kwh) > kwh
          ? sessions[sessions.length - 1]
          : undefined,
      );
      kwh = Number(latest.kwh);
      say(`   charging: ${kwh} kWh`);
    }
    await smartCharging(emsp.ocpi, partner.id, String(session.id), sessions);
    const stop = await emsp.ocpi.commands.send(partner.id, 'STOP_SESSION', {
      session_id: String(session.id),
    });
    say(
      `5. STOP_SESSION → CommandResponse ${stop.response.result}; CommandResult ${(await stop.result).result}`,
    );
    const done = await until(() => sessions.find((s) => s.status === 'COMPLETED'));
    say(`   Session ${done.status} at ${done.kwh} kWh`);
    const final = await until(() => cdr);
    const cost = isJsonObject(final.total_cost) ? final.total_cost.before_taxes : '?';
    say(
      `6. CDR ${final.id}: ${final.total_energy} kWh, ${Number(final.total_time).toFixed(3)} h, ${cost} ${final.currency} before taxes`,
    );
    return 0;
  } finally {
    await chargers?.stop();
    await Promise.all([cpo.close(), emsp.close()]);
  }
}

/**
 * The eMSP, as smart charging provider, caps the session at 3.7 kW: the CPO answers at once,
 * sends SetChargingProfile to the charger, which applies it (GetCompositeSchedule reports
 * it), and its meter readings slow to match.
 */
async function smartCharging(
  ocpi: OcpiApi,
  partnerId: string,
  sessionId: string,
  sessions: JsonObject[],
): Promise<void> {
  const set = await ocpi.chargingProfiles.set(partnerId, sessionId, {
    charging_rate_unit: 'W',
    charging_profile_period: [{ start_period: 0, limit: 3700 }],
  });
  say(
    `4. SetChargingProfile 3700 W → ChargingProfileResponse ${set.response.result}; ChargingProfileResult ${(await set.result).result}`,
  );
  const active = await ocpi.chargingProfiles.get(partnerId, sessionId, 900);
  const outcome = await active.result;
  const limit =
    'profile' in outcome ? outcome.profile?.charging_profile.charging_profile_period?.[0]?.limit : undefined;
  say(`   ActiveChargingProfile: ${limit ?? '?'} W from now on`);
  // Readings taken before the cap may still be on their way: wait for a small step.
  const from = sessions.length;
  const step = await until(() => {
    for (let i = Math.max(from, 1); i < sessions.length; i++) {
      const grew = Number(sessions[i]?.kwh) - Number(sessions[i - 1]?.kwh);
      if (grew > 0 && grew < 0.5) return grew;
    }
    return undefined;
  });
  say(`   charging follows the limit: +${step.toFixed(3)} kWh a meter reading (was +1.100)`);
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('the demo stalled: nothing arrived in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
