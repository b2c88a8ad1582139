import type { VersionCatalog } from '../catalog-types.ts';
import * as cdrs from './cdrs.ts';
import * as chargingprofiles from './chargingprofiles.ts';
import * as commands from './commands.ts';
import * as common from './common.ts';
import * as credentials from './credentials.ts';
import * as hubclientinfo from './hubclientinfo.ts';
import * as locations from './locations.ts';
import * as sessions from './sessions.ts';
import * as tariffs from './tariffs.ts';
import * as tokens from './tokens.ts';
import * as versions from './versions.ts';

const modules = [
  common,
  credentials,
  versions,
  locations,
  sessions,
  cdrs,
  tariffs,
  tokens,
  commands,
  chargingprofiles,
  hubclientinfo,
];

/** Every object, class and enum schema of OCPI 2.2.1, by spec name, and the PATCH shapes. */
export const catalog: VersionCatalog = {
  objects: Object.assign({}, ...modules.map((m) => m.objects)),
  patches: Object.assign({}, ...modules.map((m) => m.patches)),
};

/** Each module's schemas, usable as TypeScript types too: `v221.locations.Location`. */
export {
  cdrs,
  chargingprofiles,
  commands,
  common,
  credentials,
  hubclientinfo,
  locations,
  sessions,
  tariffs,
  tokens,
  versions,
};
