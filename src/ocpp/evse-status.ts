import type { Clock } from '../clock.ts';
import type { Location, Status } from '../model/v230/locations.ts';
import type { Publisher } from '../modules/objects/publisher.ts';

/** An EVSE whose status the bridge changed. */
export interface EvseStatusChange {
  chargerId: string;
  locationId: string;
  evseUid: string;
  status: Status;
}

/**
 * Writes the status chargers report into our Locations, through the locations publisher:
 * stored, and PATCHed to every partner that receives Locations through the outbox. An
 * EVSE already in that status is left alone (no PATCH that changes nothing).
 */
export async function setEvseStatus(
  locations: Publisher<'locations'>,
  clock: Clock,
  chargerId: string,
  location: Location,
  evseUids: readonly string[],
  status: Status,
): Promise<EvseStatusChange[]> {
  const ref = { countryCode: location.country_code, partyId: location.party_id, id: location.id };
  const changes: EvseStatusChange[] = [];
  for (const evseUid of evseUids) {
    const evse = location.evses?.find((e) => e.uid === evseUid);
    if (!evse || evse.status === status) continue;
    await locations.patch(ref, [evseUid], {
      status,
      last_updated: new Date(clock.now()).toISOString(),
    });
    changes.push({ chargerId, locationId: location.id, evseUid, status });
  }
  return changes;
}
