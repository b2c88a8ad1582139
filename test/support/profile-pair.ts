import type { OcpiAppOptions, OcpiVersion } from '../../src/index.ts';
import type { ChargingProfile } from '../../src/model/v230/chargingprofiles.ts';
import type {
  ChargerCommand,
  ChargerGateway,
  ChargerProfileRequest,
  GatewayReporter,
} from '../../src/modules/commands/gateway.ts';
import {
  SimulatedGateway,
  type SimulatedGatewayOptions,
} from '../../src/modules/commands/simulated-gateway.ts';
import type { StoreOptions } from '../../src/store/store.ts';
import { type Catcher, startCatcher } from './loopback-catcher.ts';
import { ManualClock } from './manual-clock.ts';
import { call, type Reply } from './nodes.ts';
import { type Pair, startPair, tokenOf } from './pair.ts';
import { exampleJson } from './spec-fixtures.ts';
import { STORES } from './stores.ts';
import { waitFor } from './wait-for.ts';

const json = (file: string) => exampleJson('2.3.0', file) as Record<string, unknown>;

/** The simulator, remembering the profile requests that reach the chargers and the reporter. */
export class ProfileRecorder implements ChargerGateway {
  readonly seen: ChargerProfileRequest[] = [];
  readonly commands: ChargerCommand[] = [];
  report?: GatewayReporter;
  constructor(readonly inner: SimulatedGateway) {}
  execute(command: ChargerCommand, report: GatewayReporter) {
    this.commands.push(command);
    return this.inner.execute(command, report);
  }
  profile(request: ChargerProfileRequest, report: GatewayReporter) {
    this.seen.push(request);
    this.report = report;
    return this.inner.profile(request, report);
  }
}

/**
 * Simulated chargers on a manual clock (meter values hourly unless `options` say otherwise),
 * behind a recorder of the profile requests that reach them.
 */
export function simulatedChargers(options: SimulatedGatewayOptions = {}) {
  const clock = new ManualClock();
  const sim = new SimulatedGateway({ clock, tickMs: 3_600_000, ...options });
  return { clock, sim, gateway: new ProfileRecorder(sim) };
}

/** Every version that has ChargingProfiles, on every store. */
export const PROFILE_CASES = (['2.2.1', '2.3.0'] as OcpiVersion[]).flatMap((version) =>
  STORES.map(([name, store]) => [version, name, store] as const),
);

/** A watt profile of two periods, relative to the start of charging. */
export const PROFILE: ChargingProfile = {
  charging_rate_unit: 'W',
  charging_profile_period: [
    { start_period: 0, limit: 6000 },
    { start_period: 1800, limit: 11000 },
  ],
};

export interface ProfilePair extends Pair {
  catcher: Catcher;
  /**
   * Starts a session on an EVSE (START_SESSION from the eMSP; the charger answers when the
   * clock moves 20 ms) and gives its id once the CPO has it. Needs a ProfileRecorder.
   */
  startCharging(evseUid: string): Promise<string>;
  /**
   * Sends a request as `send` does; once the charger has it (a new entry in the recorder's
   * `seen`), moves the clock 20 ms so that it answers. Requests not ACCEPTED are just sent.
   */
  ask(send: () => Promise<Reply>): Promise<Reply>;
  /** The CPO's receiver, called with plain HTTP as the eMSP. */
  put(sessionId: string, body: unknown): Promise<Reply>;
  get(sessionId: string, query: string): Promise<Reply>;
  del(sessionId: string, query: string): Promise<Reply>;
}

/**
 * A CPO (EVSEs `evses`, all able to start remotely) and a registered eMSP over `version`, on
 * one manual clock: the simulated chargers answer when the clock moves `answerMs` (20). The
 * CPO accepts any response_url host, so results can go to a loopback catcher.
 */
export async function startProfilePair(
  version: OcpiVersion,
  store: () => StoreOptions,
  clock: ManualClock,
  gateway: ChargerGateway,
  cpo: OcpiAppOptions = {},
  evses: string[] = ['OK'],
): Promise<ProfilePair> {
  const catcher = await startCatcher();
  const pair = await startPair(
    version,
    {
      cpo: {
        clock,
        ...cpo,
        commands: { gateway, timeoutSeconds: 30, responseUrlPolicy: 'any', ...cpo.commands },
      },
      emsp: { clock },
    },
    store,
  );
  const example = json('location_example.json');
  const evse = (example.evses as Array<Record<string, unknown>>)[0] ?? {};
  await pair.cpo.ocpi.locations.put(
    {
      ...example,
      country_code: 'NL',
      party_id: 'CPO',
      id: 'CP-LOC',
      evses: evses.map((uid) => ({
        ...evse,
        uid,
        evse_id: `NL*CPO*E${uid}`,
        capabilities: ['REMOTE_START_STOP_CAPABLE'],
      })),
    },
    '2.3.0',
  );
  const token = await tokenOf(pair.emsp, pair.cpoAtEmsp);
  const base = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/chargingprofiles`;
  const tokenObject = { ...json('token_example_2_full_rfid.json'), country_code: 'DE', party_id: 'MSP' };
  const ids = async () => (await pair.cpo.ocpi.sessions.list({ limit: 100 })).items.map((s) => String(s.id));
  return {
    ...pair,
    catcher,
    close: async () => {
      await pair.close();
      await catcher.close();
    },
    async startCharging(evseUid) {
      const before = new Set(await ids());
      const sent = await pair.emsp.ocpi.commands.send(pair.cpoAtEmsp, 'START_SESSION', {
        token: tokenObject,
        location_id: 'CP-LOC',
        evse_uid: evseUid,
      });
      if (sent.response.result !== 'ACCEPTED') throw new Error(`START_SESSION ${sent.response.result}`);
      const recorder = gateway instanceof ProfileRecorder ? gateway : undefined;
      await waitFor(() => recorder?.commands.some((c) => 'evseUid' in c && c.evseUid === evseUid) ?? false, {
        what: `START_SESSION at the charger of ${evseUid}`,
      });
      recorder?.commands.splice(0);
      await clock.advance(20);
      let id: string | undefined;
      await waitFor(
        async () => {
          id = (await ids()).find((i) => !before.has(i));
          return id !== undefined;
        },
        { what: `a session on ${evseUid}` },
      );
      return id ?? '';
    },
    async ask(send) {
      const recorder = gateway instanceof ProfileRecorder ? gateway : undefined;
      const before = recorder?.seen.length ?? 0;
      const reply = await send();
      const data = reply.body.data as { result?: string } | undefined;
      if (data?.result !== 'ACCEPTED') return reply;
      await waitFor(() => (recorder?.seen.length ?? 0) > before, { what: 'the request at the charger' });
      await clock.advance(20);
      return reply;
    },
    put: (sessionId, body) => call(`${base}/${sessionId}`, { method: 'PUT', token, body }),
    get: (sessionId, query) => call(`${base}/${sessionId}?${query}`, { token }),
    del: (sessionId, query) => call(`${base}/${sessionId}?${query}`, { method: 'DELETE', token }),
  };
}
