import type { DeliveryWorkerOptions } from '../delivery/worker.ts';
import { bookingLocationsSpec, bookingsSpec } from '../modules/bookings/module.ts';
import { cdrsModule, cdrsSpec } from '../modules/cdrs/module.ts';
import { locationsModule, locationsSpec } from '../modules/locations/module.ts';
import { Publisher } from '../modules/objects/publisher.ts';
import { sessionsModule, sessionsSpec } from '../modules/sessions/module.ts';
import { tariffsModule, tariffsSpec } from '../modules/tariffs/module.ts';
import { tokensModule, tokensSpec } from '../modules/tokens/module.ts';
import type { OcpiModule, OcpiNode } from '../node.ts';

/** Functional modules the toolkit implements. */
export const FUNCTIONAL_MODULES: OcpiModule[] = [
  locationsModule,
  tariffsModule,
  tokensModule,
  sessionsModule,
  cdrsModule,
];

/** The ids the `modules` option may name. */
export const MODULE_IDS = [
  ...FUNCTIONAL_MODULES.map((m) => m.id),
  'commands',
  'chargingprofiles',
  'hubclientinfo',
  'payments',
  'bookings',
];

export const OBJECT_SPECS = {
  locations: locationsSpec,
  tariffs: tariffsSpec,
  tokens: tokensSpec,
  sessions: sessionsSpec,
  cdrs: cdrsSpec,
  booking_locations: bookingLocationsSpec,
  bookings: bookingsSpec,
};

/** The publisher of our own objects of each object module. */
export type Publishers = ReturnType<typeof createPublishers>;

/** Publishers that wake the delivery worker (`wake`) after each write. */
export function createPublishers(node: OcpiNode, wake: () => void) {
  return {
    locations: new Publisher(node, locationsSpec, wake),
    tariffs: new Publisher(node, tariffsSpec, wake),
    tokens: new Publisher(node, tokensSpec, wake),
    sessions: new Publisher(node, sessionsSpec, wake),
    cdrs: new Publisher(node, cdrsSpec, wake),
    /** Our BookingLocations (app.ocpi.bookings.locations); our Bookings have their own store. */
    booking_locations: new Publisher(node, bookingLocationsSpec, wake),
  };
}

/** For the delivery worker: a refused PATCH of one of our objects is replaced by the PUT of the whole object. */
export function wholeObjectOf(publishers: Publishers): NonNullable<DeliveryWorkerOptions['wholeObject']> {
  return async (entry) => {
    for (const publisher of Object.values(publishers)) {
      const message = await publisher.wholeObject(entry);
      if (message) return message;
    }
    return undefined;
  };
}

/** The modules the `modules` option enables (default: all), of those available. */
export function enabledModules(available: OcpiModule[], enabled: string[] | undefined): OcpiModule[] {
  return enabled ? available.filter((m) => enabled.includes(m.id)) : available;
}
