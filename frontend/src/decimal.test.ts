import { describe, expect, it } from 'vitest';
import { parseDecimalInput, sameDecimal, toInputValue } from './decimal';

describe('parseDecimalInput (German)', () => {
  const p = (s: string) => parseDecimalInput(s, 'de');
  it('reads the decimal comma and thousands dots', () => {
    expect(p('1.234,56')).toBe('1234.56');
    expect(p('1234,56')).toBe('1234.56');
    expect(p('12,5')).toBe('12.5');
    expect(p('0,50')).toBe('0.50');
    expect(p(',5')).toBe('0.5');
    expect(p('1.234.567,891')).toBe('1234567.891');
    expect(p('1.234')).toBe('1234');
    expect(p('1.234.567')).toBe('1234567');
    expect(p('118')).toBe('118');
    expect(p('0')).toBe('0');
  });
  it('accepts spaces as thousands separators and trims', () => {
    expect(p(' 1 234,56 ')).toBe('1234.56');
    expect(p('1\u00a0234,56')).toBe('1234.56');
  });
  it('understands an unambiguous decimal point', () => {
    expect(p('12.5')).toBe('12.5');
    expect(p('0.05')).toBe('0.05');
    expect(p('1234.56')).toBe('1234.56');
    expect(p('0.123')).toBe('0.123');
    expect(p('1,234.56')).toBe('1234.56');
  });
  it('keeps crypto precision', () => {
    expect(p('0,000000000000000001')).toBe('0.000000000000000001');
  });
  it('keeps a sign', () => {
    expect(p('-12,50')).toBe('-12.50');
    expect(p('+3')).toBe('3');
    expect(p('−7')).toBe('-7');
    expect(p('-0')).toBe('0');
  });
  it('rejects garbage', () => {
    for (const s of ['', '  ', 'abc', '12a', '1,2,3', '1.23.4', '1e5', '12 €', '€12', '5,', '1..2', '--1', ',', '.', '1.2,3.4', '12,34,56', '1 23', '0x10', 'NaN', 'Infinity']) {
      expect(p(s), s).toBeNull();
    }
  });
});

describe('parseDecimalInput (English)', () => {
  const p = (s: string) => parseDecimalInput(s, 'en');
  it('reads the decimal point and thousands commas', () => {
    expect(p('1,234.56')).toBe('1234.56');
    expect(p('1234.56')).toBe('1234.56');
    expect(p('1,234')).toBe('1234');
    expect(p('1,234,567.5')).toBe('1234567.5');
    expect(p('.5')).toBe('0.5');
    expect(p('007.10')).toBe('7.10');
  });
  it('understands an unambiguous decimal comma', () => {
    expect(p('12,5')).toBe('12.5');
    expect(p('1.234,56')).toBe('1234.56');
  });
  it('rejects garbage', () => {
    for (const s of ['', 'x', '1,23,456', '1.2.3', '3.', '1e-3', '$5']) {
      expect(p(s), s).toBeNull();
    }
  });
});

describe('toInputValue / sameDecimal', () => {
  it('shows API decimals in the input convention', () => {
    expect(toInputValue('1234.50', 'de')).toBe('1234,50');
    expect(toInputValue('1234.50', 'en')).toBe('1234.50');
    expect(toInputValue(null, 'de')).toBe('');
  });
  it('round-trips through the parser', () => {
    for (const v of ['1234.50', '0.05', '118', '0.000000000000000001']) {
      expect(parseDecimalInput(toInputValue(v, 'de'), 'de')).toBe(v);
      expect(parseDecimalInput(toInputValue(v, 'en'), 'en')).toBe(v);
    }
  });
  it('compares decimal strings as numbers', () => {
    expect(sameDecimal('1.50', '1.5')).toBe(true);
    expect(sameDecimal('01', '1.000')).toBe(true);
    expect(sameDecimal('0', '-0.00')).toBe(true);
    expect(sameDecimal('1.5', '1.51')).toBe(false);
    expect(sameDecimal(null, '')).toBe(true);
    expect(sameDecimal(null, '0')).toBe(false);
  });
});
