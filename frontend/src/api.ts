// The JSON API under /api/v1, as the dashboard uses it. Auth is the HttpOnly session cookie
// the browser sends by itself; nothing secret is kept in JavaScript.

export interface Me {
  id: number;
  username: string;
  base_currency: string;
  admin: boolean;
}

export type NetworkKind = 'revshare' | 'product';
export type NetworkStatus = 'active' | 'paused' | 'exited' | 'collapsed';
export type EntryKind = 'investment' | 'purchase' | 'fee' | 'payout' | 'reinvest' | 'balance';
export type IncomeClass = 'active' | 'passive' | 'capital';

export const NETWORK_KINDS: NetworkKind[] = ['revshare', 'product'];
export const NETWORK_STATUSES: NetworkStatus[] = ['active', 'paused', 'exited', 'collapsed'];
export const ENTRY_KINDS: EntryKind[] = ['investment', 'purchase', 'fee', 'payout', 'reinvest', 'balance'];
export const INCOME_CLASSES: IncomeClass[] = ['active', 'passive', 'capital'];

export interface Network {
  id: number;
  name: string;
  kind: NetworkKind;
  status: NetworkStatus;
  currency: string;
  joined_on: string;
  closed_on: string | null;
  sponsor: string;
  notes: string;
  commitment_amount: string | null;
  commitment_day: number | null;
  created_at: string;
  updated_at: string;
}

