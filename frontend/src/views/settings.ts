import { api, ApiError, type Rate, type Token } from '../api';
import { announce, clearErrors, confirmDialog, errorBox, errorMessage, field, formError, h, input, loading, showFormError, tableWrap } from '../dom';
import { t } from '../i18n';
import type { Ctx } from '../main';
import { date, decimal, timestamp } from '../ui';

const MAX_RATES = 500;

/** Settings: the account, API tokens and exchange rates. */
export function renderSettings(root: HTMLElement, ctx: Ctx): void {
  root.append(
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, t('settings.title'))),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'account-title' },
      h('h2', { id: 'account-title' }, t('settings.account')),
      h('p', null, t('settings.accountText', { user: ctx.me.username, base: ctx.me.base_currency })),
    ),
    tokensSection(),
    ratesSection(),
  );
}

function tokensSection(): HTMLElement {
  const list = h('div', null, loading());
  const secretBox = h('div', { class: 'secret-box', hidden: true });
  const name = input({ maxlength: 200, autocomplete: 'off', 'data-testid': 'token-name', required: true });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'token-submit' }, t('tokens.create'));
  const form = h('form', { class: 'inline-form', 'data-testid': 'token-form', novalidate: true }, field({ label: t('tokens.name'), name: 'name' }, name), submit, formError());

  const load = async () => {
    try {
      const tokens = await api.tokens();
      list.replaceChildren(tokens.length ? tokenTable(tokens, load) : h('p', { class: 'empty' }, t('tokens.empty')));
    } catch (err) {
      list.replaceChildren(errorBox(err, load));
    }
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const tok = await api.createToken(name.value.trim());
      name.value = '';
      showSecret(secretBox, tok);
      await load();
    } catch (err) {
      showFormError(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  void load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'tokens-title' },
    h('h2', { id: 'tokens-title' }, t('tokens.title')),
    h('p', { class: 'muted' }, t('tokens.intro')),
    form,
    secretBox,
    list,
  );
}

/** Shows a new token once; it lives only in this element and is gone on leaving the page. */
function showSecret(box: HTMLElement, tok: Token): void {
  const code = h('code', { class: 'secret', 'data-testid': 'token-new-secret', tabindex: 0 }, tok.token ?? '');
  const note = h('p', { class: 'muted', role: 'status' });
  const copy = h('button', { type: 'button', 'data-testid': 'token-copy' }, t('tokens.copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(tok.token ?? '');
      note.textContent = t('tokens.copied');
    } catch {
      const range = document.createRange();
      range.selectNodeContents(code);
      const sel = window.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
      note.textContent = t('tokens.copyFailed');
    }
  });
  const dismiss = h('button', { type: 'button', class: 'link', onclick: () => { box.replaceChildren(); box.hidden = true; } }, t('common.close'));
  box.replaceChildren(
    h('h3', { tabindex: -1 }, t('tokens.newTitle', { name: tok.name })),
    h('p', { class: 'warn-text' }, t('tokens.newHint')),
    h('div', { class: 'secret-row' }, code, copy, dismiss),
    note,
  );
  box.hidden = false;
  box.querySelector<HTMLElement>('h3')?.focus();
}

