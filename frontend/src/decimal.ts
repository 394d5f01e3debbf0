// What a user types as an amount, turned into the API's decimal string — never through a
// float. German input uses a decimal comma and dots (or spaces) for thousands; English the
// other way round. Input in the other convention is understood where it is unambiguous.

import type { Lang } from './format';

const SEPARATORS: Record<Lang, { decimal: string; group: string }> = {
  de: { decimal: ',', group: '.' },
  en: { decimal: '.', group: ',' },
};

/** Whether groups (the integer part split at the separator) are valid thousands groups. */
function validGroups(groups: string[]): boolean {
  if (groups.length < 2) return false;
  if (!/^\d{1,3}$/.test(groups[0]) || groups[0].startsWith('0')) return false;
  return groups.slice(1).every((g) => /^\d{3}$/.test(g));
}

/**
 * Parses an amount typed in lang's convention into a decimal string with a point:
 * "1.234,56" (de) → "1234.56", "1,234.56" (en) → "1234.56", "12,5" (de) → "12.5".
 * Spaces (also non-breaking) may group thousands; a leading minus or plus sign is kept
 * (the API decides what it accepts). Digits are kept as typed: "0,50" → "0.50".
 * Returns null for anything that is not a number: "", "abc", "1,2,3", "1e5", "12 €".
 */
export function parseDecimalInput(input: string, lang: Lang): string | null {
  let s = input.trim().replace(/[\u00a0\u202f\u2009 ]/g, ' ');
  if (s === '') return null;
  let sign = '';
  if (s[0] === '-' || s[0] === '+' || s[0] === '\u2212') {
    sign = s[0] === '+' ? '' : '-';
    s = s.slice(1).trim();
  }
  // Spaces only as thousands separators: "1 234,56".
  if (s.includes(' ')) {
    const parts = s.split(' ');
    const last = parts[parts.length - 1];
    const head = parts.slice(0, -1);
    const lastInt = last.split(/[.,]/)[0];
    if (!validGroups([...head, lastInt]) || /[.,]/.test(head.join(''))) return null;
    s = head.join('') + last;
  }
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return null;

  const { decimal, group } = SEPARATORS[lang];
  const hasDot = s.includes('.');
  const hasComma = s.includes(',');
  let intPart: string;
  let fracPart = '';

  if (hasDot && hasComma) {
    // Both: the last one is the decimal separator, the other groups thousands.
    const dec = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    const grp = dec === '.' ? ',' : '.';
    const at = s.lastIndexOf(dec);
    const head = s.slice(0, at);
    fracPart = s.slice(at + 1);
    if (head.includes(dec) || !validGroups(head.split(grp))) return null;
    intPart = head.split(grp).join('');
  } else if (hasDot || hasComma) {
    const sep = hasDot ? '.' : ',';
    const parts = s.split(sep);
    if (parts.length > 2) {
      // Several: thousands separators only ("1.234.567").
      if (!validGroups(parts)) return null;
      intPart = parts.join('');
    } else if (sep === decimal) {
      [intPart, fracPart] = parts;
    } else if (sep === group && validGroups(parts)) {
      // "1.234" in German is one thousand two hundred thirty-four.
      intPart = parts.join('');
    } else {
      // The other convention's decimal separator, unambiguous: "12.5" or "0.05" in German.
      [intPart, fracPart] = parts;
    }
  } else {
    intPart = s;
  }

  if (!/^\d*$/.test(intPart) || !/^\d*$/.test(fracPart)) return null;
  if (intPart === '' && fracPart === '') return null;
  // "5," or "5." has a separator and nothing after it: refuse rather than guess.
  if ((hasDot || hasComma) && fracPart === '' && /[.,]$/.test(s)) return null;
  if (intPart === '') intPart = '0';
  intPart = intPart.replace(/^0+(?=\d)/, '');
  const out = fracPart ? `${intPart}.${fracPart}` : intPart;
  return sign && /[1-9]/.test(out) ? sign + out : out;
}

/**
 * An API decimal string as the value of an input in lang's convention, without grouping so
 * that it reads back unchanged: "1234.50" → "1234,50" (de), "1234.50" (en).
 */
export function toInputValue(api: string | null | undefined, lang: Lang): string {
  if (api === null || api === undefined) return '';
  return lang === 'de' ? api.replace('.', ',') : api;
}

/** Whether two API decimal strings are the same number ("1.50" and "1.5"). */
export function sameDecimal(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (s: string | null | undefined): string | null => {
    if (s === null || s === undefined || s === '') return null;
    let [i, f = ''] = s.replace(/^\+/, '').split('.');
    let neg = false;
    if (i.startsWith('-')) {
      neg = true;
      i = i.slice(1);
    }
    i = i.replace(/^0+/, '') || '0';
    f = f.replace(/0+$/, '');
    const v = f ? `${i}.${f}` : i;
    return neg && v !== '0' ? '-' + v : v;
  };
  return norm(a) === norm(b);
}
