import { createRPCError } from 'ocpp-rpc';
import type { Handles } from './handlers-16.ts';
import { read } from './messages-16.ts';
import {
  type AuthorizationStatus201,
  Authorize201,
  BootNotification201,
  NOT_YET_201,
  StatusNotification201,
  TransactionEvent201,
} from './messages-201.ts';

/** What a TransactionEvent is answered with. */
export interface TransactionEventAnswer201 {
  idTokenInfo?: { status: AuthorizationStatus201 };
}

/** What the OCPP 2.0.1 handlers ask of the bridge, for one connected charger. */
export interface ChargerSide201 {
  now(): Date;
  heartbeatIntervalSeconds: number;
  /** The charger was heard from (BootNotification, Heartbeat). */
  heard(at: Date): Promise<void>;
  /** A connector of an EVSE changed status (evseId 0 is the whole charger). */
  status(report: StatusNotification201): Promise<void>;
  /** What an idToken is (Authorize). */
  authorize(idToken: string): Promise<AuthorizationStatus201>;
  transactionEvent(request: TransactionEvent201): Promise<TransactionEventAnswer201>;
}

/**
 * Registers the OCPP 2.0.1 actions a charger sends. As with 1.6 (handlers-16.ts): a known
 * charger's BootNotification is Accepted with our heartbeat interval; actions not taken
 * answer NotSupported; an action 2.0.1 does not have finds no handler and ocpp-rpc answers
 * NotImplemented. A payload that passed strict mode but not our reading is a FormatViolation
 * (2.0.1's name for 1.6's FormationViolation).
 */
export function handle201(connection: Handles, side: ChargerSide201): void {
  connection.handle('BootNotification', async ({ params }) => {
    if (!read(BootNotification201, params)) throw createRPCError('FormatViolation');
    const now = side.now();
    await side.heard(now);
    return { status: 'Accepted', currentTime: now.toISOString(), interval: side.heartbeatIntervalSeconds };
  });
  connection.handle('Heartbeat', async () => {
    const now = side.now();
    await side.heard(now);
    return { currentTime: now.toISOString() };
  });
  connection.handle('StatusNotification', async ({ params }) => {
    const report = read(StatusNotification201, params);
    if (!report) throw createRPCError('FormatViolation');
    await side.status(report);
    return {};
  });
  connection.handle('Authorize', async ({ params }) => {
    const request = read(Authorize201, params);
    if (!request) throw createRPCError('FormatViolation');
    return { idTokenInfo: { status: await side.authorize(request.idToken.idToken) } };
  });
  connection.handle('TransactionEvent', async ({ params }) => {
    const request = read(TransactionEvent201, params);
    if (!request) throw createRPCError('FormatViolation');
    return { ...(await side.transactionEvent(request)) };
  });
  // Meter values outside transactions (the EVSE's own): nothing of OCPI's.
  connection.handle('MeterValues', async () => ({}));
  for (const action of NOT_YET_201)
    connection.handle(action, async () => {
      throw createRPCError('NotSupported', `${action} is not supported yet`);
    });
}
