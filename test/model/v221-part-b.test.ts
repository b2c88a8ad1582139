import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import * as cdrs from '../../src/model/v221/cdrs.ts';
import * as chargingprofiles from '../../src/model/v221/chargingprofiles.ts';
import * as commands from '../../src/model/v221/commands.ts';
import * as sessions from '../../src/model/v221/sessions.ts';
import { compileValidator } from '../../src/model/validate.ts';
import { exampleFiles, exampleJson } from '../support/spec-fixtures.ts';

type Json = Record<string, unknown>;

function example(name: string): Json {
  return exampleJson('2.2.1', name) as Json;
}
function at(value: unknown, ...path: (string | number)[]): Json {
  let cur: unknown = value;
  for (const key of path) cur = (cur as Record<string | number, unknown>)[key];
  return cur as Json;
}
function without(value: Json, ...fields: string[]): Json {
  const copy = structuredClone(value);
  for (const field of fields) delete copy[field];
  return copy;
}
function check(schema: TSchema, value: unknown) {
  return compileValidator(schema)(value);
}
function pathsOf(schema: TSchema, value: unknown): string[] {
  const result = check(schema, value);
  return result.ok ? [] : result.errors.map((e) => e.path);
}

const fullCdr = () => example('cdr_example.json');
const finishedSession = () => example('session_example_2_short_finished.json');
const rfidToken = () => example('token_example_2_full_rfid.json');
const displayText = () => example('type_displaytext_example.json');

/** The 2.2.1 examples hold no command or charging profile bodies; these samples follow the spec tables. */
const chargingProfile = (): Json => ({
  start_date_time: '2019-06-24T08:00:00Z',
  duration: 3600,
  charging_rate_unit: 'W',
  min_charging_rate: 1400,
  charging_profile_period: [
    { start_period: 0, limit: 11000 },
    { start_period: 1800, limit: 7400.5 },
  ],
});
const activeChargingProfile = (): Json => ({
  start_date_time: '2019-06-24T08:00:00Z',
  charging_profile: chargingProfile(),
});
const responseUrl = 'https://emsp.example.com/ocpi/emsp/2.2.1/commands/START_SESSION/1234';

interface Case {
  name: string;
  schema: TSchema;
  /** A valid sample, taken from a spec example where one exists. */
  sample: () => Json;
  /** A required field of the sample. */
  required: string;
  /** Optional fields present in the sample. */
  optional?: string[];
}

