import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';

/** How long a console session lives. */
export interface SessionLifetime {
  /** Minutes without a request after which a session ends (default 30). */
  idleMinutes?: number;
  /** Hours after sign-in after which a session ends whatever it does (default 12). */
  maxHours?: number;
}

/** A live session as the console sees it: never its id, which only the browser's cookie holds. */
export interface ConsoleSession {
  /** Synchronizer token of the session: state-changing requests send it in a header. */
  csrfToken: string;
  /** When the session ends at the latest (the absolute limit), epoch ms. */
  expiresAt: number;
}

interface StoredSession {
  createdAt: number;
  lastSeenAt: number;
}

/** More live sessions than this and the one idle longest is ended: sign-ins cannot fill the memory. */
const MAX_SESSIONS = 1000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The console's signed-in sessions, server-side. A session id is 32 random bytes the
 * browser holds in an HttpOnly cookie; only its SHA-256 is kept here, so that nothing in
 * memory (a heap dump, a log of this map) signs anyone in. The CSRF token is derived from
 * the id (HMAC), so that it needs no storage and dies with the session.
 *
 * Sessions live in this process: a restart signs everyone out, and several instances
 * behind one address need sticky routing for the console.
 */
export class ConsoleSessions {
  private readonly sessions = new Map<string, StoredSession>();
  private readonly idleMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly clock: Clock,
    lifetime: SessionLifetime = {},
  ) {
    this.idleMs = (lifetime.idleMinutes ?? 30) * 60_000;
    this.maxMs = (lifetime.maxHours ?? 12) * 3600_000;
  }

  /** Seconds a new session lives at most (the cookie's Max-Age). */
  get maxAgeSeconds(): number {
    return Math.floor(this.maxMs / 1000);
  }

  /** Opens a session: its id (for the cookie only) and what the page may know of it. */
  open(): { id: string; session: ConsoleSession } {
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) this.endIdlest();
    const id = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    this.sessions.set(sha256(id), { createdAt: now, lastSeenAt: now });
    return { id, session: this.view(id, now) };
  }

  /** The live session of a cookie's id, its idle time restarted; undefined when there is none (any more). */
  touch(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const key = sha256(id);
    const stored = this.sessions.get(key);
    if (!stored) return undefined;
    const now = this.clock.now();
    if (this.expired(stored, now)) {
      this.sessions.delete(key);
      return undefined;
    }
    stored.lastSeenAt = now;
    return this.view(id, now, stored);
  }

  /** Whether a session is live, without restarting its idle time (a page left open is idle). */
  alive(id: string): boolean {
    const stored = this.sessions.get(sha256(id));
    return stored !== undefined && !this.expired(stored, this.clock.now());
  }

  /** Whether `token` is the CSRF token of the session `id`. */
  csrfMatches(id: string, token: string | undefined): boolean {
    if (!token) return false;
    const expected = Buffer.from(csrfTokenOf(id));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Ends a session (signing out). */
  end(id: string | undefined): void {
    if (id) this.sessions.delete(sha256(id));
  }

  /** How many sessions are live. */
  get size(): number {
    this.prune();
    return this.sessions.size;
  }

  private view(id: string, now: number, stored?: StoredSession): ConsoleSession {
    return { csrfToken: csrfTokenOf(id), expiresAt: (stored?.createdAt ?? now) + this.maxMs };
  }

  private expired(stored: StoredSession, now: number): boolean {
    return now - stored.lastSeenAt >= this.idleMs || now - stored.createdAt >= this.maxMs;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, stored] of this.sessions) if (this.expired(stored, now)) this.sessions.delete(key);
  }

  private endIdlest(): void {
    let idlest: [string, number] | undefined;
    for (const [key, { lastSeenAt }] of this.sessions)
      if (!idlest || lastSeenAt < idlest[1]) idlest = [key, lastSeenAt];
    if (idlest) this.sessions.delete(idlest[0]);
  }
}

function csrfTokenOf(id: string): string {
  return createHmac('sha256', id).update('ocpi-console-csrf').digest('base64url');
}
