import {
  type ChargerBasics,
  type Handles,
  handleRead,
  handleShared,
  type VersionHandling,
} from './handlers.ts';
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
export interface ChargerSide201 extends ChargerBasics<StatusNotification201> {
  /** What an idToken is (Authorize). */
  authorize(idToken: string): Promise<AuthorizationStatus201>;
  transactionEvent(request: TransactionEvent201): Promise<TransactionEventAnswer201>;
}

const OCPP201: VersionHandling<typeof StatusNotification201> = {
  violation: 'FormatViolation',
  status: StatusNotification201,
  boot: BootNotification201,
  notYet: NOT_YET_201,
};

/**
 * Registers the OCPP 2.0.1 actions a charger sends: handleShared's, then 2.0.1's own
 * (TransactionEvent for all of 1.6's transaction actions).
 */
export function handle201(connection: Handles, side: ChargerSide201): void {
  handleShared(connection, OCPP201, side);
  handleRead(connection, OCPP201, 'Authorize', Authorize201, async (request) => ({
    idTokenInfo: { status: await side.authorize(request.idToken.idToken) },
  }));
  handleRead(connection, OCPP201, 'TransactionEvent', TransactionEvent201, async (request) => ({
    ...(await side.transactionEvent(request)),
  }));
  // Meter values outside transactions (the EVSE's own): nothing of OCPI's.
  connection.handle('MeterValues', async () => ({}));
}
