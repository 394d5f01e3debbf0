// Charts (Chart.js, only the parts used are registered) and the what-if calculator.
// This module and Chart.js are loaded only when the charts page is opened.

import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ScriptableScaleContext,
} from 'chart.js';
import { api, ApiError, type History, type Portfolio, type WhatIf } from '../api';
import { errorBox, errorMessage, h, loading, tableWrap } from '../dom';
import { monthYear } from '../format';
import { getLang, t } from '../i18n';
import type { Ctx } from '../main';
import { money, moneySpan, pct, signedMoney } from '../ui';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

const PALETTE = ['#0b5cad', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#1098ad', '#e67700', '#5c940d', '#364fc7', '#a61e4d', '#495057', '#0ca678'];
const GREEN = '#2b8a3e';
const RED = '#c92a2a';
const INK = '#1f2933';
const GRID = '#e3e8ee';

Chart.defaults.color = INK;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
Chart.defaults.maintainAspectRatio = false;

export function renderCharts(root: HTMLElement, ctx: Ctx): void {
  const body = h('div', null, loading());
  root.append(h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, t('charts.title'))), body);
  const charts: Chart[] = [];
  ctx.onCleanup(() => charts.forEach((c) => c.destroy()));

  const load = async () => {
    try {
      const [p, hist] = await Promise.all([api.portfolio(), api.history().catch((): History => ({ base_currency: ctx.me.base_currency, points: [] }))]);
      const base = p.base_currency || ctx.me.base_currency;
      const grid = h('div', { class: 'charts' });
      body.replaceChildren(grid, whatIf(p, base));
      charts.push(exposureChart(grid, p, base), kindChart(grid, p), stressChart(grid, p, base), historyChart(grid, hist, base));
    } catch (err) {
      body.replaceChildren(errorBox(err, load));
    }
  };
  void load();
}

/** A titled figure with a canvas; the text alternative goes on the canvas. */
function panel(grid: HTMLElement, testid: string, title: string, desc: string, wide = false): { canvas: HTMLCanvasElement; note: HTMLElement } {
  const id = testid + '-title';
  const canvas = h('canvas', { 'data-testid': testid, role: 'img', 'aria-labelledby': id });
  const note = h('p', { class: 'muted chart-note' });
  grid.append(
    h(
      'section',
      { class: 'card chart-card' + (wide ? ' wide' : ''), 'aria-labelledby': id },
      h('h2', { id }, title),
      h('p', { class: 'muted' }, desc),
      h('div', { class: 'chart-box' }, canvas),
      note,
    ),
  );
  return { canvas, note };
}

function moneyTick(base: string) {
  return (v: string | number) => money(Number(v), base).replace(/[.,]00(?=\D*$)/, '');
}

function exposureChart(grid: HTMLElement, p: Portfolio, base: string): Chart {
  const { canvas, note } = panel(grid, 'chart-exposure', t('charts.exposure'), t('charts.exposureDesc'));
  const slices = p.networks.filter((n) => n.open && Number(n.exposure) > 0);
  const total = slices.reduce((s, n) => s + Number(n.exposure), 0);
  canvas.dataset.slices = String(slices.length);
  canvas.setAttribute('aria-label', slices.map((n) => t('charts.summary', { label: n.name, value: `${money(n.exposure, base)} (${pct(n.share ?? Number(n.exposure) / total)})` })).join('; ') || t('charts.exposureNone'));
  if (!slices.length) note.textContent = t('charts.exposureNone');
  const config: ChartConfiguration<'doughnut'> = {
    type: 'doughnut',
    data: {
      labels: slices.map((n) => n.name),
      datasets: [{ data: slices.map((n) => Number(n.exposure)), backgroundColor: slices.map((_, i) => PALETTE[i % PALETTE.length]), borderColor: '#fff', borderWidth: 2 }],
    },
    options: {
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) => {
              const n = slices[item.dataIndex];
              return ` ${n.name}: ${money(n.exposure, base)} · ${pct(n.share ?? Number(n.exposure) / total)}`;
            },
          },
        },
      },
    },
  };
  return new Chart(canvas, config);
}