export interface Entry {
  id: number;
  network_id: number;
  date: string;
  kind: EntryKind;
  amount: string;
  currency: string;
  base_amount: string;
  income_class: IncomeClass | null;
  note: string;
  external_id: string | null;
  created_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface NetworkFigures {
  id: number;
  name: string;
  kind: NetworkKind;
  status: NetworkStatus;
  open: boolean;
  outlay: string;
  returned: string;
  net: string;
  recovery_ratio: number | null;
  capital_at_risk: string;
  balance: string;
  exposure: string;
  loss: string;
  share: number | null;
  break_even: {
    reached: boolean;
    reached_on: string | null;
    monthly_run_rate: string;
    projected_on: string | null;
  };
  xirr: number | null;
  xirr_with_balance: number | null;
}

export interface Rule {
  id: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  value: number | null;
  limit: number;
  networks?: number[];
}

export interface Portfolio {
  as_of: string;
  computed_at: string;
  base_currency: string;
  totals: {
    outlay: string;
    returned: string;
    net: string;
    capital_at_risk: string;
    balance: string;
    exposure: string;
    loss: string;
    xirr: number | null;
  };
  break_even_count: { reached: number; total: number };
  networks: NetworkFigures[];
  risk: {
    hhi: number | null;
    effective_networks: number | null;
    top_share: number | null;
    by_kind: { revshare: number; product: number } | null;
    horizon_months: number;
    survivable_collapses: number;
    stress: { k: number; worst_case_net: string; collapsed: number[] }[];
  };
  income_mix: { active: number; passive: number; capital: number } | null;
  rules: Rule[];
}

export interface HistoryPoint {
  month: string;
  date: string;
  networks: { id: number; net: string; capital_at_risk: string; exposure: string }[];
  hhi: number | null;
  exposure: string;
  net: string;
}

export interface History {
  base_currency: string;
  points: HistoryPoint[];
}

export interface WhatIf {
  horizon_months: number;
  collapse: number[];
  end_net: string;
  networks: {
    id: number;
    name: string;
    open: boolean;
    collapsed: boolean;
    net: string;
    monthly_run_rate: string;
    end_net: string;
  }[];
}

export interface PayoutCell {
  month: string;
  amount: string | null;
  logged: boolean;
  line: { id: number; amount: string; currency: string; income_class: IncomeClass | null } | null;
}

export interface PayoutRow {
  id: number;
  name: string;
  kind: NetworkKind;
  status: NetworkStatus;
  currency: string;
  cells: PayoutCell[];
  total: string;
}

export interface PayoutLog {
  year: number;
  base_currency: string;
  months: string[];
  networks: PayoutRow[];
  totals: { month: string; amount: string }[];
  total: string;
}

export interface Token {
  id: number;
  name: string;
  token?: string;
  created_at: string;
}

export interface Rate {
  date: string;
  currency: string;
  units_per_eur: string;
  shared: boolean;
}

export interface ImportResult {
  stored: number;
  from?: string;
  to?: string;
  currencies?: number;
}

/** A problem in one line of an imported file (the header is line 1). */
export interface ImportLineError {
  line: number;
  column: string;
  message: string;
}

/** What an entries import added (or, in a dry run, would add). */
export interface EntriesImportResult {
  dry_run: boolean;
  added: number;
  skipped: number;
  networks_created: string[];
  errors: ImportLineError[];
  error_count: number;
}

/** The CSV dialects of the exports: German (';', decimal comma, DD.MM.YYYY, BOM) or international. */
export type Dialect = 'de' | 'intl';

/** An error answer of the API: status, code, message, per-field messages and, of a failed import, its line problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly existingId?: number,
    readonly lines: ImportLineError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Called when a request finds the session gone (401), except for the sign-in itself. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

const BASE = '/api/v1';

async function request<T>(method: string, path: string, body?: unknown, raw?: { body: BodyInit; type: string }): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (raw) {
    payload = raw.body;
    headers['Content-Type'] = raw.type;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', 'network error');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    type Body = { error?: { code?: string; message?: string; fields?: Record<string, string>; existing_id?: number; lines?: ImportLineError[] } };
    const e = (data as Body | undefined)?.error;
    const err = new ApiError(res.status, e?.code ?? 'http_' + res.status, e?.message ?? res.statusText, e?.fields ?? {}, e?.existing_id, e?.lines ?? []);
    if (res.status === 401 && path !== '/session') onUnauthorized();
    throw err;
  }
  return data as T;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export const api = {
  login: (username: string, password: string) => request<Me>('POST', '/session', { username, password }),
  logout: () => request<void>('DELETE', '/session'),
  me: () => request<Me>('GET', '/me'),

  portfolio: () => request<Portfolio>('GET', '/portfolio'),
  history: (from?: string, to?: string) => request<History>('GET', '/portfolio/history' + query({ from, to })),
  whatIf: (collapse: number[], horizon: number) =>
    request<WhatIf>('GET', '/portfolio/whatif' + query({ collapse: collapse.length ? collapse.join(',') : undefined, horizon })),

  networks: () => request<Network[]>('GET', '/networks'),
  network: (id: number) => request<Network>('GET', `/networks/${id}`),
  createNetwork: (body: Record<string, unknown>) => request<Network>('POST', '/networks', body),
  updateNetwork: (id: number, body: Record<string, unknown>) => request<Network>('PATCH', `/networks/${id}`, body),
  deleteNetwork: (id: number, cascade = false) => request<void>('DELETE', `/networks/${id}${cascade ? '?cascade=true' : ''}`),

  entries: (networkId: number, cursor?: string | null, limit = 50) =>
    request<Page<Entry>>('GET', '/entries' + query({ network_id: networkId, limit, cursor })),
  createEntry: (body: Record<string, unknown>) => request<Entry>('POST', '/entries', body),
  updateEntry: (id: number, body: Record<string, unknown>) => request<Entry>('PATCH', `/entries/${id}`, body),
  deleteEntry: (id: number) => request<void>('DELETE', `/entries/${id}`),

  payouts: (year: number) => request<PayoutLog>('GET', '/payouts/monthly' + query({ year })),
  putPayout: (networkId: number, month: string, amount: string) =>
    request<Entry>('PUT', '/payouts/monthly', { network_id: networkId, month, amount }),

  tokens: () => request<Token[]>('GET', '/tokens'),
  createToken: (name: string) => request<Token>('POST', '/tokens', { name }),
  deleteToken: (id: number) => request<void>('DELETE', `/tokens/${id}`),

  rates: (currency?: string, from?: string, to?: string) => request<Rate[]>('GET', '/rates' + query({ currency, from, to })),
  importRates: (file: File) =>
    request<ImportResult>('POST', '/rates/import', undefined, {
      body: file,
      type: file.type || (file.name.toLowerCase().endsWith('.xml') ? 'application/xml' : 'text/csv'),
    }),

  /** Imports an entries CSV all or nothing; a dry run only reports what it would do. */
  importEntries: (file: File, opts: { dryRun: boolean; createNetworks: boolean }) =>
    request<EntriesImportResult>(
      'POST',
      '/import/entries.csv' + query({ dry_run: String(opts.dryRun), create_networks: String(opts.createNetworks) }),
      undefined,
      { body: file, type: 'text/csv' },
    ),
};

/**
 * The download addresses of the exports. They are plain links: the browser sends the session
 * cookie with them, and the server names the file (Content-Disposition).
 */
export const exportUrls = {
  tax: (year: number, dialect: Dialect) => BASE + '/export/tax.csv' + query({ year, dialect }),
  taxSummary: (year: number, dialect: Dialect) => BASE + '/export/tax-summary.csv' + query({ year, dialect }),
  entries: (dialect: Dialect) => BASE + '/export/entries.csv' + query({ dialect }),
  journal: () => BASE + '/export/journal.ledger',
};
