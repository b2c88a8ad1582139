import type { Static, TSchema } from '@sinclair/typebox';
import { createRPCError } from 'ocpp-rpc';
import { read } from './messages-16.ts';

/** What the handlers register on: an ocpp-rpc connection's handle(). */
export interface Handles {
  handle(method: string, handler: (call: { params?: unknown }) => Promise<Record<string, unknown>>): void;
}

/**
 * What every OCPP version's handlers ask of the bridge, for one connected charger: its
 * clock, the heartbeat interval, liveness, and status reports as the version has them.
 */
export interface ChargerBasics<StatusReport> {
  /** Now, as the node's clock has it. */
  now(): Date;
  heartbeatIntervalSeconds: number;
  /** The charger was heard from (BootNotification, Heartbeat). */
  heard(at: Date): Promise<void>;
  /** A connector's status changed (connector or EVSE 0 is the whole charger). */
  status(report: StatusReport): Promise<void>;
}

/** What differs between the versions in the actions they share. */
export interface VersionHandling<Status extends TSchema = TSchema> {
  /**
   * The CALLERROR for a payload that passed strict mode but not our reading: 1.6's
   * FormationViolation, 2.0.1's FormatViolation.
   */
  violation: 'FormationViolation' | 'FormatViolation';
  /** The BootNotification payload as the version has it. */
  boot: TSchema;
  /** The StatusNotification payload as the version has it. */
  status: Status;
  /** Actions the version lets a charger send that the bridge does not take yet. */
  notYet: readonly string[];
}

/** Registers `action`, whose payload must read as `schema` (else the version's violation). */
export function handleRead<S extends TSchema>(
  connection: Handles,
  version: VersionHandling,
  action: string,
  schema: S,
  handler: (request: Static<S>) => Promise<Record<string, unknown>>,
): void {
  connection.handle(action, async ({ params }) => {
    const request = read(schema, params);
    if (!request) throw createRPCError(version.violation);
    return handler(request);
  });
}

/**
 * Registers what every version does alike: a known charger's BootNotification is Accepted
 * with our heartbeat interval (it was authenticated at the upgrade), a Heartbeat gives our
 * time, a StatusNotification goes to the bridge and is answered empty, and actions not taken yet answer NotSupported ("recognized but not supported");
 * an action the version does not have finds no handler and ocpp-rpc answers NotImplemented.
 */
export function handleShared<Status extends TSchema>(
  connection: Handles,
  version: VersionHandling<Status>,
  side: ChargerBasics<Static<Status>>,
): void {
  handleRead(connection, version, 'BootNotification', version.boot, async () => {
    const now = side.now();
    await side.heard(now);
    return { status: 'Accepted', currentTime: now.toISOString(), interval: side.heartbeatIntervalSeconds };
  });
  connection.handle('Heartbeat', async () => {
    const now = side.now();
    await side.heard(now);
    return { currentTime: now.toISOString() };
  });
  handleRead(connection, version, 'StatusNotification', version.status, async (report) => {
    await side.status(report);
    return {};
  });
  for (const action of version.notYet)
    connection.handle(action, async () => {
      throw createRPCError('NotSupported', `${action} is not supported yet`);
    });
}
