// The monthly payout log: networks × 12 months, every cell an input. Enter or leaving a cell
// saves it (PUT /payouts/monthly), Escape reverts, arrows move between cells (src/grid.ts).
// After a save the grid's sums are refreshed in place, so focus and typing are never lost.

import { api, ApiError, type PayoutCell, type PayoutLog, type PayoutRow } from '../api';
import { parseDecimalInput, sameDecimal, toInputValue } from '../decimal';
import { errorBox, errorMessage, h, liveRegion, loading, select } from '../dom';
import { formatMonthKey, monthName } from '../format';
import { leavesInput, nextPosition } from '../grid';
import { apiMessage, getLang, t } from '../i18n';
import type { Ctx } from '../main';
import { money, thisMonth } from '../ui';

interface CellRef {
  row: number;
  col: number;
  network: PayoutRow;
  month: string;
  input: HTMLInputElement;
  td: HTMLTableCellElement;
  sum: HTMLElement;
  /** The value as saved (what Escape returns to), in the input's convention. */
  saved: string;
  busy: boolean;
}

export function renderPayouts(root: HTMLElement, ctx: Ctx): void {
  const base = ctx.me.base_currency;
  const now = new Date().getFullYear();
  const requested = Number(ctx.route.params.get('year'));
  const year = Number.isInteger(requested) && requested >= 1900 && requested <= 9999 ? requested : now;

  const years: [string, string][] = [];
  for (let y = Math.max(now, year); y >= Math.min(now - 10, year); y--) years.push([String(y), String(y)]);
  const picker = select(years, String(year), { id: 'payout-year', 'data-testid': 'payout-year' });
  picker.addEventListener('change', () => {
    location.hash = `#/payouts?year=${picker.value}`;
  });

  const body = h('div', null, loading());
  const status = h('p', { class: 'grid-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'payout-status' });
  root.append(
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, t('payouts.title')), h('div', { class: 'inline-field' }, h('label', { for: 'payout-year' }, t('payouts.year')), picker)),
    h('p', { class: 'muted intro' }, t('payouts.intro', { base })),
    body,
    status,
  );

  const load = async () => {
    try {
      const log = await api.payouts(year);
      if (!log.networks.length) {
        body.replaceChildren(h('p', { class: 'empty' }, t('payouts.empty')));
        return;
      }
      new PayoutGrid(body, status, log, log.base_currency || base).render();
    } catch (err) {
      body.replaceChildren(errorBox(err, load));
    }
  };
  void load();
}

class PayoutGrid {
  private cells: CellRef[][] = [];
  private monthTotals: HTMLElement[] = [];
  private rowTotals: HTMLElement[] = [];
  private grand = h('td', { class: 'num total', 'data-testid': 'total-year' });
  private refreshSeq = 0;
  private readonly lang = getLang();
  private readonly current = thisMonth();

  constructor(
    private host: HTMLElement,
    private status: HTMLElement,
    private log: PayoutLog,
    private base: string,
  ) {}

  render(): void {
    const log = this.log;
    const head = h(
      'tr',
      null,
      h('th', { scope: 'col', class: 'sticky' }, t('payouts.network')),
      log.months.map((m) => h('th', { scope: 'col', class: 'num' }, h('abbr', { title: formatMonthKey(m, this.lang) }, monthName(m, this.lang)))),
      h('th', { scope: 'col', class: 'num' }, t('payouts.total')),
    );
    const rows = log.networks.map((n, r) => {
      const tds = n.cells.map((c, col) => this.cell(n, c, r, col));
      const total = h('td', { class: 'num total', 'data-testid': 'total-network-' + n.id }, money(n.total, this.base));
      this.rowTotals[r] = total;
      return h(
        'tr',
        { 'data-testid': 'payout-row-' + n.id },
        h('th', { scope: 'row', class: 'sticky' }, h('a', { href: `#/networks/${n.id}` }, n.name), h('small', { class: 'muted cur' }, n.currency)),
        tds,
        total,
      );
    });
    const foot = h(
      'tr',
      null,
      h('th', { scope: 'row', class: 'sticky' }, t('payouts.totals')),
      log.totals.map((tot, i) => {
        const td = h('td', { class: 'num total', 'data-testid': 'total-' + tot.month }, money(tot.amount, this.base));
        this.monthTotals[i] = td;
        return td;
      }),
      this.grand,
    );
    this.grand.textContent = money(log.total, this.base);
    const table = h(
      'table',
      { class: 'data payout-grid', 'data-testid': 'payout-grid', 'aria-describedby': 'payout-keys' },
      h('caption', { class: 'sr-only' }, `${t('payouts.title')} ${log.year}`),
      h('thead', null, head),
      h('tbody', null, rows),
      h('tfoot', null, foot),
    );
    this.host.replaceChildren(
      h('div', { class: 'table-wrap grid-wrap', role: 'region', 'aria-label': `${t('payouts.title')} ${log.year}` }, table),
      h('p', { class: 'muted legend' }, h('span', { class: 'swatch not-logged', 'aria-hidden': 'true' }), t('payouts.notLoggedLegend')),
      h('p', { class: 'muted legend', id: 'payout-keys' }, t('payouts.keys')),
    );
  }

