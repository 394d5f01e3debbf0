import { api, ApiError, exportUrls, type Dialect, type EntriesImportResult, type ImportLineError } from '../api';
import { announce, clearErrors, field, formError, h, nextId, select, showFormError, tableWrap } from '../dom';
import { getLang, t } from '../i18n';
import type { Ctx } from '../main';

const YEARS = 10;

/** Export (tax CSV, tax summary, all entries, ledger journal) and the import of an entries CSV. */
export function renderExchange(root: HTMLElement, ctx: Ctx): void {
  root.append(
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, t('exchange.title'))),
    exportSection(ctx),
    importSection(),
  );
}

/** The year asked for in the route (#/export?year=2024), else last year: taxes are filed for the past year. */
function initialYear(ctx: Ctx, now: number): number {
  const requested = Number(ctx.route.params.get('year'));
  return Number.isInteger(requested) && requested > now - YEARS && requested <= now ? requested : now - 1;
}

function initialDialect(ctx: Ctx): Dialect {
  const requested = ctx.route.params.get('dialect');
  if (requested === 'de' || requested === 'intl') return requested;
  return getLang() === 'de' ? 'de' : 'intl';
}

function exportSection(ctx: Ctx): HTMLElement {
  const now = new Date().getFullYear();
  const years: [string, string][] = [];
  for (let y = now; y > now - YEARS; y--) years.push([String(y), String(y)]);
  const year = select(years, String(initialYear(ctx, now)), { 'data-testid': 'export-year' });
  const dialect = select(
    [
      ['de', t('export.dialectDe')],
      ['intl', t('export.dialectIntl')],
    ],
    initialDialect(ctx),
    { 'data-testid': 'export-dialect' },
  );

  const link = (testid: string) => h('a', { class: 'button-link', download: true, 'data-testid': testid });
  const tax = link('download-tax');
  const summary = link('download-summary');
  const entries = link('download-entries');
  const journal = link('download-journal');
  const taxDesc = h('p', { class: 'muted' });
  const summaryDesc = h('p', { class: 'muted' });

  const update = () => {
    const y = Number(year.value);
    const d: Dialect = dialect.value === 'de' ? 'de' : 'intl';
    tax.href = exportUrls.tax(y, d);
    tax.textContent = t('export.tax', { year: y });
    taxDesc.textContent = t('export.taxDesc', { year: y, base: ctx.me.base_currency });
    summary.href = exportUrls.taxSummary(y, d);
    summary.textContent = t('export.summary', { year: y });
    summaryDesc.textContent = t('export.summaryDesc', { year: y });
    entries.href = exportUrls.entries(d);
    journal.href = exportUrls.journal();
  };
  // A choice made stays in the address, so a reload or a bookmark keeps it.
  const choose = () => {
    update();
    history.replaceState(null, '', `#/export?year=${year.value}&dialect=${dialect.value}`);
  };
  entries.textContent = t('export.entries');
  journal.textContent = t('export.journal');
  year.addEventListener('change', choose);
  dialect.addEventListener('change', choose);
  update();

  const item = (a: HTMLAnchorElement, desc: HTMLElement) => {
    desc.id = nextId('dl-desc');
    a.setAttribute('aria-describedby', desc.id);
    return h('li', { class: 'download' }, a, desc);
  };

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, t('export.title')),
    h('p', { class: 'muted' }, t('export.intro')),
    h(
      'div',
      { class: 'form-grid export-pickers' },
      field({ label: t('export.year'), hint: t('export.yearHint'), name: 'year' }, year),
      field({ label: t('export.dialect'), hint: t('export.dialectHint'), name: 'dialect' }, dialect),
    ),
    h(
      'ul',
      { class: 'downloads' },
      item(tax, taxDesc),
      item(summary, summaryDesc),
      item(entries, h('p', { class: 'muted' }, t('export.entriesDesc'))),
      item(journal, h('p', { class: 'muted' }, t('export.journalDesc'))),
    ),
  );
}

