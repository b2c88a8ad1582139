import { describe, expectTypeOf, it } from 'vitest';
import type { OcpiApi } from '../../src/app/api.ts';
import type { v230 } from '../../src/index.ts';

type Profiles = OcpiApi['chargingProfiles'];
type Outcome<M extends 'set' | 'get' | 'clear'> = Awaited<Awaited<ReturnType<Profiles[M]>>['result']>;

// Checked by the typecheck (tsc includes test/): a wrong field is a compile error.
describe('the ChargingProfiles API types', () => {
  it('takes the ChargingProfile of the 2.3.0 schema', () => {
    expectTypeOf<Parameters<Profiles['set']>[2]>().toEqualTypeOf<v230.chargingprofiles.ChargingProfile>();
    // Never called: only its types are checked.
    const set: Profiles['set'] = () => new Promise(() => {});
    // @ts-expect-error kW is no ChargingRateUnit
    void set('p', 's', { charging_rate_unit: 'kW', charging_profile_period: [] });
  });

  it('answers with a ChargingProfileResponse and a result typed per request', () => {
    expectTypeOf<
      Awaited<ReturnType<Profiles['get']>>['response']
    >().toEqualTypeOf<v230.chargingprofiles.ChargingProfileResponse>();
    type Got = Extract<Outcome<'get'>, { source: 'partner' }>;
    expectTypeOf<Got['profile']>().toEqualTypeOf<v230.chargingprofiles.ActiveChargingProfile | undefined>();
    expectTypeOf<Extract<Outcome<'set'>, { source: 'partner' }>>().not.toHaveProperty('profile');
    expectTypeOf<
      Extract<Outcome<'clear'>, { source: 'local-timeout' }>['result']
    >().toEqualTypeOf<'TIMEOUT'>();
    expectTypeOf<Extract<Outcome<'set'>, { source: 'response' }>['result']>().toEqualTypeOf<
      'NOT_SUPPORTED' | 'REJECTED' | 'TOO_OFTEN' | 'UNKNOWN_SESSION'
    >();
    expectTypeOf<Awaited<ReturnType<Profiles['active']>>>().toEqualTypeOf<
      v230.chargingprofiles.ActiveChargingProfile | undefined
    >();
  });
});
