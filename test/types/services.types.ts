/*
 * Type tests of the public API: checked by `npm run typecheck` (tsc covers test/), never run.
 * Each `@ts-expect-error` line must fail to compile; if a change makes it compile, tsc says
 * the directive is unused and the typecheck fails.
 */
import type { createOcpiApp, ObjectService, OcpiAppOptions, OwnPage, v230 } from '../../src/index.ts';

type App = Awaited<ReturnType<typeof createOcpiApp>>;

type Location = v230.locations.Location;

const location: Location = {
  country_code: 'NL',
  party_id: 'CPO',
  id: 'LOC1',
  publish: true,
  address: 'Stationsplein 1',
  city: 'Utrecht',
  country: 'NLD',
  coordinates: { latitude: '52.09', longitude: '5.11' },
  time_zone: 'Europe/Amsterdam',
  last_updated: '2030-01-01T00:00:00Z',
};

const page: OwnPage<Location> = { items: [location], total: 1 };

/** A user's own system behind the Locations module. */
const locations: ObjectService<Location> = {
  listOwn: async () => page,
  getOwn: async () => location,
  getReceived: async () => undefined,
  putReceived: async () => true,
  updateReceived: async () => undefined,
  createReceived: async () => true,
  deleteReceived: async () => true,
  listReceived: async () => page,
};

export const ownService: Pick<OcpiAppOptions, 'services'> = { services: { locations } };

export const wrongFieldType: Pick<OcpiAppOptions, 'services'> = {
  services: {
    locations: {
      ...locations,
      // @ts-expect-error publish is a boolean
      getOwn: async () => ({ ...location, publish: 'yes' }),
    },
  },
};

export const missingField: Pick<OcpiAppOptions, 'services'> = {
  services: {
    locations: {
      ...locations,
      // @ts-expect-error a Location has a city
      getOwn: async () => ({ ...location, city: undefined }),
    },
  },
};

export const otherModulesObject: Pick<OcpiAppOptions, 'services'> = {
  services: {
    // @ts-expect-error the Tariffs service serves Tariffs, not Locations
    tariffs: locations,
  },
};

export async function publish(app: App): Promise<void> {
  const put: Location = await app.ocpi.locations.put(location);
  // @ts-expect-error `colour` is no field of a Location
  await app.ocpi.locations.put({ ...location, colour: 'red' });
  // @ts-expect-error last_updated is a DateTime string
  await app.ocpi.locations.put({ ...location, last_updated: new Date() });
  // @ts-expect-error a Location is no Token
  await app.ocpi.tokens.put(location);
  // JSON of a version is read by its schema at run time: any JSON goes.
  await app.ocpi.locations.put({ id: 'LOC1', type: 'ON_STREET' }, '2.1.1', {
    countryCode: 'NL',
    partyId: 'CPO',
  });
  const got = await app.ocpi.locations.get('LOC1');
  // @ts-expect-error what comes back is a Location: no `colour`
  got?.colour;
  void put;
}
