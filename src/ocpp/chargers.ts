import type { Location } from '../model/v230/locations.ts';
import type { Publisher } from '../modules/objects/publisher.ts';
import type { ChargerRepository, ChargerRow } from '../store/charger-repository.ts';
import { OcpiError } from '../transport/errors.ts';
import { checkPassword, generatePassword, hashPassword, passwordMatches } from './password.ts';

/** A charger of the OCPP bridge, as the API and the admin API show it (never its password). */
export interface Charger {
  /** Its OCPP identity: `ws://<host>:<port>/ocpp/<id>`, and its HTTP Basic user. */
  id: string;
  countryCode: string;
  partyId: string;
  locationId: string;
  /**
   * Connector numbers (OCPP 1.6 connectorId) mapped to EVSE uids by the operator. Empty:
   * connector n is the n-th EVSE of the Location, in the order of its `evses`.
   */
  evses: Record<string, string>;
  /** Whether it is connected now. */
  online: boolean;
  /** The OCPP version it last connected with ('1.6'), absent before it first did. */
  ocppVersion?: string;
  /** When it last sent a BootNotification or Heartbeat. */
  lastHeartbeat?: Date;
}

/** A charger to add: which Location it is, and optionally its password and EVSE mapping. */
export interface NewCharger {
  id: string;
  locationId: string;
  /** 16 to 40 characters; absent: one is made and given back once. */
  password?: string;
  /** Connector number ('1', '2', …) to EVSE uid of the Location. */
  evses?: Record<string, string>;
}

/** What add() gives back: the charger, and its password (the only time it is shown). */
export interface AddedCharger {
  charger: Charger;
  password: string;
}

/** OCPP-J identities: at most 48 unreserved URL characters (no ':', which Basic auth splits on). */
const IDENTITY = /^[A-Za-z0-9._~*-]{1,48}$/;
const CONNECTOR = /^[1-9][0-9]{0,3}$/;

function toCharger(row: ChargerRow): Charger {
  return {
    id: row.id,
    countryCode: row.country_code,
    partyId: row.party_id,
    locationId: row.location_id,
    evses: row.evses,
    online: row.online,
    ...(row.ocpp_version ? { ocppVersion: row.ocpp_version } : {}),
    ...(row.last_heartbeat ? { lastHeartbeat: new Date(row.last_heartbeat) } : {}),
  };
}

/** The EVSE uid of a connector number (OCPP 1.6 connectorId), if the charger has that connector. */
export function evseOfConnector(
  charger: Charger,
  location: Location,
  connectorId: number,
): string | undefined {
  const mapped = charger.evses[String(connectorId)];
  if (Object.keys(charger.evses).length > 0) return mapped;
  return connectorId >= 1 ? location.evses?.[connectorId - 1]?.uid : undefined;
}

/** The connector number of an EVSE uid on a charger, if that EVSE is one of its connectors. */
export function connectorOfEvse(charger: Charger, location: Location, evseUid: string): number | undefined {
  const mapped = Object.entries(charger.evses);
  if (mapped.length > 0) {
    const found = mapped.find(([, uid]) => uid === evseUid)?.[0];
    return found === undefined ? undefined : Number(found);
  }
  const index = (location.evses ?? []).findIndex((e) => e.uid === evseUid);
  return index < 0 ? undefined : index + 1;
}

/** The EVSE uids a charger is: the mapped ones, or else every EVSE of its Location. */
export function evsesOfCharger(charger: Charger, location: Location): string[] {
  const mapped = Object.values(charger.evses);
  return mapped.length > 0 ? mapped : (location.evses ?? []).map((e) => e.uid);
}

/**
 * The chargers allowed to connect to the OCPP endpoint, each bound to one of our
 * Locations. Adding checks the Location and the mapping; the password is kept hashed.
 */
export class ChargerRegistry {
  constructor(
    private readonly repo: ChargerRepository,
    private readonly locations: Publisher<'locations'>,
  ) {}

  async add(request: NewCharger): Promise<AddedCharger> {
    if (!IDENTITY.test(request.id))
      throw OcpiError.invalid('id: 1 to 48 letters, digits or . _ ~ * - (the OCPP identity)');
    const password = request.password ?? generatePassword();
    checkPassword(password);
    const location = await this.locations.get(request.locationId);
    if (!location)
      throw new OcpiError(
        'OCPI_ERR_UNKNOWN_LOCATION',
        `locationId: no Location ${request.locationId} of ours`,
      );
    const evses = request.evses ?? {};
    const uids = new Set((location.evses ?? []).map((e) => e.uid));
    for (const [connector, uid] of Object.entries(evses)) {
      if (!CONNECTOR.test(connector))
        throw OcpiError.invalid(`evses: connector ${connector} is not a connector number (1, 2, …)`);
      if (!uids.has(uid))
        throw OcpiError.invalid(`evses: ${uid} is not an EVSE of Location ${request.locationId}`);
    }
    const added = await this.repo.add({
      id: request.id,
      passwordHash: hashPassword(password),
      countryCode: location.country_code.toUpperCase(),
      partyId: location.party_id.toUpperCase(),
      locationId: location.id,
      evses,
    });
    if (!added) throw OcpiError.invalid(`id: a charger ${request.id} exists already`);
    const charger = await this.get(request.id);
    if (!charger) throw new OcpiError('OCPI_ERR_INTERNAL', `charger ${request.id} vanished as it was added`);
    return { charger, password };
  }

  async get(id: string): Promise<Charger | undefined> {
    const row = await this.repo.get(id);
    return row && toCharger(row);
  }

  async list(): Promise<Charger[]> {
    return (await this.repo.list()).map(toCharger);
  }

  /** The chargers bound to a Location. */
  async atLocation(locationId: string): Promise<Charger[]> {
    return (await this.repo.atLocation(locationId)).map(toCharger);
  }

  /** Forgets a charger; false when there was none. */
  remove(id: string): Promise<boolean> {
    return this.repo.remove(id);
  }

  /**
   * Who is knocking: the charger when `password` is its own, 'unknown' when there is no
   * such charger, 'wrong' when the password is not its own.
   */
  async authenticate(id: string, password: Uint8Array): Promise<Charger | 'unknown' | 'wrong'> {
    const row = await this.repo.get(id);
    if (!row) return 'unknown';
    return passwordMatches(row.password_hash, password) ? toCharger(row) : 'wrong';
  }

  /** The Location a charger is bound to, as it is now. */
  async locationOf(charger: Charger): Promise<Location | undefined> {
    return this.locations.get(charger.locationId);
  }

  setOnline(id: string, online: boolean, ocppVersion?: string): Promise<void> {
    return this.repo.setOnline(id, online, ocppVersion);
  }

  heartbeat(id: string, at: Date): Promise<void> {
    return this.repo.heartbeat(id, at);
  }
}
