import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressNotAllowedError } from '../../src/client/guarded-connector.ts';
import { OcpiHttpClient, PartnerCallError } from '../../src/client/ocpi-http.ts';
import { checkOutboundUrl } from '../../src/client/url-guard.ts';
import { systemClock } from '../../src/clock.ts';
import { createOcpiApp, OCPI_ERROR_CODES, OcpiError, type OcpiErrorCode } from '../../src/index.ts';
import { codeOfStatus } from '../../src/transport/error-codes.ts';
import { ocpiErrorHandler } from '../../src/transport/error-handler.ts';
import { call } from '../support/nodes.ts';
import { startPair, tokenOf } from '../support/pair.ts';

const CODES = Object.keys(OCPI_ERROR_CODES) as OcpiErrorCode[];

describe('the error code table', () => {
  it.each(CODES)('%s has an OCPI error status, an HTTP status and a description', (code) => {
    const info = OCPI_ERROR_CODES[code];
    expect(code).toMatch(/^OCPI_ERR_[A-Z_]+$/);
    expect(info.status).toBeGreaterThanOrEqual(2000);
    expect(info.status).toBeLessThan(5000);
    expect([200, 401, 404, 405, 500]).toContain(info.httpStatus);
    expect(info.description.length).toBeGreaterThan(0);
  });

  it('gives every status of the spec its generic code, and other statuses that of their range', () => {
    for (const status of [2000, 2001, 2002, 2003, 2004, 3000, 3001, 3002, 3003, 4000])
      expect(OCPI_ERROR_CODES[codeOfStatus(status)].status).toBe(status);
    expect(codeOfStatus(2901)).toBe('OCPI_ERR_CLIENT');
    expect(codeOfStatus(3901)).toBe('OCPI_ERR_SERVER');
    expect(codeOfStatus(4001)).toBe('OCPI_ERR_HUB');
  });

  it('builds an error from a code with its defaults, and from a bare status with HTTP 200', () => {
    const config = new OcpiError('OCPI_ERR_CONFIG', 'bad');
    expect(config).toMatchObject({ code: 'OCPI_ERR_CONFIG', statusCode: 3000, httpStatus: 500 });
    const unknown = new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', 'unknown Tariff', {
      statusCode: 2001,
      httpStatus: 404,
    });
    expect(unknown).toMatchObject({ code: 'OCPI_ERR_UNKNOWN_OBJECT', statusCode: 2001, httpStatus: 404 });
    expect(new OcpiError(2004, 'unknown token')).toMatchObject({
      code: 'OCPI_ERR_UNKNOWN_TOKEN',
      statusCode: 2004,
      httpStatus: 200,
    });
    expect(OcpiError.invalid('x')).toMatchObject({ code: 'OCPI_ERR_INVALID_PARAMETERS', statusCode: 2001 });
    expect(OcpiError.unauthorized()).toMatchObject({ code: 'OCPI_ERR_UNAUTHORIZED', httpStatus: 401 });
    expect(OcpiError.methodNotAllowed('x')).toMatchObject({
      code: 'OCPI_ERR_METHOD_NOT_ALLOWED',
      httpStatus: 405,
    });
  });

  it('configuration errors of createOcpiApp are coded', async () => {
    const err = await createOcpiApp({ adminToken: 'short' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OcpiError);
    expect(err).toMatchObject({
      code: 'OCPI_ERR_CONFIG',
      message: expect.stringMatching(/^adminToken: at least/),
    });
  });
});

