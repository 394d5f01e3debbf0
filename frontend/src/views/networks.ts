import { api, type Network, type NetworkFigures } from '../api';
import { announce, errorBox, h, loading, tableWrap } from '../dom';
import { t } from '../i18n';
import type { Ctx } from '../main';
import { date, kindLabel, moneySpan, money, pct, statusChip } from '../ui';
import { networkForm } from './networkForm';

/** The networks: one row per network with its figures, and the form to add one. */
export function renderNetworks(root: HTMLElement, ctx: Ctx): void {
  const base = ctx.me.base_currency;
  const body = h('div', null, loading());
  root.append(h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, t('networks.title'))), body);

  const load = async () => {
    try {
      const [networks, p] = await Promise.all([api.networks(), api.portfolio()]);
      const figures = new Map(p.networks.map((f) => [f.id, f]));
      const form = networkForm({
        baseCurrency: base,
        onSaved: (n) => {
          announce(t('networks.created', { name: n.name }));
          void load().then(() => root.querySelector<HTMLElement>(`[data-testid="network-row-${n.id}"] a`)?.focus());
        },
      });
      body.replaceChildren(
        h('section', { class: 'card', 'aria-label': t('networks.title') }, networks.length ? networksTable(networks, figures, p.base_currency || base) : h('p', { class: 'empty' }, t('networks.empty'))),
        h('section', { class: 'card', 'aria-labelledby': 'add-network' }, h('h2', { id: 'add-network' }, t('networks.add')), form),
      );
    } catch (err) {
      body.replaceChildren(errorBox(err, load));
    }
  };
  void load();
}

/** The break-even text: reached on a day, expected on a day, or not at the current rate. */
export function breakEvenText(f: NetworkFigures | undefined): string {
  if (!f || Number(f.outlay) === 0) return '—';
  const be = f.break_even;
  if (be.reached) return be.reached_on ? t('networks.reachedOn', { date: date(be.reached_on) }) : t('networks.reached');
  if (be.projected_on) return t('networks.projectedOn', { date: date(be.projected_on) });
  return t('networks.notAtRate');
}

/** A recovery bar: returned ÷ outlay, drawn up to 100 %, the number always shown. */
export function recoveryBar(ratio: number | null): HTMLElement {
  if (ratio === null) return h('span', { class: 'muted' }, '—');
  const bar = h('span', { class: 'bar-fill' + (ratio >= 1 ? ' full' : '') });
  bar.style.width = `${Math.max(0, Math.min(1, ratio)) * 100}%`;
  return h(
    'span',
    { class: 'recovery' },
    h('span', { class: 'bar', role: 'img', 'aria-label': t('networks.recoveryLabel', { percent: pct(ratio, 0) }) }, bar),
    h('span', { class: 'bar-num' }, pct(ratio, 0)),
  );
}

function networksTable(networks: Network[], figures: Map<number, NetworkFigures>, base: string): HTMLElement {
  const th = (text: string, cls = '') => h('th', { scope: 'col', class: cls }, text);
  const table = h(
    'table',
    { class: 'data networks-table', 'data-testid': 'networks-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        th(t('common.name')),
        th(t('networks.kind')),
        th(t('networks.status')),
        th(t('networks.outlay'), 'num'),
        th(t('networks.returned'), 'num'),
        th(t('networks.net'), 'num'),
        th(t('networks.recovery')),
        th(t('networks.breakEven')),
        th(t('networks.xirr'), 'num'),
      ),
    ),
    h(
      'tbody',
      null,
      networks.map((n) => {
        const f = figures.get(n.id);
        const be = breakEvenText(f);
        return h(
          'tr',
          { 'data-testid': 'network-row-' + n.id },
          h('th', { scope: 'row' }, h('a', { href: `#/networks/${n.id}` }, n.name), n.currency !== base ? h('small', { class: 'muted' }, ' ' + n.currency) : null),
          h('td', null, kindLabel(n.kind)),
          h('td', null, statusChip(n.status)),
          h('td', { class: 'num' }, f ? money(f.outlay, base) : '—'),
          h('td', { class: 'num' }, f ? money(f.returned, base) : '—'),
          h('td', { class: 'num' }, f ? moneySpan(f.net, base) : '—'),
          h('td', null, recoveryBar(f?.recovery_ratio ?? null)),
          h('td', { class: f && !f.break_even.reached && !f.break_even.projected_on && Number(f.outlay) > 0 ? 'warn-text' : '' }, be),
          h('td', { class: 'num' }, pct(f?.xirr ?? null)),
        );
      }),
    ),
  );
  return tableWrap(table, t('networks.title'));
}
