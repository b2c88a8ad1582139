// Written by scripts/console/api-types.ts from the routes' TypeBox schemas: do not edit.
// Run `npx tsx scripts/console/api-types.ts` after changing a schema the console uses.

export type Acknowledged = {
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type PartnersAnswer = {
  data?: Array<{
    id: string;
    status: "pending" | "registered";
    version: string;
    versionsUrl: string;
    tokenEncoding: "base64" | "raw";
    parties: Array<{
      role: string;
      countryCode: string;
      partyId: string;
      businessDetails: {
        name: string;
        website?: string;
        logo?: {
          url: string;
          thumbnail?: string;
          category: string;
          type: string;
          width?: number;
          height?: number;
        };
      };
    }>;
    endpoints: Array<{
      identifier: string;
      role?: "SENDER" | "RECEIVER";
      url: string;
    }>;
    hubPartyId?: string;
    hubClients?: Array<{
      countryCode: string;
      partyId: string;
      role: string;
      status: "CONNECTED" | "OFFLINE" | "PLANNED" | "SUSPENDED";
      lastUpdated: string;
    }>;
    createdAt: string;
    updatedAt: string;
  }>;
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type PartnerAnswer = {
  data?: {
    id: string;
    status: "pending" | "registered";
    version: string;
    versionsUrl: string;
    tokenEncoding: "base64" | "raw";
    parties: Array<{
      role: string;
      countryCode: string;
      partyId: string;
      businessDetails: {
        name: string;
        website?: string;
        logo?: {
          url: string;
          thumbnail?: string;
          category: string;
          type: string;
          width?: number;
          height?: number;
        };
      };
    }>;
    endpoints: Array<{
      identifier: string;
      role?: "SENDER" | "RECEIVER";
      url: string;
    }>;
    hubPartyId?: string;
    hubClients?: Array<{
      countryCode: string;
      partyId: string;
      role: string;
      status: "CONNECTED" | "OFFLINE" | "PLANNED" | "SUSPENDED";
      lastUpdated: string;
    }>;
    createdAt: string;
    updatedAt: string;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type RegisterBody = {
  versionsUrl: string;
  token: string;
};

export type TokenBody = {
  token?: string;
  label?: string;
};

export type RegistrationTokenAnswer = {
  data?: {
    token: string;
    versionsUrl: string;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type UnregisteredAnswer = {
  data?: {
    partnerId: string;
    remote: "unregistered" | "failed";
    message?: string;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type OutboxAnswer = {
  data?: {
    pending: number;
    deadLetters: number;
    entries: Array<{
      id: string;
      partnerId: string;
      orderingKey: string;
      kind: string;
      method: string;
      url: string;
      headers?: { [key: string]: string };
      body?: unknown;
      createdAt: string;
      attempts: number;
      firstFailedAt?: string;
      lastError?: string;
      nextAttemptAt?: string;
    }>;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type DeadLettersAnswer = {
  data?: Array<{
    id: string;
    partnerId: string;
    orderingKey: string;
    kind: string;
    method: string;
    url: string;
    headers?: { [key: string]: string };
    body?: unknown;
    createdAt: string;
    attempts: number;
    firstFailedAt?: string;
    lastError?: string;
    deadAt: string;
  }>;
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type ReplayedAnswer = {
  data?: {
    replayed: number;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type CommandBody = {
  partner?: string;
  request?: { [key: string]: unknown };
  follow?: number | null;
};

export type CommandStreamLine = {
  id: string;
  response: {
    result: string;
    timeout?: number;
    message?: Array<{
      language: string;
      text: string;
    }>;
  };
} | {
  result: {
    result: string;
    source: "partner" | "response" | "local-timeout";
    message?: Array<{
      language: string;
      text: string;
    }>;
  };
} | {
  session: { [key: string]: unknown };
} | {
  cdr: { [key: string]: unknown };
};

export type SignInBody = {
  token: string;
};

export type SessionAnswer = {
  data?: {
    csrfToken: string;
    expiresAt: string;
    idleMinutes: number;
    ocppBridge: boolean;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type OverviewAnswer = {
  data?: {
    node: {
      versionsUrl: string;
      versions: Array<string>;
      parties: Array<{
        countryCode: string;
        partyId: string;
        role: string;
        name: string;
      }>;
    };
    readiness: {
      ready: boolean;
      reason?: string;
    };
    counts: {
      partners: {
        registered: number;
        pending: number;
      };
      locations: number;
      evses: { [key: string]: number };
      liveSessions: number;
      outboxPending: number;
      deadLetters: number;
    };
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type OutboxDepthAnswer = {
  data?: {
    at: string;
    pending: number;
    deadLetters: number;
    partners: Array<{
      partnerId: string;
      pending: number;
      oldestAgeSeconds?: number;
      deadLetters: number;
    }>;
    history: Array<{
      at: string;
      pending: number;
      deadLetters: number;
    }>;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type CommandsAnswer = {
  data?: {
    total: number;
    items: Array<{
      id: string;
      direction: "received" | "sent";
      partnerId: string;
      party?: string;
      command: string;
      status: "pending" | "done" | "timed_out";
      result?: string;
      createdAt: string;
      request: unknown;
    }>;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type LiveEvents = {
  outbox: {
    at: string;
    pending: number;
    deadLetters: number;
    partners: Array<{
      partnerId: string;
      pending: number;
      oldestAgeSeconds?: number;
      deadLetters: number;
    }>;
  };
  partners: Record<string, never>;
  received: {
    module: string;
    partnerId: string;
    id?: string;
    status?: string;
  };
  delivery: {
    outcome: "delivered" | "dead-lettered" | "dropped";
    partnerId: string;
    kind: string;
    reason?: string;
  };
  published: {
    module: string;
    id?: string;
    status?: string;
  };
  chargers: {
    id: string;
    online: boolean;
  };
  command: {
    id: string;
    result: string;
  };
  "signed-out": Record<string, never>;
};

export type EvsesAnswer = {
  data?: {
    total: number;
    items: Array<{
      locationId: string;
      locationName?: string;
      address: string;
      uid: string;
      evseId?: string;
      status: string;
      connectors: Array<{
        id: string;
        standard: string;
        maxPower?: number;
      }>;
      lastUpdated: string;
    }>;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type SessionsAnswer = {
  data?: {
    total: number;
    items: Array<{
      owner: string;
      party: string;
      id: string;
      status: string;
      start: string;
      end?: string;
      kwh: number;
      locationId: string;
      evseUid: string;
      currency?: string;
      cost?: number;
      lastUpdated: string;
    }>;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type SessionDetailAnswer = {
  data?: {
    session: {
      owner: string;
      party: string;
      id: string;
      status: string;
      start: string;
      end?: string;
      kwh: number;
      locationId: string;
      evseUid: string;
      currency?: string;
      cost?: number;
      lastUpdated: string;
    };
    points: Array<{
      at: string;
      kwh: number;
      kw?: number;
    }>;
    limit?: {
      unit: string;
      steps: Array<{
        at: string;
        limit: number;
      }>;
    };
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type CdrsAnswer = {
  data?: {
    total: number;
    items: Array<{
      owner: string;
      party: string;
      id: string;
      start: string;
      end: string;
      locationId: string;
      evseUid: string;
      currency: string;
      exclVat?: number;
      inclVat?: number;
      energy: number;
      time: number;
      parkingTime?: number;
      lastUpdated: string;
    }>;
  };
  status_code: number;
  status_message?: string;
  timestamp: string;
};

export type ChargersAnswer = {
  data?: Array<{
    id: string;
    countryCode: string;
    partyId: string;
    locationId: string;
    evses: { [key: string]: string };
    online: boolean;
    ocppVersion?: string;
    lastHeartbeat?: string;
  }>;
  status_code: number;
  status_message?: string;
  timestamp: string;
};