function kindChart(grid: HTMLElement, p: Portfolio): Chart {
  const { canvas, note } = panel(grid, 'chart-kind', t('charts.kind'), t('charts.kindDesc'));
  const k = p.risk.by_kind;
  const labels = [t('kind.revshare'), t('kind.product')];
  const values = k ? [k.revshare, k.product] : [0, 0];
  canvas.setAttribute('aria-label', k ? labels.map((l, i) => t('charts.summary', { label: l, value: pct(values[i]) })).join('; ') : t('charts.exposureNone'));
  if (!k) note.textContent = t('charts.exposureNone');
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: { labels, datasets: [{ label: t('charts.share'), data: values, backgroundColor: [PALETTE[0], PALETTE[1]] }] },
    options: {
      indexAxis: 'y',
      scales: {
        x: { min: 0, max: 1, ticks: { callback: (v) => pct(Number(v), 0) }, grid: { color: GRID } },
        y: { grid: { display: false } },
      },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => ` ${pct(Number(item.raw))}` } } },
    },
  };
  return new Chart(canvas, config);
}

/** Grid lines, with the zero line drawn dark so gains and losses read at a glance. */
function zeroLine(ctx: ScriptableScaleContext): string {
  return ctx.tick?.value === 0 ? INK : GRID;
}
function zeroWidth(ctx: ScriptableScaleContext): number {
  return ctx.tick?.value === 0 ? 2 : 1;
}

function stressChart(grid: HTMLElement, p: Portfolio, base: string): Chart {
  const months = p.risk.horizon_months;
  const { canvas } = panel(grid, 'chart-stress', t('charts.stress'), t('charts.stressDesc', { months }), true);
  const names = new Map(p.networks.map((n) => [n.id, n.name]));
  const stress = p.risk.stress;
  const collapsedNames = (i: number) => stress[i].collapsed.map((id) => names.get(id) ?? `#${id}`);
  canvas.setAttribute('aria-label', stress.map((s) => `k=${s.k}: ${money(s.worst_case_net, base)}`).join('; '));
  const values = stress.map((s) => Number(s.worst_case_net));
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: stress.map((s) => String(s.k)),
      datasets: [{ label: t('charts.worstCase'), data: values, backgroundColor: values.map((v) => (v >= 0 ? GREEN : RED)) }],
    },
    options: {
      scales: {
        x: { title: { display: true, text: t('charts.stressAxis') }, grid: { display: false } },
        y: { beginAtZero: true, ticks: { callback: moneyTick(base) }, grid: { color: zeroLine, lineWidth: zeroWidth } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => `k = ${items[0]?.label ?? ''}`,
            label: (item) => ` ${t('charts.worstCase')}: ${signedMoney(stress[item.dataIndex].worst_case_net, base)}`,
            afterLabel: (item) => {
              const list = collapsedNames(item.dataIndex);
              return list.length ? t('charts.stressCollapsed', { names: list.join(', ') }) : t('charts.stressNone');
            },
          },
        },
      },
    },
  };
  return new Chart(canvas, config);
}

function historyChart(grid: HTMLElement, hist: History, base: string): Chart {
  const { canvas, note } = panel(grid, 'chart-history', t('charts.history'), t('charts.historyDesc'), true);
  const pts = hist.points;
  const lang = getLang();
  if (!pts.length) note.textContent = t('charts.historyNone');
  const last = pts[pts.length - 1];
  canvas.setAttribute(
    'aria-label',
    last ? `${monthYear(last.month, lang)}: ${t('charts.net')} ${money(last.net, base)}, ${t('charts.exposureSeries')} ${money(last.exposure, base)}, HHI ${last.hhi?.toFixed(2) ?? '—'}` : t('charts.historyNone'),
  );
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels: pts.map((p) => monthYear(p.month, lang)),
      datasets: [
        { label: t('charts.net'), data: pts.map((p) => Number(p.net)), borderColor: PALETTE[0], backgroundColor: PALETTE[0], yAxisID: 'y', tension: 0.2, pointRadius: 2 },
        { label: t('charts.exposureSeries'), data: pts.map((p) => Number(p.exposure)), borderColor: PALETTE[1], backgroundColor: PALETTE[1], yAxisID: 'y', tension: 0.2, pointRadius: 2 },
        { label: t('charts.hhi'), data: pts.map((p) => p.hhi), borderColor: PALETTE[3], backgroundColor: PALETTE[3], yAxisID: 'y1', borderDash: [5, 4], tension: 0.2, pointRadius: pts.length > 1 ? 0 : 3, spanGaps: false },
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
        y: { position: 'left', ticks: { callback: moneyTick(base) }, grid: { color: zeroLine, lineWidth: zeroWidth } },
        y1: { position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false }, title: { display: true, text: 'HHI' } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) => {
              const p = pts[item.dataIndex];
              if (item.datasetIndex === 2) return ` HHI: ${p.hhi === null ? '—' : p.hhi.toLocaleString(lang === 'de' ? 'de-DE' : 'en-US', { maximumFractionDigits: 2 })}`;
              return ` ${item.dataset.label}: ${money(item.datasetIndex === 0 ? p.net : p.exposure, base)}`;
            },
          },
        },
      },
    },
  };
  return new Chart(canvas, config);
}

