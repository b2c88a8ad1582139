import type { Static } from '@sinclair/typebox';
import { Enum } from '../../model/primitives.ts';
import type { CdrToken } from '../../model/v230/cdrs.ts';
import type {
  ActiveChargingProfile,
  ChargingProfile,
  ChargingProfileResultType,
} from '../../model/v230/chargingprofiles.ts';
import type { Token } from '../../model/v230/tokens.ts';
import type { CommandResultType } from './schema.ts';

/**
 * What a charger is asked to do, after the CPO accepted an OCPI command. The token is the
 * command's Token in the canonical (2.3.0) shape, whatever version the eMSP speaks.
 */
export type ChargerCommand =
  | {
      type: 'START_SESSION';
      commandId: string;
      locationId: string;
      evseUid?: string;
      connectorId?: string;
      token: Token;
      authorizationReference?: string;
    }
  | { type: 'STOP_SESSION'; commandId: string; sessionId: string; locationId?: string; evseUid?: string }
  | {
      type: 'RESERVE_NOW';
      commandId: string;
      locationId: string;
      evseUid?: string;
      reservationId: string;
      expiryDate: string;
      token: Token;
    }
  | {
      type: 'CANCEL_RESERVATION';
      commandId: string;
      reservationId: string;
      locationId: string;
      evseUid?: string;
    }
  | { type: 'UNLOCK_CONNECTOR'; commandId: string; locationId: string; evseUid: string; connectorId: string };

/**
 * The charger's answer (a CommandResultType); TIMEOUT is ours to send, and
 * CANCELED_RESERVATION goes through `reservationCancelled`, not the gateway.
 */
export const ChargerOutcome = Enum([
  'ACCEPTED',
  'EVSE_OCCUPIED',
  'EVSE_INOPERATIVE',
  'FAILED',
  'NOT_SUPPORTED',
  'REJECTED',
  'UNKNOWN_RESERVATION',
] as const satisfies readonly Exclude<CommandResultType, 'TIMEOUT' | 'CANCELED_RESERVATION'>[]);
export type ChargerOutcome = Static<typeof ChargerOutcome>;

/** What a charging session looks like from the charger's side. */
export interface ChargerSessionEvent {
  /**
   * The OCPI session id: unique and stable (an OCPP bridge makes one per transaction,
   * since chargers' transaction ids are neither).
   */
  sessionId: string;
  /** The command that started it, when it was remote. */
  commandId?: string;
  /**
   * The token of a session started without a command (a card of a Token an eMSP pushed
   * to us); a remote start's token is the START_SESSION's. Read at the start only.
   */
  token?: CdrToken;
  locationId: string;
  evseUid: string;
  connectorId: string;
  /** Energy delivered so far, kWh. */
  kwh: number;
  at: Date;
}

/**
 * A ChargingProfiles request for the charger of a running session (OCPP SetChargingProfile,
 * GetCompositeSchedule, ClearChargingProfile), after the CPO accepted it.
 */
export type ChargerProfileRequest =
  | { type: 'SET_CHARGING_PROFILE'; requestId: string; sessionId: string; profile: ChargingProfile }
  | { type: 'GET_ACTIVE_CHARGING_PROFILE'; requestId: string; sessionId: string; durationSeconds: number }
  | { type: 'CLEAR_PROFILE'; requestId: string; sessionId: string };

/** How the gateway reports back to the node. Calls after the node gave up are ignored. */
export interface GatewayReporter {
  /** The charger's outcome of a command. */
  outcome(commandId: string, outcome: ChargerOutcome, message?: string): void;
  /** A session started, progressed (meter values) or stopped. */
  sessionStarted(event: ChargerSessionEvent): void;
  sessionProgress(event: ChargerSessionEvent): void;
  sessionStopped(event: ChargerSessionEvent): void;
  /**
   * The charger's outcome of a profile request; `active` is the profile it now applies
   * (for GET_ACTIVE_CHARGING_PROFILE, the one asked for).
   */
  profileOutcome(requestId: string, result: ChargingProfileResultType, active?: ActiveChargingProfile): void;
  /** The profile a session's charger applies changed for a reason of its own (local input). */
  activeProfileChanged(sessionId: string, active: ActiveChargingProfile): void;
  /**
   * The charger ended a reservation on its own (RESERVE_NOW's charger reservation id): the
   * eMSP gets CANCELED_RESERVATION, unless the reservation is no longer active.
   */
  reservationCancelled(chargerReservationId: string, message?: string): void;
}

/**
 * The seam to real chargers: the node hands it accepted commands and never waits for
 * them; the gateway reports outcomes and sessions through the reporter. An OCPP bridge
 * implements it for real charge points; SimulatedGateway for demos and tests.
 */
export interface ChargerGateway {
  execute(command: ChargerCommand, report: GatewayReporter): void | Promise<void>;
  /** Smart charging; a gateway without it answers every profile request NOT_SUPPORTED. */
  profile?(request: ChargerProfileRequest, report: GatewayReporter): void | Promise<void>;
  /**
   * Called once when the node is ready, with the reporter for what chargers report on
   * their own: sessions started locally (RFID) or still running from before a restart.
   */
  attach?(report: GatewayReporter): void;
}
