import {
  type ChargerBasics,
  type Handles,
  handleRead,
  handleShared,
  type VersionHandling,
} from './handlers.ts';
import {
  type AuthorizationStatus16,
  Authorize16,
  BootNotification16,
  MeterValues16,
  NOT_YET_16,
  StartTransaction16,
  StatusNotification16,
  StopTransaction16,
} from './messages-16.ts';

/** What the OCPP 1.6 handlers ask of the bridge, for one connected charger. */
export interface ChargerSide16 extends ChargerBasics<StatusNotification16> {
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

const OCPP16: VersionHandling<typeof StatusNotification16> = {
  violation: 'FormationViolation',
  status: StatusNotification16,
  boot: BootNotification16,
  notYet: NOT_YET_16,
};

/** Registers the OCPP 1.6 actions a charger sends: handleShared's, then 1.6's own. */
export function handle16(connection: Handles, side: ChargerSide16): void {
  handleShared(connection, OCPP16, side);
  handleRead(connection, OCPP16, 'Authorize', Authorize16, async (request) => ({
    idTagInfo: { status: await side.authorize(request.idTag) },
  }));
  handleRead(connection, OCPP16, 'StartTransaction', StartTransaction16, (request) =>
    side.startTransaction(request),
  );
  handleRead(connection, OCPP16, 'MeterValues', MeterValues16, async (request) => {
    await side.meterValues(request);
    return {};
  });
  handleRead(connection, OCPP16, 'StopTransaction', StopTransaction16, (request) =>
    side.stopTransaction(request),
  );
}