/** What-if: collapse chosen networks, run the others for a horizon, show the end result. */
function whatIf(p: Portfolio, base: string): HTMLElement {
  const horizon = h('input', { type: 'number', id: 'whatif-horizon', min: 1, max: 600, step: 1, inputmode: 'numeric', 'data-testid': 'whatif-horizon' });
  horizon.value = String(p.risk.horizon_months || 12);
  const boxes = p.networks.map((n) => {
    const cb = h('input', { type: 'checkbox', id: 'whatif-net-' + n.id, value: n.id, 'data-testid': 'whatif-net-' + n.id });
    return { n, cb, el: h('div', { class: 'check' }, cb, h('label', { for: 'whatif-net-' + n.id }, n.name, n.open ? '' : h('small', { class: 'muted' }, ` (${t('whatif.closed')})`))) };
  });
  const result = h('div', { class: 'whatif-result', 'data-testid': 'whatif-result', role: 'status', 'aria-live': 'polite' });
  const detail = h('div', { class: 'whatif-detail' });

  let seq = 0;
  let timer = 0;
  const run = async () => {
    const my = ++seq;
    const months = Number(horizon.value);
    if (!Number.isInteger(months) || months < 1 || months > 600) {
      horizon.setAttribute('aria-invalid', 'true');
      return;
    }
    horizon.removeAttribute('aria-invalid');
    const collapse = boxes.filter((b) => b.cb.checked).map((b) => b.n.id);
    result.classList.add('busy');
    try {
      const w = await api.whatIf(collapse, months);
      if (my !== seq) return;
      showResult(w);
    } catch (err) {
      if (my !== seq) return;
      result.className = 'whatif-result';
      result.replaceChildren(h('p', { class: 'muted' }, err instanceof ApiError && err.status === 404 ? t('whatif.unavailable') : errorMessage(err)));
      detail.replaceChildren();
    } finally {
      if (my === seq) result.classList.remove('busy');
    }
  };
  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void run(), 200);
  };

  const showResult = (w: WhatIf) => {
    const neg = Number(w.end_net) < 0;
    result.className = 'whatif-result ' + (neg ? 'neg' : 'pos');
    result.dataset.sign = neg ? 'negative' : 'non-negative';
    result.replaceChildren(
      h('span', { class: 'whatif-label' }, t('whatif.result', { months: w.horizon_months })),
      h('strong', { class: 'whatif-value', 'data-testid': 'whatif-end-net' }, signedMoney(w.end_net, base)),
    );
    const th = (s: string, cls = '') => h('th', { scope: 'col', class: cls }, s);
    const table = h(
      'table',
      { class: 'data', 'data-testid': 'whatif-table' },
      h('thead', null, h('tr', null, th(t('whatif.network')), th(t('whatif.collapsed')), th(t('whatif.netNow'), 'num'), th(t('whatif.runRate'), 'num'), th(t('whatif.endNet'), 'num'))),
      h(
        'tbody',
        null,
        w.networks.map((n) =>
          h(
            'tr',
            { 'data-testid': 'whatif-row-' + n.id, class: n.collapsed ? 'collapsed' : '' },
            h('th', { scope: 'row' }, n.name, n.open ? '' : h('small', { class: 'muted' }, ` (${t('whatif.closed')})`)),
            h('td', null, n.collapsed ? t('common.yes') : t('common.no')),
            h('td', { class: 'num' }, moneySpan(n.net, base)),
            h('td', { class: 'num' }, money(n.monthly_run_rate, base)),
            h('td', { class: 'num', 'data-testid': 'whatif-end-' + n.id }, moneySpan(n.end_net, base)),
          ),
        ),
      ),
    );
    detail.replaceChildren(tableWrap(table, t('whatif.title')));
  };

  for (const b of boxes) b.cb.addEventListener('change', schedule);
  horizon.addEventListener('input', schedule);
  horizon.addEventListener('change', schedule);
  void run();

  return h(
    'section',
    { class: 'card whatif', 'aria-labelledby': 'whatif-title' },
    h('h2', { id: 'whatif-title' }, t('whatif.title')),
    h('p', { class: 'muted' }, t('whatif.intro')),
    h(
      'div',
      { class: 'whatif-controls' },
      h('fieldset', { class: 'checks' }, h('legend', null, t('whatif.collapse')), boxes.map((b) => b.el)),
      h('div', { class: 'field' }, h('label', { for: 'whatif-horizon' }, t('whatif.horizon')), horizon),
    ),
    result,
    detail,
  );
}
