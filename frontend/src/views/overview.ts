import { api, type Portfolio, type Rule } from '../api';
import { errorBox, h, loading } from '../dom';
import { t, type Key } from '../i18n';
import type { Ctx } from '../main';
import { date, money, moneySpan, num, pct, timestamp } from '../ui';

/** The overview: every figure from one GET /api/v1/portfolio. */
export function renderOverview(root: HTMLElement, _ctx: Ctx): void {
  const heading = h('h1', { tabindex: -1 }, t('overview.title'));
  const sub = h('p', { class: 'muted subtitle' });
  const body = h('div', null, loading());
  root.append(h('div', { class: 'page-head' }, heading, sub), body);

  const load = async () => {
    body.replaceChildren(loading());
    try {
      const p = await api.portfolio();
      sub.textContent = `${t('common.asOf', { date: date(p.as_of) })} · ${t('overview.computedAt', { time: timestamp(p.computed_at) })}`;
      body.replaceChildren(kpis(p), more(p), rules(p));
    } catch (err) {
      body.replaceChildren(errorBox(err, load));
    }
  };
  void load();
}

function kpi(testid: string, label: string, value: Node | string, hint?: string, cls = ''): HTMLElement {
  const labelId = 'lbl-' + testid;
  return h(
    'section',
    { class: 'kpi ' + cls, 'aria-labelledby': labelId },
    h('h2', { class: 'kpi-label', id: labelId }, label),
    h('p', { class: 'kpi-value', 'data-testid': testid }, value),
    hint ? h('p', { class: 'kpi-hint' }, hint) : null,
  );
}

function kpis(p: Portfolio): HTMLElement {
  const base = p.base_currency;
  const tot = p.totals;
  const be = p.break_even_count;
  const risk = p.risk;
  const survivable =
    risk.survivable_collapses < 0
      ? kpi('kpi-survivable', t('overview.survivable'), t('common.none'), t('overview.survivableNegative'), 'bad')
      : kpi('kpi-survivable', t('overview.survivable'), String(risk.survivable_collapses), t('overview.survivableHint', { months: risk.horizon_months }));
  return h(
    'div',
    { class: 'kpis' },
    kpi('kpi-net', t('overview.net'), moneySpan(tot.net, base), t('overview.netHint', { returned: money(tot.returned, base), outlay: money(tot.outlay, base) }), 'kpi-main'),
    kpi('kpi-capital-at-risk', t('overview.capitalAtRisk'), money(tot.capital_at_risk, base), t('overview.capitalAtRiskHint')),
    kpi('kpi-exposure', t('overview.exposure'), money(tot.exposure, base), t('overview.exposureHint', { balance: money(tot.balance, base) })),
    kpi('kpi-paid-back', t('overview.paidBack'), be.total > 0 ? t('overview.paidBackValue', { reached: be.reached, total: be.total }) : t('overview.paidBackNone')),
    kpi(
      'kpi-effective',
      t('overview.effective'),
      risk.effective_networks === null ? '—' : num(risk.effective_networks, 1),
      risk.effective_networks === null ? t('overview.effectiveNone') : t('overview.effectiveHint', { n: num(risk.effective_networks, 1) }),
    ),
    survivable,
  );
}

function more(p: Portfolio): HTMLElement {
  const base = p.base_currency;
  const mix = p.income_mix;
  const row = (label: string, value: string, testid: string) => [h('dt', null, label), h('dd', { 'data-testid': testid }, value)];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'more-title' },
    h('h2', { id: 'more-title' }, t('overview.more')),
    h(
      'dl',
      { class: 'facts' },
      row(t('overview.outlay'), money(p.totals.outlay, base), 'total-outlay'),
      row(t('overview.returned'), money(p.totals.returned, base), 'total-returned'),
      row(t('overview.loss'), money(p.totals.loss, base), 'total-loss'),
      row(t('overview.xirr'), pct(p.totals.xirr), 'total-xirr'),
      row(
        t('overview.incomeMix'),
        mix ? t('overview.incomeMixValue', { active: pct(mix.active, 0), passive: pct(mix.passive, 0), capital: pct(mix.capital, 0) }) : '—',
        'income-mix',
      ),
    ),
  );
}

const RATIO_RULES = new Set(['single_network_share', 'income_mix', 'commitments_covered']);

function ruleValue(r: Rule, v: number | null): string {
  if (v === null) return '—';
  if (RATIO_RULES.has(r.id)) return pct(v, 0);
  if (r.id === 'payouts_overdue') return t('rule.days', { n: num(v, 0) });
  return num(v, 2);
}

function ruleTitle(id: string): string {
  const key = ('rule.' + id) as Key;
  const text = t(key);
  return text === key ? id : text;
}

const ICONS = { pass: '✓', warn: '!', fail: '✗' } as const;

function rules(p: Portfolio): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'rules-title' },
    h('h2', { id: 'rules-title' }, t('overview.rules')),
    h('p', { class: 'muted' }, t('overview.rulesIntro')),
    h(
      'ul',
      { class: 'rules', 'data-testid': 'rules' },
      p.rules.map((r) =>
        h(
          'li',
          { class: 'rule rule-' + r.status },
          h(
            'span',
            { class: 'badge badge-' + r.status, 'data-testid': 'rule-' + r.id, 'data-status': r.status },
            h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, ICONS[r.status] ?? '?'),
            ' ',
            t(`rule.${r.status}`),
          ),
          h(
            'div',
            { class: 'rule-text' },
            h('strong', null, ruleTitle(r.id)),
            h('span', { class: 'rule-message' }, r.message),
            h('small', { class: 'muted' }, t('overview.ruleValue', { value: ruleValue(r, r.value), limit: ruleValue(r, r.limit) })),
          ),
        ),
      ),
    ),
  );
}
