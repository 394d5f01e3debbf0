import { api, ApiError, ENTRY_KINDS, INCOME_CLASSES, type Entry, type Network, type NetworkFigures } from '../api';
import { parseDecimalInput, sameDecimal, toInputValue } from '../decimal';
import { announce, clearErrors, confirmDialog, errorBox, errorMessage, field, formError, h, input, loading, select, setFieldErrors, showFormError, tableWrap } from '../dom';
import { getLang, t } from '../i18n';
import type { Ctx } from '../main';
import { amount, classLabel, date, entryKindLabel, money, moneySpan, pct, statusChip, today } from '../ui';
import { breakEvenText, recoveryBar } from './networks';
import { networkForm } from './networkForm';

const PAGE = 50;

/** One network: its figures, its entries (paginated, editable) and its settings. */
export function renderNetwork(root: HTMLElement, ctx: Ctx): void {
  const id = ctx.route.id!;
  const base = ctx.me.base_currency;
  const heading = h('h1', { tabindex: -1 }, t('network.title'));
  const chip = h('span');
  const body = h('div', null, loading());
  root.append(
    h('p', { class: 'crumb' }, h('a', { href: '#/networks' }, '← ' + t('network.back'))),
    h('div', { class: 'page-head' }, heading, chip),
    body,
  );

  const load = async () => {
    try {
      const [network, p, page] = await Promise.all([api.network(id), api.portfolio(), api.entries(id, null, PAGE)]);
      const view = new NetworkView(root, body, network, base, page.items, page.next_cursor);
      heading.textContent = network.name;
      chip.replaceChildren(statusChip(network.status));
      document.title = `${network.name} · ${t('app.name')}`;
      view.setFigures(p.networks.find((f) => f.id === id));
      view.render();
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        body.replaceChildren(h('p', { class: 'error-box', role: 'alert' }, t('error.notFound')));
        return;
      }
      body.replaceChildren(errorBox(err, load));
    }
  };
  void load();
}

class NetworkView {
  private figuresBox = h('section', { class: 'card', 'aria-labelledby': 'figures-title' });
  private entriesBox = h('section', { class: 'card', 'aria-labelledby': 'entries-title' });
  private formBox = h('section', { class: 'card', 'aria-labelledby': 'entry-form-title' });
  private settingsBox = h('section', { class: 'card', 'aria-labelledby': 'network-edit-title' });
  private tbody = h('tbody');
  private more = h('div', { class: 'more' });

  constructor(
    private root: HTMLElement,
    private body: HTMLElement,
    private network: Network,
    private base: string,
    private entries: Entry[],
    private cursor: string | null,
  ) {}

  render(): void {
    this.body.replaceChildren(this.figuresBox, this.formBox, this.entriesBox, this.settingsBox);
    this.renderEntries();
    this.showEntryForm(null);
    this.renderSettings();
  }

  setFigures(f: NetworkFigures | undefined): void {
    const base = this.base;
    const row = (label: string, value: Node | string) => [h('dt', null, label), h('dd', null, value)];
    this.figuresBox.replaceChildren(
      h('h2', { id: 'figures-title' }, t('network.figures')),
      f
        ? h(
            'dl',
            { class: 'facts facts-grid', 'data-testid': 'network-figures' },
            row(t('networks.outlay'), money(f.outlay, base)),
            row(t('networks.returned'), money(f.returned, base)),
            row(t('networks.net'), moneySpan(f.net, base)),
            row(t('networks.recovery'), recoveryBar(f.recovery_ratio)),
            row(t('overview.capitalAtRisk'), money(f.capital_at_risk, base)),
            row(t('network.balance'), money(f.balance, base)),
            row(t('overview.exposure'), money(f.exposure, base)),
            row(t('network.loss'), money(f.loss, base)),
            row(t('network.share'), pct(f.share)),
            row(t('networks.breakEven'), breakEvenText(f)),
            row(t('network.runRate'), money(f.break_even.monthly_run_rate, base)),
            row(t('networks.xirr'), pct(f.xirr)),
            row(t('network.xirrWithBalance'), pct(f.xirr_with_balance)),
          )
        : h('p', { class: 'muted' }, t('network.noFigures')),
    );
  }