const cases: Case[] = [
  // commands.ts
  {
    name: 'CancelReservation',
    schema: commands.CancelReservation,
    sample: () => ({ response_url: responseUrl, reservation_id: 'RES-1' }),
    required: 'reservation_id',
  },
  {
    name: 'CommandResponse',
    schema: commands.CommandResponse,
    sample: () => ({ result: 'ACCEPTED', timeout: 30, message: [displayText()] }),
    required: 'timeout',
    optional: ['message'],
  },
  {
    name: 'CommandResult',
    schema: commands.CommandResult,
    sample: () => ({ result: 'EVSE_OCCUPIED', message: [displayText()] }),
    required: 'result',
    optional: ['message'],
  },
  {
    name: 'ReserveNow',
    schema: commands.ReserveNow,
    sample: () => ({
      response_url: responseUrl,
      token: rfidToken(),
      expiry_date: '2019-06-24T09:00:00Z',
      reservation_id: 'RES-1',
      location_id: 'LOC1',
      evse_uid: '3256',
      authorization_reference: 'AUTH-1',
    }),
    required: 'expiry_date',
    optional: ['evse_uid', 'authorization_reference'],
  },
  {
    name: 'StartSession',
    schema: commands.StartSession,
    sample: () => ({
      response_url: responseUrl,
      token: rfidToken(),
      location_id: 'LOC1',
      evse_uid: '3256',
      connector_id: '1',
      authorization_reference: 'AUTH-1',
    }),
    required: 'token',
    optional: ['evse_uid', 'connector_id', 'authorization_reference'],
  },
  {
    name: 'StopSession',
    schema: commands.StopSession,
    sample: () => ({ response_url: responseUrl, session_id: '101' }),
    required: 'session_id',
  },
  {
    name: 'UnlockConnector',
    schema: commands.UnlockConnector,
    sample: () => ({ response_url: responseUrl, location_id: 'LOC1', evse_uid: '3256', connector_id: '1' }),
    required: 'connector_id',
  },
  // chargingprofiles.ts
  {
    name: 'ChargingProfileResponse',
    schema: chargingprofiles.ChargingProfileResponse,
    sample: () => ({ result: 'TOO_OFTEN', timeout: 60 }),
    required: 'timeout',
  },
  {
    name: 'ActiveChargingProfileResult',
    schema: chargingprofiles.ActiveChargingProfileResult,
    sample: () => ({ result: 'ACCEPTED', profile: activeChargingProfile() }),
    required: 'result',
    optional: ['profile'],
  },
  {
    name: 'ChargingProfileResult',
    schema: chargingprofiles.ChargingProfileResult,
    sample: () => ({ result: 'REJECTED' }),
    required: 'result',
  },
  {
    name: 'ClearProfileResult',
    schema: chargingprofiles.ClearProfileResult,
    sample: () => ({ result: 'UNKNOWN' }),
    required: 'result',
  },
  {
    name: 'SetChargingProfile',
    schema: chargingprofiles.SetChargingProfile,
    sample: () => ({ charging_profile: chargingProfile(), response_url: responseUrl }),
    required: 'charging_profile',
  },
  {
    name: 'ActiveChargingProfile',
    schema: chargingprofiles.ActiveChargingProfile,
    sample: activeChargingProfile,
    required: 'start_date_time',
  },
  {
    name: 'ChargingProfile',
    schema: chargingprofiles.ChargingProfile,
    sample: chargingProfile,
    required: 'charging_rate_unit',
    optional: ['start_date_time', 'duration', 'min_charging_rate', 'charging_profile_period'],
  },
  {
    name: 'ChargingProfilePeriod',
    schema: chargingprofiles.ChargingProfilePeriod,
    sample: () => ({ start_period: 0, limit: 16.5 }),
    required: 'limit',
  },
  // sessions.ts
  {
    name: 'Session',
    schema: sessions.Session,
    sample: finishedSession,
    required: 'cdr_token',
    optional: ['end_date_time', 'charging_periods', 'total_cost'],
  },
  {
    name: 'ChargingPreferences',
    schema: sessions.ChargingPreferences,
    sample: () => ({
      profile_type: 'FAST',
      departure_time: '2019-06-24T17:00:00Z',
      energy_need: 32.5,
      discharge_allowed: false,
    }),
    required: 'profile_type',
    optional: ['departure_time', 'energy_need', 'discharge_allowed'],
  },
  // cdrs.ts
  {
    name: 'CDR',
    schema: cdrs.CDR,
    sample: fullCdr,
    required: 'charging_periods',
    optional: ['tariffs', 'total_time_cost'],
  },
  {
    name: 'CdrToken',
    schema: cdrs.CdrToken,
    sample: () => at(fullCdr(), 'cdr_token'),
    required: 'contract_id',
  },
  {
    name: 'CdrLocation',
    schema: cdrs.CdrLocation,
    sample: () => at(fullCdr(), 'cdr_location'),
    required: 'evse_id',
    optional: ['name', 'postal_code'],
  },
  {
    name: 'ChargingPeriod',
    schema: cdrs.ChargingPeriod,
    sample: () => at(fullCdr(), 'charging_periods', 0),
    required: 'dimensions',
    optional: ['tariff_id'],
  },
  {
    name: 'CdrDimension',
    schema: cdrs.CdrDimension,
    sample: () => at(fullCdr(), 'charging_periods', 0, 'dimensions', 0),
    required: 'volume',
  },
  {
    name: 'SignedData',
    schema: cdrs.SignedData,
    sample: () => ({
      encoding_method: 'OCMF',
      encoding_method_version: 1,
      public_key: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
      signed_values: [{ nature: 'Start', plain_data: 'OCMF|{}', signed_data: 'MEUCIQ==' }],
      url: 'https://meter.example.com/check',
    }),
    required: 'signed_values',
    optional: ['encoding_method_version', 'public_key', 'url'],
  },
  {
    name: 'SignedValue',
    schema: cdrs.SignedValue,
    sample: () => ({ nature: 'End', plain_data: 'OCMF|{}', signed_data: 'MEUCIQ==' }),
    required: 'plain_data',
  },
];