  private cell(n: PayoutRow, c: PayoutCell, row: number, col: number): HTMLTableCellElement {
    const future = c.month > this.current;
    const value = c.line ? toInputValue(c.line.amount, this.lang) : '';
    const inputEl = h('input', {
      type: 'text',
      inputmode: 'decimal',
      autocomplete: 'off',
      class: 'cell-input',
      'data-testid': `payout-cell-${n.id}-${c.month}`,
      'data-row': row,
      'data-col': col,
      readonly: future,
      'aria-readonly': future ? 'true' : null,
    });
    inputEl.value = value;
    const sum = h('span', { class: 'cell-sum', id: `sum-${n.id}-${c.month}` });
    const td = h('td', { class: 'cell' }, inputEl, sum);
    const ref: CellRef = { row, col, network: n, month: c.month, input: inputEl, td, sum, saved: value, busy: false };
    (this.cells[row] ??= [])[col] = ref;
    this.paint(ref, c);

    inputEl.addEventListener('focus', () => inputEl.select());
    inputEl.addEventListener('keydown', (ev) => this.onKey(ref, ev));
    inputEl.addEventListener('blur', () => void this.save(ref));
    return td;
  }

  /** Draws what the API says about a cell: its sum, logged or not, and its label. */
  private paint(ref: CellRef, c: PayoutCell): void {
    const future = c.month > this.current;
    ref.td.classList.toggle('not-logged', !c.logged);
    ref.td.classList.toggle('future', future);
    ref.td.dataset.logged = String(c.logged);
    // The sum of all the month's payouts in the base currency, when it says more than the
    // input does (other payout lines, or another currency).
    const showSum = c.amount !== null && !(c.line && c.line.currency === this.base && sameDecimal(c.line.amount, c.amount));
    ref.sum.textContent = showSum ? money(c.amount, this.base) : '';
    let label = t('payouts.cellLabel', { network: ref.network.name, month: formatMonthKey(ref.month, 'en') });
    if (!c.logged) label += ', ' + t('payouts.notLogged');
    if (future) label += ', ' + t('payouts.future');
    ref.input.setAttribute('aria-label', label);
    if (showSum) ref.input.setAttribute('aria-describedby', ref.sum.id);
    else ref.input.removeAttribute('aria-describedby');
    ref.input.title = showSum ? t('payouts.sum', { amount: money(c.amount, this.base) }) + ` · ${ref.network.currency}` : ref.network.currency;
  }

