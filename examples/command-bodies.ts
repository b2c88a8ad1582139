import type { v230 } from 'ocpi-toolkit';
import { DRIVER_TOKEN } from './demo-site.ts';

/*
 * The four commands of the ocpi-python tutorial as they travel: the body an eMSP POSTs to
 * {CPO commands endpoint}/{COMMAND}, in OCPI 2.3.0 (2.2.1 is the same). With this toolkit an
 * eMSP gives the same object without response_url: it makes one for every command.
 */
const responseUrl = (command: string) =>
  `https://emsp.example.com/ocpi/2.3.0/sender/commands/${command}/7d1c6e9a-2f4b-4c1e-9a51-0c3e2b8f6d10`;

export const startSession: v230.commands.StartSession = {
  response_url: responseUrl('START_SESSION'),
  token: DRIVER_TOKEN, // the whole Token object, already authorised by the eMSP
  location_id: 'LOC-1',
  evse_uid: 'E1',
  connector_id: '1', // with evse_uid only
  authorization_reference: 'AUTH-REF-123', // comes back in the Session and the CDR
};

export const stopSession: v230.commands.StopSession = {
  response_url: responseUrl('STOP_SESSION'),
  session_id: 'SESSION-1',
};

export const reserveNow: v230.commands.ReserveNow = {
  response_url: responseUrl('RESERVE_NOW'),
  token: DRIVER_TOKEN,
  expiry_date: '2030-01-01T12:00:00Z',
  reservation_id: 'RES-1',
  location_id: 'LOC-1',
  evse_uid: 'E1', // the ocpi-python tutorial says evse_id: we take that too
};

export const unlockConnector: v230.commands.UnlockConnector = {
  response_url: responseUrl('UNLOCK_CONNECTOR'),
  location_id: 'LOC-1',
  evse_uid: 'E1', // evse_id is taken too
  connector_id: '1',
};