describe('OCPI 2.2.1 schemas, part B', () => {
  describe.each(cases)('$name', ({ schema, sample, required, optional = [] }) => {
    it('accepts a valid sample', () => {
      expect(check(schema, sample())).toEqual({ ok: true, value: sample() });
    });
    it(`rejects a sample without ${required}, naming /${required}`, () => {
      expect(pathsOf(schema, without(sample(), required))).toContain(`/${required}`);
    });
    for (const field of optional) {
      it(`accepts a sample without optional ${field}`, () => {
        expect(sample()[field]).toBeDefined();
        expect(check(schema, without(sample(), field)).ok).toBe(true);
      });
    }
    if (optional.length > 1) {
      it('accepts a sample without all its optional fields at once', () => {
        expect(check(schema, without(sample(), ...optional)).ok).toBe(true);
      });
    }
  });

  it('rejects nested missing fields with their full path', () => {
    const cdr = fullCdr();
    delete at(cdr, 'cdr_location').evse_id;
    delete at(cdr, 'charging_periods', 0, 'dimensions', 0).type;
    expect(pathsOf(cdrs.CDR, cdr)).toEqual(
      expect.arrayContaining(['/cdr_location/evse_id', '/charging_periods/0/dimensions/0/type']),
    );
    const start = { response_url: responseUrl, token: without(rfidToken(), 'whitelist'), location_id: 'L' };
    expect(pathsOf(commands.StartSession, start)).toContain('/token/whitelist');
    const session = finishedSession();
    delete at(session, 'cdr_token').uid;
    expect(pathsOf(sessions.Session, session)).toContain('/cdr_token/uid');
  });

  it('keeps `+` lists non-empty and lets `*` lists be empty', () => {
    expect(pathsOf(cdrs.CDR, { ...fullCdr(), charging_periods: [] })).toContain('/charging_periods');
    expect(
      pathsOf(cdrs.ChargingPeriod, { start_date_time: '2015-06-29T21:39:09Z', dimensions: [] }),
    ).toContain('/dimensions');
    expect(pathsOf(cdrs.SignedData, { encoding_method: 'OCMF', signed_values: [] })).toContain(
      '/signed_values',
    );
    expect(check(cdrs.CDR, { ...fullCdr(), tariffs: [] }).ok).toBe(true);
    expect(check(sessions.Session, { ...finishedSession(), charging_periods: [] }).ok).toBe(true);
    expect(check(commands.CommandResult, { result: 'FAILED', message: [] }).ok).toBe(true);
    expect(
      check(chargingprofiles.ChargingProfile, { charging_rate_unit: 'A', charging_profile_period: [] }).ok,
    ).toBe(true);
  });

  it('enforces types and lengths from the spec', () => {
    expect(pathsOf(commands.CommandResponse, { result: 'ACCEPTED', timeout: 1.5 })).toContain('/timeout');
    expect(pathsOf(chargingprofiles.ChargingProfilePeriod, { start_period: '0', limit: 1 })).toContain(
      '/start_period',
    );
    expect(pathsOf(cdrs.CDR, { ...fullCdr(), id: 'x'.repeat(40) })).toContain('/id');
    expect(check(cdrs.CDR, { ...fullCdr(), id: 'x'.repeat(39) }).ok).toBe(true);
    expect(pathsOf(sessions.Session, { ...finishedSession(), id: 'x'.repeat(37) })).toContain('/id');
    expect(pathsOf(sessions.Session, { ...finishedSession(), currency: 'EURO' })).toContain('/currency');
    expect(pathsOf(sessions.Session, { ...finishedSession(), last_updated: 'yesterday' })).toContain(
      '/last_updated',
    );
    const longPlain = { nature: 'Start', plain_data: 'x'.repeat(5000), signed_data: 'x' };
    expect(check(cdrs.SignedValue, longPlain).ok).toBe(true);
    expect(pathsOf(cdrs.SignedValue, { ...longPlain, plain_data: 'x'.repeat(5001) })).toContain(
      '/plain_data',
    );
    expect(pathsOf(cdrs.CDR, { ...fullCdr(), credit: 'yes' })).toContain('/credit');
  });

  it('accepts #NA connector and EVSE references of a reservation session', () => {
    const reserved = { ...finishedSession(), evse_uid: '#NA', connector_id: '#NA', status: 'RESERVATION' };
    expect(check(sessions.Session, reserved).ok).toBe(true);
  });

  it('closed enums reject unknown values and name the allowed ones', () => {
    const r = check(commands.CommandType, 'START_TRANSACTION');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]?.message).toContain(
        'CANCEL_RESERVATION, RESERVE_NOW, START_SESSION, STOP_SESSION, UNLOCK_CONNECTOR',
      );
    }
    // TIMEOUT is a 2.1.1 CommandResponseType value and a 2.2.1 CommandResultType value.
    expect(check(commands.CommandResponseType, 'TIMEOUT').ok).toBe(false);
    expect(check(commands.CommandResultType, 'TIMEOUT').ok).toBe(true);
    expect(check(chargingprofiles.ChargingRateUnit, 'kW').ok).toBe(false);
    expect(check(chargingprofiles.ChargingProfileResultType, 'UNKNOWN').ok).toBe(true);
    expect(check(sessions.SessionStatus, 'RESERVATION').ok).toBe(true);
    expect(check(sessions.SessionStatus, 'STOPPED').ok).toBe(false);
    expect(check(sessions.ChargingPreferencesResponse, 'NOT_POSSIBLE').ok).toBe(true);
    expect(check(cdrs.AuthMethod, 'COMMAND').ok).toBe(true);
    expect(check(cdrs.CdrDimensionType, 'STATE_OF_CHARGE').ok).toBe(true);
    expect(check(cdrs.CdrDimensionType, 'FLAT').ok).toBe(false);
    expect(check(sessions.ProfileType, 'GREEN').ok).toBe(true);
  });

  it('allows unknown properties on read', () => {
    expect(check(cdrs.CDR, { ...fullCdr(), vendor_extension: { a: 1 } }).ok).toBe(true);
    expect(check(commands.StopSession, { response_url: responseUrl, session_id: '1', x: true }).ok).toBe(
      true,
    );
  });

  it('Session PATCH requires only last_updated; no other part-B object is PATCHed', () => {
    const patch = sessions.patches.Session as TSchema;
    expect(check(patch, example('session_patch_example_total_cost.json')).ok).toBe(true);
    expect(check(patch, example('session_patch_example_charging_period.json')).ok).toBe(true);
    expect(pathsOf(patch, { kwh: 15 })).toEqual(['/last_updated']);
    expect(pathsOf(patch, { kwh: 'lots', last_updated: '2019-06-23T08:16:02Z' })).toContain('/kwh');
    // A PATCHed charging period is still a whole ChargingPeriod.
    const badPeriod = { charging_periods: [{ dimensions: [] }], last_updated: '2019-06-23T08:16:02Z' };
    expect(pathsOf(patch, badPeriod)).toEqual(
      expect.arrayContaining(['/charging_periods/0/start_date_time', '/charging_periods/0/dimensions']),
    );
    expect(Object.keys(sessions.patches)).toEqual(['Session']);
    expect(Object.keys(cdrs.patches)).toEqual([]);
    expect(Object.keys(commands.patches)).toEqual([]);
    expect(Object.keys(chargingprofiles.patches)).toEqual([]);
  });

  it('every module exports its schemas by spec name', () => {
    for (const m of [commands, chargingprofiles, sessions, cdrs]) {
      for (const [name, schema] of Object.entries(m.objects)) {
        expect((m as unknown as Record<string, unknown>)[name]).toBe(schema);
      }
    }
    expect(Object.keys(commands.objects)).toHaveLength(10);
    expect(Object.keys(chargingprofiles.objects)).toHaveLength(11);
    expect(Object.keys(sessions.objects)).toHaveLength(5);
    expect(Object.keys(cdrs.objects)).toHaveLength(9);
  });
});

describe('OCPI 2.2.1 spec examples (part B modules)', () => {
  const table: [string, TSchema][] = [
    ['cdr_example.json', cdrs.CDR],
    ['session_example_1_simple_start.json', sessions.Session],
    ['session_example_2_short_finished.json', sessions.Session],
    ['session_patch_example_charging_period.json', sessions.patches.Session as TSchema],
    ['session_patch_example_total_cost.json', sessions.patches.Session as TSchema],
  ];

  it('covers every session and CDR example file', () => {
    const files = exampleFiles('2.2.1').filter((f) => /^(session|cdr)_/.test(f));
    expect(table.map(([f]) => f).sort()).toEqual(files.sort());
  });

  it.each(table)('%s validates', (file, schema) => {
    expect(check(schema, example(file))).toEqual({ ok: true, value: example(file) });
  });
});
