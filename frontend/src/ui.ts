// Formatting in the current language, and small pieces the views share.

import type { EntryKind, IncomeClass, NetworkKind, NetworkStatus } from './api';
import { h } from './dom';
import {
  formatAmount,
  formatDate,
  formatDecimal,
  formatMoney,
  formatNumber,
  formatPercent,
  formatSignedMoney,
  formatTimestamp,
  isNegative,
} from './format';
import { getLang, t } from './i18n';

export const money = (v: string | number | null | undefined, base: string) => formatMoney(v, base, getLang());
export const signedMoney = (v: string | number | null | undefined, base: string) => formatSignedMoney(v, base, getLang());
export const amount = (v: string | null | undefined, currency: string) => formatAmount(v, currency, getLang());
export const decimal = (v: string | null | undefined) => formatDecimal(v, getLang());
export const pct = (v: number | null | undefined, digits = 1) => formatPercent(v, getLang(), digits);
export const num = (v: number | null | undefined, digits = 1) => formatNumber(v, getLang(), digits);
export const date = (v: string | null | undefined) => formatDate(v, getLang());
export const timestamp = (v: string | null | undefined) => formatTimestamp(v, getLang());

export const kindLabel = (k: NetworkKind) => t(`kind.${k}`);
export const statusLabel = (s: NetworkStatus) => t(`status.${s}`);
export const entryKindLabel = (k: EntryKind) => t(`entryKind.${k}`);
export const classLabel = (c: IncomeClass) => t(`class.${c}`);

/** Money coloured by its sign: the sign is in the text too, never in colour alone. */
export function moneySpan(v: string, base: string, attrs: Record<string, string> = {}): HTMLElement {
  const cls = isNegative(v) ? 'neg' : Number(v) > 0 ? 'pos' : 'zero';
  return h('span', { class: 'money ' + cls, ...attrs }, money(v, base));
}

/** A network status as a small labelled chip. */
export function statusChip(s: NetworkStatus): HTMLElement {
  return h('span', { class: 'chip status-' + s }, statusLabel(s));
}

/** Today as YYYY-MM-DD in the browser's zone. */
export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The current month as YYYY-MM in the browser's zone. */
export function thisMonth(): string {
  return today().slice(0, 7);
}
