import type { TSchema } from '@sinclair/typebox';

/** What each version folder exports: its schemas by spec name (objects, classes and enums), and PATCH shapes. */
export interface VersionCatalog {
  objects: Record<string, TSchema>;
  patches: Record<string, TSchema>;
}

/** What each module file of a version folder exports besides its named schemas. */
export interface ModuleSchemas {
  objects: Record<string, TSchema>;
  patches: Record<string, TSchema>;
}
