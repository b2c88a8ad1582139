import type {
  CdrsAnswer,
  ChargersAnswer,
  CommandBody,
  CommandStreamLine,
  CommandsAnswer,
  DeadLettersAnswer,
  EvsesAnswer,
  OutboxAnswer,
  OutboxDepthAnswer,
  OverviewAnswer,
  PartnerAnswer,
  PartnersAnswer,
  RegisterBody,
  RegistrationTokenAnswer,
  ReplayedAnswer,
  SessionAnswer,
  SessionDetailAnswer,
  SessionsAnswer,
  TokenBody,
  UnregisteredAnswer,
} from './api-types.ts';

/** The data of an answer of the node. */
type DataOf<A extends { data?: unknown }> = NonNullable<A['data']>;

export type Session = DataOf<SessionAnswer>;
export type Overview = DataOf<OverviewAnswer>;
export type Partner = DataOf<PartnerAnswer>;
export type Outbox = DataOf<OutboxAnswer>;
export type DeadLetter = DataOf<DeadLettersAnswer>[number];
export type OutboxDepth = DataOf<OutboxDepthAnswer>;
export type CommandEntry = DataOf<CommandsAnswer>['items'][number];
export type EvseRow = DataOf<EvsesAnswer>['items'][number];
export type SessionRow = DataOf<SessionsAnswer>['items'][number];
export type SessionDetail = DataOf<SessionDetailAnswer>;
export type CdrRow = DataOf<CdrsAnswer>['items'][number];
export type Charger = DataOf<ChargersAnswer>[number];
export type { CommandStreamLine };

/** A request the node refused or could not do: its own words (status_message). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

interface Envelope {
  data?: unknown;
  status_code?: number;
  status_message?: string;
}

export interface Page {
  offset: number;
  limit: number;
  /** Filters of the list (partner, status...): those given and not empty. */
  [filter: string]: string | number | undefined;
}

function query(page: Page): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(page))
    if (value !== undefined && value !== '') params.set(name, String(value));
  return `?${params}`;
}

/**
 * The node's admin API and the console's routes, as the page calls them: with the session
 * cookie (the browser sends it), the CSRF token on every request that changes something,
 * and answers unwrapped from their envelopes. A 401 means the session is over: `onSignedOut`.
 */
export class Api {
  private csrfToken = '';

  constructor(private readonly onSignedOut: () => void) {}

  /** The session, if the browser has a live one. */
  async session(): Promise<Session | undefined> {
    const res = await fetch('/console/api/session', { credentials: 'same-origin' });
    if (res.status === 401) return undefined;
    const session = await this.read<SessionAnswer>(res);
    this.csrfToken = session.csrfToken;
    return session;
  }

  async signIn(token: string): Promise<Session> {
    const res = await fetch('/console/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (res.status === 401) throw new ApiError('That is not the admin token of this node.', 401);
    const session = await this.read<SessionAnswer>(res);
    this.csrfToken = session.csrfToken;
    return session;
  }

  async signOut(): Promise<void> {
    await this.call('DELETE', '/console/api/session');
    this.csrfToken = '';
  }

  overview = () => this.call<OverviewAnswer>('GET', '/console/api/overview');
  outboxDepth = () => this.call<OutboxDepthAnswer>('GET', '/console/api/outbox');
  partners = () => this.call<PartnersAnswer>('GET', '/admin/partners');
  register = (body: RegisterBody) => this.call<PartnerAnswer>('POST', '/admin/partners', body);
  createToken = (body: TokenBody) =>
    this.call<RegistrationTokenAnswer>('POST', '/admin/registration-tokens', body);
  rotate = (id: string) =>
    this.call<PartnerAnswer>('POST', `/admin/partners/${encodeURIComponent(id)}/update`);
  unregister = (id: string) =>
    this.call<UnregisteredAnswer>('DELETE', `/admin/partners/${encodeURIComponent(id)}`);
  outbox = (page: Page) => this.call<OutboxAnswer>('GET', `/admin/outbox${query(page)}`);
  deadLetters = (page: Page) => this.call<DeadLettersAnswer>('GET', `/admin/dead-letters${query(page)}`);
  replay = (id: string) =>
    this.call<ReplayedAnswer>('POST', `/admin/dead-letters/${encodeURIComponent(id)}/replay`);
  replayAll = () => this.call<ReplayedAnswer>('POST', '/admin/dead-letters/replay');
  commands = (page: Page) => this.call<CommandsAnswer>('GET', `/console/api/commands${query(page)}`);
  evses = (page: Page) => this.call<EvsesAnswer>('GET', `/console/api/evses${query(page)}`);
  sessions = (page: Page) => this.call<SessionsAnswer>('GET', `/console/api/sessions${query(page)}`);
  chargers = () => this.call<ChargersAnswer>('GET', '/admin/chargers');
  cdrs = (page: Page) => this.call<CdrsAnswer>('GET', `/console/api/cdrs${query(page)}`);
  sessionDetail = (s: Pick<SessionRow, 'owner' | 'party' | 'id'>) => {
    const [cc = '', pid = ''] = s.party.split('*');
    const path = [s.owner, cc, pid, s.id].map(encodeURIComponent).join('/');
    return this.call<SessionDetailAnswer>('GET', `/console/api/sessions/${path}`);
  };

  /**
   * Sends a command (POST /admin/commands/{command}) and hands each line the node streams
   * as it comes: the CPO's response, the result, then (START_SESSION with `follow`) the
   * session's updates. Resolves when the node ends the stream or `signal` aborts it.
   */
  async sendCommand(
    command: string,
    body: CommandBody,
    onLine: (line: CommandStreamLine) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const res = await fetch(`/admin/commands/${encodeURIComponent(command)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': this.csrfToken },
      body: JSON.stringify(body),
      signal,
    });
    if (res.status === 401) {
      this.onSignedOut();
      throw new ApiError('Your session has ended. Sign in again.', 401);
    }
    // A refusal (unknown partner, invalid request) is an envelope, not a stream.
    if (!/ndjson/.test(res.headers.get('content-type') ?? '') || !res.body) await this.read(res);
    const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      pending += chunk.value;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) if (text.trim()) onLine(JSON.parse(text));
    }
  }

  private async call<A extends Envelope>(method: string, path: string, body?: unknown): Promise<DataOf<A>> {
    const headers: Record<string, string> = {};
    if (method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 401) {
      this.csrfToken = '';
      this.onSignedOut();
      throw new ApiError('Your session has ended. Sign in again.', 401);
    }
    return this.read<A>(res);
  }

  private async read<A extends Envelope>(res: Response): Promise<DataOf<A>> {
    const text = await res.text();
    let envelope: A | undefined;
    try {
      envelope = text ? JSON.parse(text) : undefined;
    } catch {
      envelope = undefined;
    }
    if (!res.ok || !envelope || envelope.status_code !== 1000)
      throw new ApiError(envelope?.status_message ?? `The node answered HTTP ${res.status}.`, res.status);
    // An answer without data (a deletion) is an empty object to its caller.
    return envelope.data ?? {};
  }
}
