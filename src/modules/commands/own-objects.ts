import type { Location } from '../../model/v230/locations.ts';
import type { Tariff } from '../../model/v230/tariffs.ts';
import type { OcpiNode } from '../../node.ts';

// The object services hold each module's objects in the canonical shape they were
// published in (checked against the 2.3.0 schema): a Location, a Tariff.

/** One of our Locations by id. */
export async function ownLocation(node: OcpiNode, id: string): Promise<Location | undefined> {
  return (await node.services.locations.getOwn(id)) as Location | undefined;
}

/** One of our Tariffs by id. */
export async function ownTariff(node: OcpiNode, id: string): Promise<Tariff | undefined> {
  return (await node.services.tariffs.getOwn(id)) as Tariff | undefined;
}
