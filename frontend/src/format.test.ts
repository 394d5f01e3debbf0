import { describe, expect, it } from 'vitest';
import {
  formatAmount,
  formatDate,
  formatDecimal,
  formatMoney,
  formatMonthKey,
  formatNumber,
  formatPercent,
  formatSignedMoney,
  isIntlCurrency,
  isNegative,
  monthName,
} from './format';

// Intl separates number and symbol with a no-break space (U+00A0) or a narrow one (U+202F).
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('formats EUR in German and English', () => {
    expect(plain(formatMoney('1234.56', 'EUR', 'de'))).toBe('1.234,56 €');
    expect(plain(formatMoney('1234.56', 'EUR', 'en'))).toBe('€1,234.56');
    expect(plain(formatMoney(1234.56, 'EUR', 'de'))).toBe('1.234,56 €');
  });
  it('formats negative amounts and zero', () => {
    expect(plain(formatMoney('-204.58', 'EUR', 'de'))).toBe('-204,58 €');
    expect(plain(formatMoney('-204.58', 'EUR', 'en'))).toBe('-€204.58');
    expect(plain(formatMoney('0.00', 'EUR', 'en'))).toBe('€0.00');
  });
  it('formats other ISO currencies with their symbol and minor unit', () => {
    expect(plain(formatMoney('1234.56', 'USD', 'en'))).toBe('$1,234.56');
    expect(plain(formatMoney('1234.56', 'USD', 'de'))).toBe('1.234,56 $');
    expect(plain(formatMoney('1234', 'JPY', 'en'))).toBe('¥1,234');
  });
  it('falls back to a plain number and the code for codes Intl does not know', () => {
    expect(plain(formatMoney('1234.5', 'PTS', 'de'))).toBe('1.234,50 PTS');
    expect(plain(formatMoney('1234.5', 'PTS', 'en'))).toBe('1,234.50 PTS');
    expect(plain(formatMoney('1', 'USDT', 'en'))).toBe('1.00 USDT');
  });
  it('keeps large values exact (no float rounding)', () => {
    expect(plain(formatMoney('89999999999.99', 'EUR', 'en'))).toBe('€89,999,999,999.99');
    expect(plain(formatMoney('12345678901234567.89', 'EUR', 'en'))).toBe('€12,345,678,901,234,567.89');
  });
  it('shows a dash for missing values', () => {
    expect(formatMoney(null, 'EUR', 'de')).toBe('—');
    expect(formatMoney(undefined, 'EUR', 'en')).toBe('—');
    expect(formatMoney('abc', 'EUR', 'en')).toBe('—');
  });
  it('adds a plus sign to positive results only', () => {
    expect(plain(formatSignedMoney('12.5', 'EUR', 'en'))).toBe('+€12.50');
    expect(plain(formatSignedMoney('-12.5', 'EUR', 'de'))).toBe('-12,50 €');
    expect(plain(formatSignedMoney('0.00', 'EUR', 'en'))).toBe('€0.00');
  });
});

describe('isIntlCurrency', () => {
  it('knows ISO codes and not crypto or points', () => {
    expect(isIntlCurrency('EUR')).toBe(true);
    expect(isIntlCurrency('USD')).toBe(true);
    expect(isIntlCurrency('PTS')).toBe(false);
    expect(isIntlCurrency('BTC')).toBe(false);
    expect(isIntlCurrency('ETH')).toBe(false);
    expect(isIntlCurrency('USDT')).toBe(false);
  });
});

describe('formatAmount', () => {
  it('keeps every decimal of crypto amounts', () => {
    expect(plain(formatAmount('0.000000000000000001', 'ETH', 'en'))).toBe('0.000000000000000001 ETH');
    expect(plain(formatAmount('1234.05', 'ETH', 'de'))).toBe('1.234,05 ETH');
  });
  it('shows at least the minor unit of ISO currencies, and more when recorded', () => {
    expect(plain(formatAmount('1500', 'USD', 'en'))).toBe('$1,500.00');
    expect(plain(formatAmount('575.40614142', 'EUR', 'de'))).toBe('575,40614142 €');
  });
});

describe('formatDecimal / formatNumber', () => {
  it('groups per locale and keeps the digits', () => {
    expect(formatDecimal('1234567.125', 'de')).toBe('1.234.567,125');
    expect(formatDecimal('1234567.125', 'en')).toBe('1,234,567.125');
    expect(formatDecimal('0.00036', 'de')).toBe('0,00036');
  });
  it('rounds plain numbers to the digits asked', () => {
    expect(formatNumber(4.50422819417532, 'de')).toBe('4,5');
    expect(formatNumber(4.50422819417532, 'en', 2)).toBe('4.5');
    expect(formatNumber(null, 'en')).toBe('—');
  });
});

describe('formatPercent', () => {
  it('formats ratios in German and English', () => {
    expect(plain(formatPercent(0.26281282205054324, 'de'))).toBe('26,3 %');
    expect(plain(formatPercent(0.26281282205054324, 'en'))).toBe('26.3%');
    expect(plain(formatPercent(3.85, 'en'))).toBe('385%');
    expect(plain(formatPercent(-0.6984, 'de'))).toBe('-69,8 %');
  });
  it('shows a dash for null and non-finite', () => {
    expect(formatPercent(null, 'de')).toBe('—');
    expect(formatPercent(Number.NaN, 'en')).toBe('—');
  });
});

describe('dates', () => {
  it('formats ISO dates per language', () => {
    expect(formatDate('2026-03-15', 'de')).toBe('15.03.2026');
    expect(formatDate('2026-03-15', 'en')).toBe('2026-03-15');
    expect(formatDate(null, 'de')).toBe('—');
  });
  it('formats months', () => {
    expect(formatMonthKey('2026-03', 'de')).toBe('03.2026');
    expect(formatMonthKey('2026-03', 'en')).toBe('2026-03');
    expect(monthName('2026-03', 'de', 'long')).toBe('März');
    expect(monthName('2026-01', 'en')).toBe('Jan');
  });
});

describe('isNegative', () => {
  it('reads the sign of a decimal string', () => {
    expect(isNegative('-0.01')).toBe(true);
    expect(isNegative('-0.00')).toBe(false);
    expect(isNegative('12')).toBe(false);
    expect(isNegative(null)).toBe(false);
  });
});
