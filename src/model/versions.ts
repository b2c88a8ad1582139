/** The OCPI versions this toolkit speaks, oldest first. */
export const SUPPORTED_VERSIONS = ['2.1.1', '2.2.1', '2.3.0'] as const;
export type OcpiVersion = (typeof SUPPORTED_VERSIONS)[number];

export function isSupportedVersion(value: string): value is OcpiVersion {
  return SUPPORTED_VERSIONS.some((v) => v === value);
}

/** Compares dotted version numbers numerically ("2.10" > "2.9"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** 2.1.1 has no interface roles, no routing headers and no request ids. */
export function hasInterfaceRoles(version: string): boolean {
  return compareVersions(version, '2.2') >= 0;
}
