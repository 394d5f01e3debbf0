import { describe, expect, it } from 'vitest';
import { apiMessagesDe, de, detectLang, en, translate, type Key } from './i18n';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have the same keys in both languages', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
  it('have no empty text', () => {
    for (const [k, v] of [...Object.entries(en), ...Object.entries(de)]) {
      expect(v.trim(), k).not.toBe('');
    }
  });
  it('use the same placeholders in both languages', () => {
    for (const k of Object.keys(en) as Key[]) {
      expect(placeholders(de[k]), k).toEqual(placeholders(en[k]));
    }
  });
  it('translate the API messages into German only where they differ', () => {
    for (const [msg, text] of Object.entries(apiMessagesDe)) {
      expect(text, msg).not.toBe(msg);
    }
  });
});

describe('translate', () => {
  it('fills in placeholders', () => {
    expect(translate('en', 'overview.paidBackValue', { reached: 3, total: 5 })).toBe('3 of 5 networks paid back');
    expect(translate('de', 'overview.paidBackValue', { reached: 3, total: 5 })).toBe('3 von 5 Netzwerken haben sich amortisiert');
    expect(translate('de', 'networks.notAtRate')).toBe('beim aktuellen Tempo nicht');
    expect(translate('en', 'networks.notAtRate')).toBe('not at the current rate');
  });
  it('leaves unknown placeholders alone', () => {
    expect(translate('en', 'payouts.cellLabel', { network: 'A' })).toBe('A, {month}');
  });
});

describe('detectLang', () => {
  it('prefers a stored choice', () => {
    expect(detectLang(['en-US'], 'de')).toBe('de');
    expect(detectLang(['de-DE'], 'en')).toBe('en');
  });
  it('reads the browser languages', () => {
    expect(detectLang(['de-AT', 'en'], null)).toBe('de');
    expect(detectLang(['de'], null)).toBe('de');
    expect(detectLang(['en-GB', 'de'], null)).toBe('en');
    expect(detectLang(['fr-FR', 'de-CH'], null)).toBe('de');
    expect(detectLang(['fr-FR'], null)).toBe('en');
    expect(detectLang([], 'xx')).toBe('en');
    expect(detectLang(['dex'], null)).toBe('en');
  });
});
