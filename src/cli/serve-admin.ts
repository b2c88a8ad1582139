import type { AdminListener } from '../admin/mount.ts';
import { MIN_ADMIN_TOKEN_LENGTH } from '../admin/routes.ts';

/** The admin API options of `ocpi serve`, checked. */
export function serveAdmin(
  given: { token: string; host: string | undefined; port: string | undefined },
  ocpiPort: number,
): { adminToken: string; adminListener: AdminListener } {
  if (given.token.length < MIN_ADMIN_TOKEN_LENGTH)
    throw new Error(`--admin-token (or OCPI_ADMIN_TOKEN): at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  // By default the port after the OCPI one (any free port when that is random).
  const port = given.port === undefined ? (ocpiPort === 0 ? 0 : ocpiPort + 1) : Number(given.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--admin-port ${given.port ?? port}: not a port`);
  return { adminToken: given.token, adminListener: { host: given.host ?? '127.0.0.1', port } };
}
