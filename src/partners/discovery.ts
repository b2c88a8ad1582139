import { PartnerCallError } from '../client/ocpi-http.ts';
import { checkOutboundUrl } from '../client/url-guard.ts';
import { isJsonObject, type JsonObject } from '../model/json.ts';
import { compareVersions, type OcpiVersion } from '../model/versions.ts';
import { OcpiError } from '../transport/errors.ts';
import { OcpiStatus } from '../transport/status-codes.ts';
import { type TokenEncoding, tokenEncodingFor } from '../transport/token.ts';
import type { PartnersContext } from './context.ts';
import type { PartnerEndpoint } from './types.ts';

/** What we learn about a partner from its versions and version details. */
export interface Discovery {
  version: OcpiVersion;
  versionUrl: string;
  endpoints: PartnerEndpoint[];
  /** The partner's credentials endpoint, which every usable version details list. */
  credentialsUrl: string;
  /** The token encoding the partner accepted. */
  encoding: TokenEncoding;
}

function unusable(message: string, cause?: unknown): OcpiError {
  return new OcpiError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, message, { cause });
}

/**
 * Who reads the errors: our operator (admin API, library) is told what failed on the
 * socket; a partner (its POST or PUT on our credentials) only that the URL could not be
 * reached or gave no OCPI answer, so that it cannot map our network (ECONNREFUSED versus
 * a closed connection tells a closed port from an open one). The detail is logged.
 */
export type Audience = 'operator' | 'partner';

export interface DiscoveryOptions {
  /** The version to read (the credentials URL the partner called dictates it). */
  wanted?: OcpiVersion;
  audience?: Audience;
}

function callFailed(
  node: PartnersContext,
  what: string,
  err: PartnerCallError,
  audience: Audience,
): OcpiError {
  const general =
    err.partnerHttpStatus === undefined
      ? `could not reach the ${what}`
      : `the ${what} did not answer with an OCPI response`;
  if (audience === 'operator') return new OcpiError(err.code, `${general}: ${err.message}`, { cause: err });
  node.log.warn({ err: err.message }, `handshake: ${general}`);
  return new OcpiError(err.code, general, { cause: err });
}

function asRecord(value: unknown): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

/**
 * GETs a URL with the partner's token. Partners disagree on base64 (2.2+) versus raw
 * (2.1.1 and many older 2.2 implementations), so on 401 the other encoding is tried.
 */
async function getWithTokenTrial(
  node: PartnersContext,
  what: string,
  url: string,
  token: string,
  encodings: TokenEncoding[],
  audience: Audience,
) {
  let lastError: unknown;
  for (const encoding of encodings) {
    try {
      const reply = await node.http.call({ method: 'GET', url, token, encoding });
      if (reply.httpStatus === 401) {
        lastError = unusable(`GET ${url}: the partner refused our token (HTTP 401)`);
        continue;
      }
      if (reply.httpStatus >= 300) throw unusable(`GET ${url}: HTTP ${reply.httpStatus}`);
      if (reply.envelope.status_code !== OcpiStatus.SUCCESS) {
        throw unusable(
          `GET ${url}: OCPI status ${reply.envelope.status_code} ${reply.envelope.status_message ?? ''}`.trim(),
        );
      }
      return { data: reply.envelope.data, encoding };
    } catch (err) {
      if (err instanceof PartnerCallError) throw callFailed(node, what, err, audience);
      throw err;
    }
  }
  throw lastError;
}

function encodingsToTry(version: string): TokenEncoding[] {
  return tokenEncodingFor(version) === 'raw' ? ['raw', 'base64'] : ['base64', 'raw'];
}

function readEndpoints(data: unknown, url: string): PartnerEndpoint[] {
  const endpoints = asRecord(data)?.endpoints;
  if (!Array.isArray(endpoints)) throw unusable(`GET ${url}: version details without an endpoints list`);
  const result: PartnerEndpoint[] = [];
  for (const e of endpoints) {
    const r = asRecord(e);
    if (!r || typeof r.identifier !== 'string' || typeof r.url !== 'string') continue;
    const role = r.role === 'SENDER' || r.role === 'RECEIVER' ? r.role : undefined;
    result.push({ identifier: r.identifier, url: r.url, ...(role ? { role } : {}) });
  }
  return result;
}

/**
 * Reads a partner's versions and the details of one version: `wanted` when the version
 * is dictated (the credentials URL they called), else the highest version both speak.
 */
export async function discoverPartner(
  node: PartnersContext,
  versionsUrl: string,
  token: string,
  options: DiscoveryOptions = {},
): Promise<Discovery> {
  const { wanted, audience = 'operator' } = options;
  checkOutboundUrl(versionsUrl, 'url', node.urlPolicy);
  const list = await getWithTokenTrial(
    node,
    'versions URL',
    versionsUrl,
    token,
    encodingsToTry(wanted ?? '2.2.1'),
    audience,
  );
  if (!Array.isArray(list.data)) throw unusable(`GET ${versionsUrl}: not a list of versions`);
  const offered = new Map<string, string>();
  for (const v of list.data) {
    const r = asRecord(v);
    if (r && typeof r.version === 'string' && typeof r.url === 'string') offered.set(r.version, r.url);
  }
  const mutual = node.versions.filter((v) => offered.has(v)).sort(compareVersions);
  const version = wanted ?? mutual[mutual.length - 1];
  const versionUrl = version === undefined ? undefined : offered.get(version);
  if (version === undefined || versionUrl === undefined) {
    const theirs = [...offered.keys()].join(', ') || 'none';
    throw new OcpiError(
      OcpiStatus.UNSUPPORTED_VERSION,
      wanted
        ? `the partner does not offer version ${wanted} (it offers ${theirs})`
        : `no mutual version: we speak ${node.versions.join(', ')}, the partner ${theirs}`,
    );
  }
  checkOutboundUrl(versionUrl, 'version url', node.urlPolicy);
  // From here on we speak `version`, so its encoding is tried first (raw for 2.1.1).
  const details = await getWithTokenTrial(
    node,
    'version details URL',
    versionUrl,
    token,
    encodingsToTry(version),
    audience,
  );
  const endpoints = readEndpoints(details.data, versionUrl);
  for (const e of endpoints) checkOutboundUrl(e.url, `endpoint ${e.identifier}`, node.urlPolicy);
  const credentials = endpoints.find((e) => e.identifier === 'credentials');
  if (!credentials) {
    throw new OcpiError(
      OcpiStatus.NO_MATCHING_ENDPOINTS,
      `the partner's ${version} details list no credentials endpoint`,
    );
  }
  return { version, versionUrl, endpoints, credentialsUrl: credentials.url, encoding: details.encoding };
}