describe('the error handler, over HTTP', () => {
  let app: FastifyInstance;
  let base: string;
  const thrown: Record<string, () => Error> = {
    unauthorized: () => OcpiError.unauthorized(),
    'method-not-allowed': () => OcpiError.methodNotAllowed('cannot DELETE this'),
    'unknown-object': () =>
      new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', 'unknown Tariff T1', { httpStatus: 404 }),
    invalid: () =>
      new OcpiError('OCPI_ERR_INVALID_PARAMETERS', 'uid: is required', { data: { field: 'uid' } }),
    'partner-call': () =>
      new OcpiError('OCPI_ERR_PARTNER_CALL', 'GET http://partner.test/versions: timed out'),
    config: () => new OcpiError('OCPI_ERR_CONFIG', 'publicUrl is not known'),
    plain: () => new Error('a secret detail'),
  };

  beforeAll(async () => {
    app = Fastify();
    app.setErrorHandler(ocpiErrorHandler(systemClock));
    app.get<{ Params: { kind: string } }>('/:kind', async (request) => {
      throw (thrown[request.params.kind] as () => Error)();
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => app.close());

  it.each([
    ['unauthorized', 401, 2000, 'missing or unknown token', undefined],
    ['method-not-allowed', 405, 2000, 'cannot DELETE this', undefined],
    ['unknown-object', 404, 2001, 'unknown Tariff T1', undefined],
    ['invalid', 200, 2001, 'uid: is required', { field: 'uid' }],
    ['partner-call', 200, 3001, 'GET http://partner.test/versions: timed out', undefined],
    // Failures of the node itself: their message is logged, not sent.
    ['config', 500, 3000, 'internal server error', undefined],
    ['plain', 500, 3000, 'internal server error', undefined],
  ])('%s: HTTP %i, OCPI %i', async (kind, httpStatus, statusCode, message, data) => {
    const reply = await call(`${base}/${kind}`);
    expect(reply.status).toBe(httpStatus);
    expect(reply.body).toMatchObject({ status_code: statusCode, status_message: message });
    expect(reply.body.data).toEqual(data);
  });
});

describe('calls to partners fail with coded errors (every address here is loopback)', () => {
  let partner: FastifyInstance;
  let base: string;
  let closedPort: number;
  beforeAll(async () => {
    partner = Fastify();
    partner.get('/not-ocpi', async (_request, reply) =>
      reply.code(502).type('text/html').send('<h1>bad gateway</h1>'),
    );
    partner.get('/huge', async () => ({ data: 'x'.repeat(4096), status_code: 1000 }));
    await partner.listen({ port: 0, host: '127.0.0.1' });
    const address = partner.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const gone = Fastify();
    await gone.listen({ port: 0, host: '127.0.0.1' });
    const goneAddress = gone.server.address();
    closedPort = typeof goneAddress === 'object' && goneAddress ? goneAddress.port : 0;
    await gone.close();
  });
  afterAll(() => partner.close());

  async function failure(url: string, policy = {}): Promise<PartnerCallError> {
    const client = new OcpiHttpClient({ timeoutMs: 2000, maxResponseBytes: 1024 }, policy);
    try {
      await client.call({ method: 'GET', url, token: 't', encoding: 'base64' });
    } catch (err) {
      if (err instanceof PartnerCallError) return err;
      throw err;
    } finally {
      await client.close();
    }
    throw new Error(`GET ${url} did not fail`);
  }

  it('a partner that does not answer: OCPI_ERR_PARTNER_CALL, 3001, no partner HTTP status', async () => {
    const err = await failure(`http://127.0.0.1:${closedPort}/versions`);
    expect(err).toBeInstanceOf(OcpiError);
    expect(err).toMatchObject({ code: 'OCPI_ERR_PARTNER_CALL', statusCode: 3001, httpStatus: 200 });
    expect(err.partnerHttpStatus).toBeUndefined();
    expect(err.message).toMatch(/connection refused$/);
  });

  it('a partner that answers no OCPI: OCPI_ERR_PARTNER_CALL with its HTTP status', async () => {
    const err = await failure(`${base}/not-ocpi`);
    expect(err).toMatchObject({ code: 'OCPI_ERR_PARTNER_CALL', partnerHttpStatus: 502 });
    expect(err.message).toBe(`GET ${base}/not-ocpi: HTTP 502, response is not JSON`);
  });

  it('a response over the limit: OCPI_ERR_PARTNER_CALL, caused by OCPI_ERR_RESPONSE_TOO_LARGE', async () => {
    const err = await failure(`${base}/huge`);
    expect(err).toMatchObject({ code: 'OCPI_ERR_PARTNER_CALL', partnerHttpStatus: 200 });
    expect(err.cause).toBeInstanceOf(OcpiError);
    expect(err.cause).toMatchObject({ code: 'OCPI_ERR_RESPONSE_TOO_LARGE' });
  });

  it('an address the policy refuses: OCPI_ERR_ADDRESS_NOT_ALLOWED, the address only in the cause', async () => {
    const err = await failure(`${base}/versions`, { allowPrivateNetworks: false });
    expect(err).toMatchObject({ code: 'OCPI_ERR_ADDRESS_NOT_ALLOWED', statusCode: 3001 });
    expect(err.message).toBe(`GET ${base}/versions: address not allowed`);
    expect(err.cause).toBeInstanceOf(AddressNotAllowedError);
    expect(err.cause).toBeInstanceOf(OcpiError);
    expect(err.cause).toMatchObject({ code: 'OCPI_ERR_ADDRESS_NOT_ALLOWED', address: '127.0.0.1' });
  });
});

it('a URL a partner gives that the policy refuses: OCPI_ERR_ADDRESS_NOT_ALLOWED, answered 2001', () => {
  const policy = { allowPrivateNetworks: false, allowedHosts: ['partner.test', '127.0.0.1'] };
  for (const url of ['http://127.0.0.1/versions', 'http://elsewhere.test/versions']) {
    const err = (() => {
      try {
        checkOutboundUrl(url, 'url', policy);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OcpiError);
    expect(err).toMatchObject({ code: 'OCPI_ERR_ADDRESS_NOT_ALLOWED', statusCode: 2001, httpStatus: 200 });
  }
});

describe('a command result for a command we never sent', () => {
  it('is answered HTTP 200, OCPI 2001 (the id names no command), not 2003 Unknown Location', async () => {
    const pair = await startPair('2.2.1');
    try {
      const results = `${pair.emsp.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/sender/commands/START_SESSION`;
      const token = await tokenOf(pair.cpo, pair.emspAtCpo);
      const reply = await call(`${results}/nope`, { method: 'POST', token, body: { result: 'ACCEPTED' } });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        status_code: 2001,
        status_message: 'unknown command START_SESSION/nope',
      });
    } finally {
      await pair.close();
    }
  });
});
