import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LazyChildLogger } from '../../src/transport/lazy-logger.ts';

/** A pino logger at `level` writing its lines into an array, with a count of the children made of it and of them. */
function recorded(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  let children = 0;
  const counted = (target: pino.Logger): FastifyBaseLogger => ({
    get level() {
      return target.level;
    },
    set level(value) {
      target.level = value;
    },
    fatal: target.fatal.bind(target),
    error: target.error.bind(target),
    warn: target.warn.bind(target),
    info: target.info.bind(target),
    debug: target.debug.bind(target),
    trace: target.trace.bind(target),
    silent: target.silent.bind(target),
    child: (bindings, options) => {
      children++;
      return counted(target.child(bindings, options));
    },
  });
  return { logger: counted(pino({ level }, stream)), lines, children: () => children };
}

describe('LazyChildLogger', () => {
  it('makes no child for a request that writes nothing, and reads the level of its parent', () => {
    const { logger, children } = recorded('info');
    const request = new LazyChildLogger(logger, { reqId: 'r1' });
    const partner = request.child({ partner: 'p1' });
    expect(partner.level).toBe('info');
    expect(children()).toBe(0);
  });

  it('writes the lines of a child of a child with the bindings of both, once made', async () => {
    const { logger, lines, children } = recorded('info');
    const request = new LazyChildLogger(logger, { reqId: 'r1' });
    const partner = request.child({ partner: 'p1' });
    partner.warn({ statusCode: 500 }, 'slow request');
    partner.info('again');
    request.error('plain');
    partner.debug('below the level');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l.msg, l.reqId, l.partner])).toEqual([
      ['slow request', 'r1', 'p1'],
      ['again', 'r1', 'p1'],
      ['plain', 'r1', undefined],
    ]);
    expect(lines[0]?.statusCode).toBe(500);
    // One child for the request, one for the partner: each made once.
    expect(children()).toBe(2);
  });

  it('takes a level of its own', () => {
    const { logger } = recorded('info');
    const request = new LazyChildLogger(logger, { reqId: 'r1' }, { level: 'debug' });
    expect(request.level).toBe('debug');
    request.level = 'warn';
    expect(request.level).toBe('warn');
    expect(logger.level).toBe('info');
  });
});