  private async refreshFigures(): Promise<void> {
    try {
      const p = await api.portfolio();
      this.setFigures(p.networks.find((f) => f.id === this.network.id));
    } catch {
      /* the figures stay as they were; the entry itself is saved */
    }
  }

  private async reloadEntries(): Promise<void> {
    const page = await api.entries(this.network.id, null, PAGE);
    this.entries = page.items;
    this.cursor = page.next_cursor;
    this.renderEntries();
  }

  private renderEntries(): void {
    const th = (text: string, cls = '') => h('th', { scope: 'col', class: cls }, text);
    const table = h(
      'table',
      { class: 'data entries-table', 'data-testid': 'entries-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          th(t('common.date')),
          th(t('entries.kind')),
          th(t('entries.amount'), 'num'),
          th(t('entries.base', { base: this.base }), 'num'),
          th(t('entries.class')),
          th(t('entries.note')),
          th(t('common.actions')),
        ),
      ),
      this.tbody,
    );
    this.fillRows();
    this.entriesBox.replaceChildren(
      h('h2', { id: 'entries-title' }, t('entries.title')),
      tableWrap(table, t('entries.title')),
      this.more,
    );
    this.renderMore();
  }

  private fillRows(): void {
    if (!this.entries.length) {
      this.tbody.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: 7, class: 'empty' }, t('entries.empty'))));
      return;
    }
    this.tbody.replaceChildren(
      ...this.entries.map((e) =>
        h(
          'tr',
          { 'data-testid': 'entry-row-' + e.id },
          h('td', { class: 'nowrap' }, date(e.date)),
          h('td', null, entryKindLabel(e.kind)),
          h('td', { class: 'num' }, amount(e.amount, e.currency)),
          h('td', { class: 'num' }, money(e.base_amount, this.base)),
          h('td', null, e.income_class ? classLabel(e.income_class) : ''),
          h('td', { class: 'note' }, e.note),
          h(
            'td',
            { class: 'row-actions' },
            h('button', { type: 'button', class: 'small', 'data-testid': 'entry-edit-' + e.id, 'aria-label': `${t('common.edit')}: ${entryKindLabel(e.kind)} ${date(e.date)}`, onclick: () => this.showEntryForm(e) }, t('common.edit')),
            h('button', { type: 'button', class: 'small danger-outline', 'data-testid': 'entry-delete-' + e.id, 'aria-label': `${t('common.delete')}: ${entryKindLabel(e.kind)} ${date(e.date)}`, onclick: () => void this.deleteEntry(e) }, t('common.delete')),
          ),
        ),
      ),
    );
  }

  private renderMore(): void {
    const count = h('span', { class: 'muted' }, this.entries.length ? t('entries.count', { n: this.entries.length }) : '');
    if (!this.cursor) {
      this.more.replaceChildren(count);
      return;
    }
    const btn = h('button', { type: 'button', 'data-testid': 'entries-more' }, t('common.loadMore'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const page = await api.entries(this.network.id, this.cursor, PAGE);
        const firstNew = page.items[0]?.id;
        this.entries.push(...page.items);
        this.cursor = page.next_cursor;
        this.fillRows();
        this.renderMore();
        if (firstNew) this.tbody.querySelector<HTMLElement>(`[data-testid="entry-edit-${firstNew}"]`)?.focus();
      } catch (err) {
        btn.disabled = false;
        announce(errorMessage(err));
      }
    });
    this.more.replaceChildren(count, btn);
  }

  private async deleteEntry(e: Entry): Promise<void> {
    const ok = await confirmDialog({
      title: t('common.delete'),
      message: t('entries.deleteConfirm', { kind: entryKindLabel(e.kind), date: date(e.date), amount: amount(e.amount, e.currency) }),
      confirm: t('common.delete'),
      danger: true,
    });
    if (!ok) return;
    try {
      await api.deleteEntry(e.id);
      this.entries = this.entries.filter((x) => x.id !== e.id);
      this.renderEntries();
      announce(t('common.deleted'));
      void this.refreshFigures();
      this.entriesBox.querySelector<HTMLElement>('h2')?.setAttribute('tabindex', '-1');
      this.entriesBox.querySelector<HTMLElement>('h2')?.focus();
    } catch (err) {
      announce(errorMessage(err));
    }
  }

  /** The entry form: adding when entry is null, else editing it (PATCH of changed keys). */
  private showEntryForm(entry: Entry | null): void {
    const lang = getLang();
    const n = this.network;
    const dateIn = input({ type: 'date', required: true });
    dateIn.value = entry?.date ?? today();
    const kind = select(ENTRY_KINDS.map((k) => [k, entryKindLabel(k)]), entry?.kind ?? 'payout');
    const amountIn = input({ inputmode: 'decimal', required: true, autocomplete: 'off' });
    amountIn.value = toInputValue(entry?.amount ?? null, lang);
    const currency = input({ maxlength: 10, autocapitalize: 'characters', spellcheck: 'false', autocomplete: 'off' });
    currency.value = entry?.currency ?? n.currency;
    const baseIn = input({ inputmode: 'decimal', autocomplete: 'off' });
    baseIn.value = entry ? toInputValue(entry.base_amount, lang) : '';
    const klass = select([['', t('field.income_classDefault')], ...INCOME_CLASSES.map((c): [string, string] => [c, classLabel(c)])], entry?.income_class ?? '');
    const note = input({ maxlength: 10000, autocomplete: 'off' });
    note.value = entry?.note ?? '';
    const ext = input({ maxlength: 200, autocomplete: 'off', spellcheck: 'false' });
    ext.value = entry?.external_id ?? '';
    const syncClass = () => {
      klass.disabled = kind.value !== 'payout';
      if (klass.disabled) klass.value = '';
    };
    kind.addEventListener('change', syncClass);
    syncClass();

    const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'entry-submit' }, entry ? t('common.save') : t('common.add'));
    const cancel = entry ? h('button', { type: 'button', 'data-testid': 'entry-cancel', onclick: () => this.showEntryForm(null) }, t('common.cancel')) : null;
    const form = h(
      'form',
      { class: 'form-grid', 'data-testid': 'entry-form', novalidate: true, 'data-mode': entry ? 'edit' : 'add' },
      field({ label: t('field.date'), name: 'date' }, dateIn),
      field({ label: t('field.kind'), name: 'kind' }, kind),
      field({ label: t('field.amount'), name: 'amount' }, amountIn),
      field({ label: t('field.currency'), name: 'currency', hint: t('field.currencyHint') }, currency),
      field({ label: t('field.base_amount', { base: this.base }), name: 'base_amount', hint: t('field.base_amountHint') }, baseIn),
      field({ label: t('field.income_class'), name: 'income_class' }, klass),
      field({ label: t('field.note'), name: 'note' }, note),
      field({ label: t('field.external_id') + ` (${t('common.optional')})`, name: 'external_id' }, ext),
      h('div', { class: 'form-actions' }, formError('entry-form-error'), submit, cancel),
    );
    const title = entry ? t('entries.editTitle', { date: date(entry.date) }) : t('entries.add');
    this.formBox.replaceChildren(h('h2', { id: 'entry-form-title', tabindex: -1 }, title), form);

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const local: Record<string, string> = {};
      const example = lang === 'de' ? '1.234,56' : '1,234.56';
      const amt = parseDecimalInput(amountIn.value, lang);
      if (!amountIn.value.trim()) local.amount = 'is required';
      else if (amt === null) local.amount = t('error.invalidNumber', { example });
      let baseAmt: string | null = null;
      if (baseIn.value.trim()) {
        baseAmt = parseDecimalInput(baseIn.value, lang);
        if (baseAmt === null) local.base_amount = t('error.invalidNumber', { example });
      }
      if (!dateIn.value) local.date = 'is required';
      if (Object.keys(local).length) {
        setFieldErrors(form, local, t('error.fixFields'));
        return;
      }
      const cur = currency.value.trim();
      let body: Record<string, unknown>;
      if (!entry) {
        body = { network_id: n.id, date: dateIn.value, kind: kind.value, amount: amt };
        if (cur) body.currency = cur;
        if (baseAmt !== null) body.base_amount = baseAmt;
        if (klass.value && kind.value === 'payout') body.income_class = klass.value;
        if (note.value) body.note = note.value;
        if (ext.value.trim()) body.external_id = ext.value.trim();
      } else {
        body = {};
        if (dateIn.value !== entry.date) body.date = dateIn.value;
        if (kind.value !== entry.kind) body.kind = kind.value;
        if (!sameDecimal(amt, entry.amount)) body.amount = amt;
        if (cur && cur !== entry.currency) body.currency = cur;
        if (!sameDecimal(baseAmt, entry.base_amount)) body.base_amount = baseAmt; // null: convert again
        const klassValue = kind.value === 'payout' ? klass.value || null : null;
        if (kind.value === 'payout' && klassValue !== entry.income_class) body.income_class = klassValue ?? '';
        if (note.value !== entry.note) body.note = note.value;
        if ((ext.value.trim() || null) !== entry.external_id) body.external_id = ext.value.trim();
        if (Object.keys(body).length === 0) {
          this.showEntryForm(null);
          return;
        }
      }
      submit.disabled = true;
      try {
        if (entry) {
          const saved = await api.updateEntry(entry.id, body);
          this.entries = this.entries.map((x) => (x.id === saved.id ? saved : x));
          this.fillRows();
          announce(t('entries.updated'));
          this.showEntryForm(null);
          this.tbody.querySelector<HTMLElement>(`[data-testid="entry-edit-${saved.id}"]`)?.focus();
        } else {
          await api.createEntry(body);
          announce(t('entries.created'));
          await this.reloadEntries();
          this.showEntryForm(null);
          this.formBox.querySelector<HTMLInputElement>('input[name="amount"]')?.focus();
        }
        void this.refreshFigures();
      } catch (err) {
        if (err instanceof ApiError && err.status === 409 && err.existingId) {
          showFormError(form, new ApiError(409, err.code, `${err.message} (#${err.existingId})`, err.fields));
        } else {
          showFormError(form, err);
        }
      } finally {
        submit.disabled = false;
      }
    });

    if (entry) {
      this.formBox.scrollIntoView({ block: 'start' });
      amountIn.focus();
      amountIn.select();
    }
  }

  private renderSettings(): void {
    const del = h('button', { type: 'button', class: 'danger', 'data-testid': 'network-delete' }, t('network.delete'));
    del.addEventListener('click', () => void this.deleteNetwork());
    const form = networkForm({
      network: this.network,
      baseCurrency: this.base,
      extraActions: [del],
      onSaved: (saved) => {
        this.network = saved;
        announce(t('common.saved'));
        const h1 = this.root.querySelector('h1');
        if (h1) h1.textContent = saved.name;
        const chipHost = this.root.querySelector('.page-head > span');
        chipHost?.replaceChildren(statusChip(saved.status));
        this.renderSettings();
        this.settingsBox.querySelector<HTMLElement>('[data-testid="network-submit"]')?.focus();
        void this.refreshFigures();
      },
    });
    this.settingsBox.replaceChildren(h('h2', { id: 'network-edit-title' }, t('network.edit')), form);
  }

  private async deleteNetwork(): Promise<void> {
    const n = this.network;
    const ok = await confirmDialog({ title: t('network.delete'), message: t('network.deleteConfirm', { name: n.name }), confirm: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await api.deleteNetwork(n.id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) {
        announce(errorMessage(err));
        return;
      }
      const cascade = await confirmDialog({
        title: t('network.cascadeTitle'),
        message: t('network.cascadeConfirm', { name: n.name }),
        confirm: t('network.cascadeButton'),
        danger: true,
      });
      if (!cascade) return;
      try {
        await api.deleteNetwork(n.id, true);
      } catch (err2) {
        announce(errorMessage(err2));
        return;
      }
    }
    announce(t('network.deletedMsg', { name: n.name }));
    location.hash = '#/networks';
  }
}