  private onKey(ref: CellRef, ev: KeyboardEvent): void {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      ref.input.value = ref.saved;
      ref.td.classList.remove('error');
      ref.input.removeAttribute('aria-invalid');
      ref.input.select();
      return;
    }
    const rows = this.cells.length;
    const cols = this.cells[0]?.length ?? 0;
    const input = ref.input;
    if (!leavesInput(ev.key, input.selectionStart, input.selectionEnd, input.value.length)) return;
    const next = nextPosition({ row: ref.row, col: ref.col }, ev, rows, cols);
    if (!next) return;
    ev.preventDefault();
    if (ev.key === 'Enter') {
      // A value that is not a number stays in its cell, marked, until it is fixed or reverted.
      const text = input.value.trim();
      if (text !== '' && parseDecimalInput(text, this.lang) === null) {
        void this.save(ref);
        return;
      }
      // Enter saves even where it cannot move (the last row); blur saves on a move.
      void this.save(ref);
    }
    const target = this.cells[next.row]?.[next.col];
    if (target && target !== ref) target.input.focus();
  }

  private say(msg: string, error = false): void {
    this.status.classList.toggle('error', error);
    this.status.textContent = msg;
    liveRegion().textContent = msg;
  }

  /** Saves a cell whose text differs from what was saved; "" removes the log line. */
  private async save(ref: CellRef): Promise<void> {
    const text = ref.input.value.trim();
    if (ref.busy || text === ref.saved.trim() || ref.input.readOnly) return;
    const monthLabel = formatMonthKey(ref.month, this.lang);
    const who = { network: ref.network.name, month: monthLabel };
    const cellData = ref.network.cells[ref.col];
    let amount: string | null = null;
    if (text !== '') {
      amount = parseDecimalInput(text, this.lang);
      if (amount === null) {
        this.fail(ref, t('payouts.failed', { ...who, message: t('error.invalidNumber', { example: this.lang === 'de' ? '118,40' : '118.40' }) }));
        return;
      }
      if (cellData.line && sameDecimal(amount, cellData.line.amount)) {
        ref.input.value = ref.saved;
        return;
      }
    } else if (!cellData.line) {
      return;
    }
    ref.busy = true;
    ref.td.classList.add('saving');
    try {
      if (amount === null) {
        await api.deleteEntry(cellData.line!.id);
        this.say(t('payouts.cleared', who));
      } else {
        await api.putPayout(ref.network.id, ref.month, amount);
        this.say(t('payouts.saved', who));
      }
      const shown = amount === null ? '' : toInputValue(amount, this.lang);
      ref.saved = shown;
      if (document.activeElement !== ref.input || ref.input.value.trim() === text) ref.input.value = shown;
      ref.td.classList.remove('error');
      ref.input.removeAttribute('aria-invalid');
      ref.td.classList.add('saved');
      window.setTimeout(() => ref.td.classList.remove('saved'), 1200);
      await this.refresh();
    } catch (err) {
      const msg = err instanceof ApiError ? Object.values(err.fields).map(apiMessage).join('; ') || errorMessage(err) : errorMessage(err);
      this.fail(ref, t('payouts.failed', { ...who, message: msg }));
    } finally {
      ref.busy = false;
      ref.td.classList.remove('saving');
    }
  }

  private fail(ref: CellRef, msg: string): void {
    ref.td.classList.add('error');
    ref.input.setAttribute('aria-invalid', 'true');
    this.say(msg, true);
  }

  /** Reloads the year and updates sums, totals and reminders without touching the inputs. */
  private async refresh(): Promise<void> {
    const seq = ++this.refreshSeq;
    let log: PayoutLog;
    try {
      log = await api.payouts(this.log.year);
    } catch {
      return;
    }
    if (seq !== this.refreshSeq || !this.host.isConnected) return;
    const byId = new Map(log.networks.map((n) => [n.id, n]));
    this.cells.forEach((row) => {
      for (const ref of row) {
        const fresh = byId.get(ref.network.id);
        if (!fresh) continue;
        const c = fresh.cells[ref.col];
        ref.network.cells[ref.col] = c;
        this.paint(ref, c);
        const value = c.line ? toInputValue(c.line.amount, this.lang) : '';
        // A cell being edited keeps what the user typed; the others show the saved line.
        if (document.activeElement !== ref.input && !ref.busy) {
          ref.input.value = value;
          ref.saved = value;
        } else if (ref.input.value.trim() === ref.saved.trim()) {
          ref.saved = value;
          ref.input.value = value;
        }
      }
    });
    log.networks.forEach((n) => {
      const r = this.log.networks.findIndex((x) => x.id === n.id);
      if (r >= 0 && this.rowTotals[r]) this.rowTotals[r].textContent = money(n.total, this.base);
    });
    log.totals.forEach((tot, i) => {
      if (this.monthTotals[i]) this.monthTotals[i].textContent = money(tot.amount, this.base);
    });
    this.grand.textContent = money(log.total, this.base);
  }
}
