import type { Migration } from 'kysely';
import * as m001 from './001_partners.ts';
import * as m002 from './002_objects.ts';
import * as m003 from './003_outbox.ts';
import * as m004 from './004_commands.ts';
import * as m005 from './005_live_sessions.ts';
import * as m006 from './006_partner_parties.ts';
import * as m007 from './007_hub_clients.ts';
import * as m008 from './008_charging_profiles.ts';
import * as m009 from './009_active_profiles.ts';
import * as m010 from './010_command_party.ts';
import * as m011 from './011_payments.ts';
import * as m012 from './012_bookings.ts';
import * as m013 from './013_chargers.ts';
import * as m014 from './014_booking_evse_shown.ts';
import * as m015 from './015_ocpp_transactions.ts';
import * as m016 from './016_ocpp_routes.ts';
import * as m017 from './017_ocpp201.ts';
import * as m018 from './018_outbox_coalesce.ts';
import * as m019 from './019_outbox_untried_results.ts';

/** Ordered migrations. Append only: never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '001_partners': m001,
  '002_objects': m002,
  '003_outbox': m003,
  '004_commands': m004,
  '005_live_sessions': m005,
  '006_partner_parties': m006,
  '007_hub_clients': m007,
  '008_charging_profiles': m008,
  '009_active_profiles': m009,
  '010_command_party': m010,
  '011_payments': m011,
  '012_bookings': m012,
  '013_chargers': m013,
  '014_booking_evse_shown': m014,
  '015_ocpp_transactions': m015,
  '016_ocpp_routes': m016,
  '017_ocpp201': m017,
  '018_outbox_coalesce': m018,
  '019_outbox_untried_results': m019,
};
