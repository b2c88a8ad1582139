import { createRPCError } from 'ocpp-rpc';
import {
  type AuthorizationStatus16,
  Authorize16,
  BootNotification16,
  MeterValues16,
  NOT_YET_16,
  read,
  StartTransaction16,
  StatusNotification16,
  StopTransaction16,
} from './messages-16.ts';

/** What the OCPP 1.6 handlers ask of the bridge, for one connected charger. */
export interface ChargerSide16 {
  /** Now, as the node's clock has it. */
  now(): Date;
  heartbeatIntervalSeconds: number;
  /** The charger was heard from (BootNotification, Heartbeat). */
  heard(at: Date): Promise<void>;
  /** A connector's status changed (connectorId 0 is the whole charger). */
  status(report: StatusNotification16): Promise<void>;
  /** What an idTag is (Authorize). */
  authorize(idTag: string): Promise<AuthorizationStatus16>;
  startTransaction(
    request: StartTransaction16,
  ): Promise<{ transactionId: number; idTagInfo: { status: AuthorizationStatus16 } }>;
  meterValues(request: MeterValues16): Promise<void>;
  stopTransaction(request: StopTransaction16): Promise<{ idTagInfo?: { status: 'Accepted' } }>;
}

/** What the handlers register on: an ocpp-rpc connection's handle(). */
export interface Handles {
  handle(method: string, handler: (call: { params?: unknown }) => Promise<Record<string, unknown>>): void;
}

/**
 * Registers the OCPP 1.6 actions a charger sends. A known charger's BootNotification is
 * Accepted with our heartbeat interval (it was authenticated at the upgrade); actions
 * not taken yet answer NotSupported; an action OCPP 1.6 does not have finds no handler
 * and ocpp-rpc answers NotImplemented.
 */
export function handle16(connection: Handles, side: ChargerSide16): void {
  connection.handle('BootNotification', async ({ params }) => {
    if (!read(BootNotification16, params)) throw createRPCError('FormationViolation');
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
    const report = read(StatusNotification16, params);
    if (!report) throw createRPCError('FormationViolation');
    await side.status(report);
    return {};
  });
  connection.handle('Authorize', async ({ params }) => {
    const request = read(Authorize16, params);
    if (!request) throw createRPCError('FormationViolation');
    return { idTagInfo: { status: await side.authorize(request.idTag) } };
  });
  connection.handle('StartTransaction', async ({ params }) => {
    const request = read(StartTransaction16, params);
    if (!request) throw createRPCError('FormationViolation');
    return side.startTransaction(request);
  });
  connection.handle('MeterValues', async ({ params }) => {
    const request = read(MeterValues16, params);
    if (!request) throw createRPCError('FormationViolation');
    await side.meterValues(request);
    return {};
  });
  connection.handle('StopTransaction', async ({ params }) => {
    const request = read(StopTransaction16, params);
    if (!request) throw createRPCError('FormationViolation');
    return side.stopTransaction(request);
  });
  for (const action of NOT_YET_16)
    connection.handle(action, async () => {
      throw createRPCError('NotSupported', `${action} is not supported yet`);
    });
}