function tokenTable(tokens: Token[], reload: () => Promise<void>): HTMLElement {
  const table = h(
    'table',
    { class: 'data', 'data-testid': 'tokens-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('common.name')), h('th', { scope: 'col' }, t('tokens.created')), h('th', { scope: 'col' }, t('common.actions')))),
    h(
      'tbody',
      null,
      tokens.map((tok) =>
        h(
          'tr',
          { 'data-testid': 'token-row-' + tok.id },
          h('td', null, tok.name || '—'),
          h('td', null, timestamp(tok.created_at)),
          h(
            'td',
            null,
            h(
              'button',
              {
                type: 'button',
                class: 'small danger-outline',
                'data-testid': 'token-delete-' + tok.id,
                'aria-label': `${t('common.delete')}: ${tok.name}`,
                onclick: async () => {
                  const ok = await confirmDialog({ title: t('common.delete'), message: t('tokens.deleteConfirm', { name: tok.name }), confirm: t('common.delete'), danger: true });
                  if (!ok) return;
                  try {
                    await api.deleteToken(tok.id);
                    announce(t('common.deleted'));
                    await reload();
                  } catch (err) {
                    announce(errorMessage(err));
                  }
                },
              },
              t('common.delete'),
            ),
          ),
        ),
      ),
    ),
  );
  return tableWrap(table, t('tokens.title'));
}

function daysAgo(n: number): string {
  const d = new Date(Date.now() - n * 86400000);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function ratesSection(): HTMLElement {
  const list = h('div', null, loading());
  const currency = input({ maxlength: 10, autocapitalize: 'characters', spellcheck: 'false', autocomplete: 'off', class: 'upper', 'data-testid': 'rates-currency' });
  const from = input({ type: 'date', 'data-testid': 'rates-from' });
  from.value = daysAgo(30);
  const to = input({ type: 'date', 'data-testid': 'rates-to' });
  const filter = h(
    'form',
    { class: 'inline-form', 'data-testid': 'rates-filter', role: 'search' },
    field({ label: t('rates.currency'), name: 'currency' }, currency),
    field({ label: t('rates.from'), name: 'from' }, from),
    field({ label: t('rates.to'), name: 'to' }, to),
    h('button', { type: 'submit' }, t('rates.filter')),
    formError(),
  );

  const load = async () => {
    clearErrors(filter);
    list.replaceChildren(loading());
    try {
      const rates = await api.rates(currency.value.trim().toUpperCase() || undefined, from.value || undefined, to.value || undefined);
      list.replaceChildren(ratesTable(rates));
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        showFormError(filter, err);
        list.replaceChildren();
      } else list.replaceChildren(errorBox(err, load));
    }
  };
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    currency.value = currency.value.trim().toUpperCase();
    void load();
  });

  const file = h('input', { type: 'file', id: 'rates-import-file', accept: '.csv,.xml,text/csv,application/xml,text/xml', 'data-testid': 'rates-import-file' });
  const result = h('p', { class: 'import-result', role: 'status', 'aria-live': 'polite', 'data-testid': 'rates-import-result' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    result.className = 'import-result';
    result.textContent = t('rates.importing', { file: f.name });
    file.disabled = true;
    try {
      const r = await api.importRates(f);
      result.classList.add('ok');
      result.textContent =
        r.stored > 0
          ? t('rates.imported', { n: r.stored, currencies: r.currencies ?? '?', from: date(r.from), to: date(r.to) })
          : t('rates.importedNone');
      void load();
    } catch (err) {
      result.classList.add('bad');
      const detail = err instanceof ApiError && err.fields.file ? err.fields.file : errorMessage(err);
      result.textContent = t('rates.importFailed', { message: detail });
    } finally {
      file.disabled = false;
      file.value = '';
    }
  });

  void load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'rates-title' },
    h('h2', { id: 'rates-title' }, t('rates.title')),
    h('p', { class: 'muted' }, t('rates.intro')),
    h(
      'div',
      { class: 'import' },
      h('h3', null, t('rates.import')),
      h('div', { class: 'field' }, h('label', { for: 'rates-import-file' }, t('rates.importFile')), file, h('small', { class: 'hint' }, t('rates.importHint'))),
      result,
    ),
    filter,
    list,
  );
}

function ratesTable(rates: Rate[]): HTMLElement {
  if (!rates.length) return h('p', { class: 'empty', 'data-testid': 'rates-table' }, t('rates.empty'));
  const sorted = [...rates].sort((a, b) => (a.date === b.date ? a.currency.localeCompare(b.currency) : a.date < b.date ? 1 : -1));
  const shown = sorted.slice(0, MAX_RATES);
  const table = h(
    'table',
    { class: 'data rates-table', 'data-testid': 'rates-table' },
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col' }, t('common.date')), h('th', { scope: 'col' }, t('rates.currency')), h('th', { scope: 'col', class: 'num' }, t('rates.unitsPerEur')), h('th', { scope: 'col' }, t('rates.shared'))),
    ),
    h(
      'tbody',
      null,
      shown.map((r) =>
        h('tr', null, h('td', { class: 'nowrap' }, date(r.date)), h('td', null, r.currency), h('td', { class: 'num' }, decimal(r.units_per_eur)), h('td', null, r.shared ? t('rates.sharedYes') : t('rates.sharedNo'))),
      ),
    ),
  );
  return h(
    'div',
    null,
    tableWrap(table, t('rates.title')),
    sorted.length > shown.length ? h('p', { class: 'muted' }, t('rates.more', { shown: shown.length, total: sorted.length })) : null,
  );
}
