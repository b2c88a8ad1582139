import { createRPCError } from 'ocpp-rpc';
import { BootNotification16, NOT_YET_16, read, StatusNotification16 } from './messages-16.ts';

/** What the OCPP 1.6 handlers ask of the bridge, for one connected charger. */
export interface ChargerSide16 {
  /** Now, as the node's clock has it. */
  now(): Date;
  heartbeatIntervalSeconds: number;
  /** The charger was heard from (BootNotification, Heartbeat). */
  heard(at: Date): Promise<void>;
  /** A connector's status changed (connectorId 0 is the whole charger). */
  status(report: StatusNotification16): Promise<void>;
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
  for (const action of NOT_YET_16)
    connection.handle(action, async () => {
      throw createRPCError('NotSupported', `${action} is not supported yet`);
    });
}
