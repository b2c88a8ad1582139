import type { VersionCatalog } from './catalog-types.ts';
import { catalog as v211 } from './v211/index.ts';
import { catalog as v221 } from './v221/index.ts';
import { catalog as v230 } from './v230/index.ts';
import type { OcpiVersion } from './versions.ts';

export const catalogs: Record<OcpiVersion, VersionCatalog> = { '2.1.1': v211, '2.2.1': v221, '2.3.0': v230 };
