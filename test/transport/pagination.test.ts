import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { envelope } from '../../src/transport/envelope.ts';
import { ocpiErrorHandler } from '../../src/transport/error-handler.ts';
import { readPageRequest, setPageHeaders } from '../../src/transport/pagination.ts';

const ITEMS = Array.from({ length: 25 }, (_, i) => ({
  id: String(i),
  last_updated: new Date(Date.UTC(2024, 0, 1 + i)),
}));

describe('pagination helper', () => {
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = Fastify();
    app.setErrorHandler(ocpiErrorHandler(systemClock));
    app.get('/list', async (request, reply) => {
      const page = readPageRequest(request.query as Record<string, unknown>, { maxLimit: 10 });
      const matching = ITEMS.filter(
        (i) =>
          (!page.dateFrom || i.last_updated >= page.dateFrom) &&
          (!page.dateTo || i.last_updated < page.dateTo),
      );
      setPageHeaders(reply, request, url, page, matching.length, 10);
      return envelope(matching.slice(page.offset, page.offset + page.limit).map((i) => i.id));
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/list`;
  });
  afterAll(() => app.close());

  async function get(query: string) {
    const res = await fetch(`${url}${query}`);
    return {
      res,
      body: (await res.json()) as { data?: string[]; status_code: number; status_message?: string },
    };
  }

  it('serves pages with Link, X-Total-Count and X-Limit until the last page', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${url}?limit=10&date_from=2024-01-03T00:00:00Z`;
    let pages = 0;
    while (next) {
      const res: Response = await fetch(next);
      const body = (await res.json()) as { data: string[] };
      expect(res.headers.get('x-total-count')).toBe('23');
      expect(res.headers.get('x-limit')).toBe('10');
      seen.push(...body.data);
      next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      if (next) expect(new URL(next).searchParams.get('date_from')).toBe('2024-01-03T00:00:00Z');
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ITEMS.slice(2).map((i) => i.id));
  });

  it('clamps a limit above the maximum and says so in X-Limit', async () => {
    const { res, body } = await get('?limit=1000');
    expect(body.data).toHaveLength(10);
    expect(res.headers.get('x-limit')).toBe('10');
    expect(res.headers.get('link')).toContain('offset=10');
  });

  it.each(['11', '99999999999', '99999999999999999999999'])(
    'clamps limit=%s, however large, and says so in X-Limit',
    async (limit) => {
      const { res, body } = await get(`?limit=${limit}`);
      expect(body.status_code).toBe(1000);
      expect(body.data).toHaveLength(10);
      expect(res.headers.get('x-limit')).toBe('10');
      expect(
        new URL(/<([^>]+)>/.exec(res.headers.get('link') ?? '')?.[1] ?? '').searchParams.get('limit'),
      ).toBe('10');
    },
  );

  it('applies date_to exclusively and reads dates without Z', async () => {
    const { body } = await get('?date_from=2024-01-02T00:00:00&date_to=2024-01-04T00:00:00.000Z');
    expect(body.data).toEqual(['1', '2']);
  });

  it.each([
    ['?date_from=yesterday', /date_from/],
    ['?date_to=2024-13-01T00:00:00Z', /date_to/],
    ['?offset=-1', /offset/],
    ['?limit=ten', /limit/],
    ['?offset=99999999999999999999', /offset: must be at most/],
    ['?date_from=0000-01-01T00:00:00Z', /date_from/],
    ['?date_to=9999-12-31T23:59:59-05:00', /date_to/],
    ['?date_from=2024-02-30T00:00:00%2B01:00', /date_from/],
  ])('answers %s with OCPI 2001 naming the parameter', async (query, field) => {
    const { res, body } = await get(query);
    expect(res.status).toBe(200);
    expect(body.status_code).toBe(2001);
    expect(body.status_message).toMatch(field);
  });

  it('sends no Link on the last page or past the end', async () => {
    expect((await get('?offset=20')).res.headers.get('link')).toBeNull();
    const past = await get('?offset=100');
    expect(past.body.data).toEqual([]);
    expect(past.res.headers.get('link')).toBeNull();
  });
});