function importSection(): HTMLElement {
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'data-testid': 'import-file' });
  const createId = nextId('import-create');
  const createHintId = createId + '-hint';
  const create = h('input', { type: 'checkbox', id: createId, name: 'create_networks', 'data-testid': 'import-create-networks', 'aria-describedby': createHintId });
  const dryRun = h('button', { type: 'submit', class: 'primary', 'data-testid': 'import-dry-run' }, t('import.dryRun'));
  const status = h('p', { class: 'muted', role: 'status', 'data-testid': 'import-status' });
  // What the last check or import found: a preview, a result or the problems; replaced each time.
  const outcome = h('div', { class: 'import-outcome' });

  const form = h(
    'form',
    { class: 'import-form', 'data-testid': 'import-form', novalidate: true },
    field({ label: t('import.file'), name: 'file', wide: true }, file),
    h(
      'div',
      { class: 'check-field' },
      h('div', { class: 'check' }, create, h('label', { for: createId }, t('import.createNetworks'))),
      h('small', { id: createHintId, class: 'hint' }, t('import.createNetworksHint')),
    ),
    h('div', { class: 'form-actions' }, dryRun, formError('import-message')),
  );

  let busy = false;
  const setBusy = (on: boolean, text = '') => {
    busy = on;
    dryRun.disabled = on;
    file.disabled = on;
    create.disabled = on;
    for (const b of outcome.querySelectorAll('button')) b.disabled = on;
    status.textContent = text;
  };

  const reset = () => {
    clearErrors(form);
    outcome.replaceChildren();
  };
  // A preview holds only for the file and the choice it was made with.
  file.addEventListener('change', reset);
  create.addEventListener('change', reset);

  const run = async (dry: boolean) => {
    if (busy) return;
    reset();
    const f = file.files?.[0];
    if (!f) {
      showFormError(form, new ApiError(422, 'validation_failed', '', { file: t('import.noFile') }));
      return;
    }
    setBusy(true, t(dry ? 'import.checking' : 'import.importing', { file: f.name }));
    try {
      const res = await api.importEntries(f, { dryRun: dry, createNetworks: create.checked });
      setBusy(false);
      if (dry) {
        outcome.replaceChildren(preview(res, () => void run(false)));
      } else {
        outcome.replaceChildren(result(res));
        announce(t('import.done', { n: res.added }));
      }
    } catch (err) {
      setBusy(false);
      if (!(err instanceof ApiError && err.code === 'import_failed')) {
        // An unreadable file is reported beside the file; anything else above the button.
        showFormError(form, err);
        const msg = form.querySelector<HTMLElement>('.form-error');
        if (msg && !(err instanceof ApiError && err.fields.file)) msg.textContent = t('import.error', { message: msg.textContent ?? '' });
        return;
      }
      outcome.replaceChildren(problems(err));
    }
    outcome.querySelector<HTMLElement>('h3')?.focus();
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run(true);
  });

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'import-title' },
    h('h2', { id: 'import-title' }, t('import.title')),
    h('p', { class: 'muted intro' }, t('import.intro')),
    h('p', { class: 'intro' }, t('import.rules')),
    form,
    status,
    outcome,
  );
}

function networks(names: string[]): string {
  return names.length ? t('import.networks', { n: names.length, names: names.join(', ') }) : '0';
}

function facts(rows: [label: string, value: string, testid: string][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([label, value, testid]) => [h('dt', null, label), h('dd', { 'data-testid': testid }, value)]),
  );
}

/** The dry run's answer, and the button that imports for real. */
function preview(res: EntriesImportResult, submit: () => void): HTMLElement {
  const box = h(
    'div',
    { class: 'import-box ok', 'data-testid': 'import-preview' },
    h('h3', { tabindex: -1 }, t('import.previewTitle')),
    facts([
      [t('import.toAdd'), String(res.added), 'preview-added'],
      [t('import.toSkip'), String(res.skipped), 'preview-skipped'],
      [t('import.toCreate'), networks(res.networks_created), 'preview-networks'],
    ]),
  );
  if (res.added > 0) {
    box.append(
      h('p', null, t('import.previewNext')),
      h('button', { type: 'button', class: 'primary', 'data-testid': 'import-submit', onclick: submit }, t('import.submit')),
    );
  } else {
    box.append(h('p', null, t('import.nothingNew')));
  }
  return box;
}

function result(res: EntriesImportResult): HTMLElement {
  return h(
    'div',
    { class: 'import-box ok', 'data-testid': 'import-result' },
    h('h3', { tabindex: -1 }, t('import.resultTitle')),
    facts([
      [t('import.added'), String(res.added), 'result-added'],
      [t('import.skipped'), String(res.skipped), 'result-skipped'],
      [t('import.created'), networks(res.networks_created), 'result-networks'],
    ]),
  );
}

/** A failed import: nothing was stored; every problem by line and column. */
function problems(err: ApiError): HTMLElement {
  // The API reports up to 1000 problems and counts them all in its message.
  const counted = /^(\d+) problem/.exec(err.message);
  const n = counted ? Number(counted[1]) : err.lines.length;
  const table = h(
    'table',
    { class: 'data import-errors', 'data-testid': 'import-errors' },
    h('caption', { class: 'sr-only' }, t('import.errorsTitle')),
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col', class: 'num' }, t('import.line')), h('th', { scope: 'col' }, t('import.column')), h('th', { scope: 'col' }, t('import.message'))),
    ),
    h(
      'tbody',
      null,
      err.lines.map((l: ImportLineError) =>
        h('tr', { 'data-line': l.line }, h('td', { class: 'num' }, l.line), h('td', null, l.column || '—'), h('td', { class: 'note' }, l.message)),
      ),
    ),
  );
  return h(
    'div',
    { class: 'import-box bad', 'data-testid': 'import-failed' },
    h('h3', { tabindex: -1 }, t('import.errorsTitle')),
    h('p', { class: 'warn-text', role: 'alert' }, t('import.failed', { n })),
    err.lines.length ? tableWrap(table, t('import.errorsTitle')) : null,
  );
}
