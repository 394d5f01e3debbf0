// Display formatting with Intl, per language. Money from the API is a decimal string; it is
// handed to Intl as that string (Intl.NumberFormat formats numeric strings exactly in every
// current browser), so even an 18-place ETH amount is shown digit for digit.

export type Lang = 'de' | 'en';

/** The BCP 47 locale each UI language formats with. */
export const LOCALES: Record<Lang, string> = { de: 'de-DE', en: 'en-US' };

const DASH = '—';

type Numeric = string | number;

/** A decimal string or number as Intl should see it: a string is passed on unchanged. */
function asIntl(v: Numeric): number {
  // Intl.NumberFormat.prototype.format takes numeric strings (ES2023 Intl.NumberFormat v3);
  // TypeScript's lib types only admit number | bigint.
  return v as unknown as number;
}

let knownCurrencies: Set<string> | null = null;

/** Whether Intl knows code as a currency (ISO 4217); BTC, ETH, USDT or PTS are not. */
export function isIntlCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  if (knownCurrencies === null) {
    try {
      knownCurrencies = new Set(Intl.supportedValuesOf('currency'));
    } catch {
      knownCurrencies = new Set();
    }
  }
  if (knownCurrencies.size > 0) return knownCurrencies.has(code);
  // An engine without supportedValuesOf: trust Intl when it names the currency.
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'currency' }).of(code);
    return !!name && name !== code;
  } catch {
    return false;
  }
}

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

/** The number of digits after the decimal point in a decimal string. */
export function fractionDigits(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

function isNumeric(v: Numeric | null | undefined): v is Numeric {
  if (v === null || v === undefined || v === '') return false;
  if (typeof v === 'number') return Number.isFinite(v);
  return /^[-+]?\d+(\.\d+)?$/.test(v);
}

/**
 * Money in a currency, as the API rounds it (the currency's minor unit): "1.234,56 €" in
 * German, "€1,234.56" in English. A code Intl does not know as a currency is shown as a
 * plain number and the code: "1.234,56 PTS".
 */
export function formatMoney(v: Numeric | null | undefined, currency: string, lang: Lang): string {
  if (!isNumeric(v)) return DASH;
  const locale = LOCALES[lang];
  if (isIntlCurrency(currency)) {
    return nf(locale, { style: 'currency', currency }).format(asIntl(v));
  }
  return nf(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(asIntl(v)) + '\u00a0' + currency;
}

/** Money with an explicit sign, for results: "+1.234,56 €", "−12,00 €". */
export function formatSignedMoney(v: Numeric | null | undefined, currency: string, lang: Lang): string {
  if (!isNumeric(v)) return DASH;
  const s = formatMoney(v, currency, lang);
  const negative = typeof v === 'number' ? v < 0 : v.trim().startsWith('-');
  const zero = typeof v === 'number' ? v === 0 : /^[-+]?0*(\.0*)?$/.test(v.trim());
  if (negative || zero) return s;
  return '+' + s;
}

/**
 * An amount exactly as recorded, in any currency, keeping every decimal the API sent:
 * "0,05 ETH", "1.500,00 $" … For Intl currencies at least their minor unit is shown.
 */
export function formatAmount(v: string | null | undefined, currency: string, lang: Lang): string {
  if (!isNumeric(v)) return DASH;
  const locale = LOCALES[lang];
  const digits = Math.min(fractionDigits(v), 20);
  if (isIntlCurrency(currency)) {
    const base = nf(locale, { style: 'currency', currency }).resolvedOptions().minimumFractionDigits ?? 2;
    return nf(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: base,
      maximumFractionDigits: Math.max(base, digits),
    }).format(asIntl(v));
  }
  return formatDecimal(v, lang) + '\u00a0' + currency;
}

/** A decimal string with every digit it has, grouped per locale: "1.234,5678" in German. */
export function formatDecimal(v: string | number | null | undefined, lang: Lang): string {
  if (!isNumeric(v)) return DASH;
  const digits = typeof v === 'string' ? Math.min(fractionDigits(v), 20) : 10;
  return nf(LOCALES[lang], {
    minimumFractionDigits: typeof v === 'string' ? digits : 0,
    maximumFractionDigits: digits,
  }).format(asIntl(v));
}

/** A plain number with at most `digits` decimals: 4,5 / 4.5. */
export function formatNumber(v: number | null | undefined, lang: Lang, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return nf(LOCALES[lang], { maximumFractionDigits: digits }).format(v);
}

/** A ratio as a percentage: 0.263 → "26,3 %" (de) or "26.3%" (en). */
export function formatPercent(v: number | null | undefined, lang: Lang, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return nf(LOCALES[lang], { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: digits }).format(v);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A date YYYY-MM-DD: "15.03.2026" in German, unchanged (ISO) in English. */
export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return DASH;
  const m = ISO_DATE.exec(iso);
  if (!m) return iso;
  return lang === 'de' ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/** A month YYYY-MM: "03.2026" in German, unchanged in English. */
export function formatMonthKey(month: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  return lang === 'de' ? `${m[2]}.${m[1]}` : month;
}

/** The short name of a month YYYY-MM: "Jan." / "Jan". */
export function monthName(month: string, lang: Lang, style: 'short' | 'long' = 'short'): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return new Intl.DateTimeFormat(LOCALES[lang], { month: style, timeZone: 'UTC' }).format(d);
}

/** A month YYYY-MM with its year, for chart axes: "Nov. 2023" / "Nov 2023". */
export function monthYear(month: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return new Intl.DateTimeFormat(LOCALES[lang], { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
}

/** An RFC 3339 timestamp in the browser's zone: "25.11.2026, 00:02" / "2026-11-25 00:02". */
export function formatTimestamp(ts: string | null | undefined, lang: Lang): string {
  if (!ts) return DASH;
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  if (lang === 'en') {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  }
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** Whether a decimal string is below zero ("-0.00" is not). */
export function isNegative(v: string | null | undefined): boolean {
  if (!v) return false;
  const s = v.trim();
  return s.startsWith('-') && /[1-9]/.test(s);
}
