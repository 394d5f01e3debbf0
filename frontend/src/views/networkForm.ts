// The network form, for adding (POST) and editing (PATCH only the changed keys).

import { api, NETWORK_KINDS, NETWORK_STATUSES, type Network } from '../api';
import { parseDecimalInput, sameDecimal, toInputValue } from '../decimal';
import { clearErrors, field, formError, h, input, select, setFieldErrors, showFormError } from '../dom';
import { getLang, t } from '../i18n';
import { kindLabel, statusLabel, today } from '../ui';

interface Options {
  network?: Network; // editing this one; adding when absent
  baseCurrency: string;
  onSaved(n: Network): void;
  extraActions?: HTMLElement[];
}

export function networkForm(opts: Options): HTMLFormElement {
  const n = opts.network;
  const lang = getLang();
  const name = input({ required: true, maxlength: 200, autocomplete: 'off' });
  name.value = n?.name ?? '';
  const kind = select(NETWORK_KINDS.map((k) => [k, kindLabel(k)]), n?.kind ?? 'revshare');
  const status = select(NETWORK_STATUSES.map((s) => [s, statusLabel(s)]), n?.status ?? 'active');
  // Sent as typed: the API names what it refuses, next to the field.
  const currency = input({ maxlength: 10, autocapitalize: 'characters', spellcheck: 'false', autocomplete: 'off', placeholder: opts.baseCurrency });
  currency.value = n?.currency ?? '';
  const joined = input({ type: 'date' });
  joined.value = n?.joined_on ?? today();
  const closed = input({ type: 'date' });
  closed.value = n?.closed_on ?? '';
  const sponsor = input({ maxlength: 200, autocomplete: 'off' });
  sponsor.value = n?.sponsor ?? '';
  const notes = h('textarea', { rows: 3, maxlength: 10000 });
  notes.value = n?.notes ?? '';
  const commitment = input({ inputmode: 'decimal', autocomplete: 'off' });
  commitment.value = toInputValue(n?.commitment_amount ?? null, lang);
  const day = input({ type: 'number', min: 1, max: 28, step: 1, inputmode: 'numeric' });
  day.value = n?.commitment_day ? String(n.commitment_day) : '';

  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'network-submit' }, n ? t('common.save') : t('common.add'));
  const form = h(
    'form',
    { class: 'form-grid', 'data-testid': 'network-form', novalidate: true },
    field({ label: t('field.name'), name: 'name' }, name),
    field({ label: t('field.kind'), name: 'kind' }, kind),
    field({ label: t('field.status'), name: 'status' }, status),
    field({ label: t('field.currency'), name: 'currency', hint: t('field.currencyHint') }, currency),
    field({ label: t('field.joined_on'), name: 'joined_on' }, joined),
    field({ label: t('field.closed_on'), name: 'closed_on', hint: t('field.closed_onHint') }, closed),
    field({ label: t('field.sponsor'), name: 'sponsor' }, sponsor),
    field({ label: t('field.commitment_amount'), name: 'commitment_amount', hint: t('field.commitment_amountHint') }, commitment),
    field({ label: t('field.commitment_day'), name: 'commitment_day' }, day),
    field({ label: t('field.notes'), name: 'notes', wide: true }, notes),
    h('div', { class: 'form-actions' }, formError('network-form-error'), submit, opts.extraActions ?? []),
  );

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const local: Record<string, string> = {};
    let amount: string | null = null;
    if (commitment.value.trim()) {
      amount = parseDecimalInput(commitment.value, lang);
      if (amount === null) local.commitment_amount = t('error.invalidNumber', { example: lang === 'de' ? '89,00' : '89.00' });
    }
    let dayNum: number | null = null;
    if (day.value.trim()) {
      dayNum = Number(day.value);
      if (!Number.isInteger(dayNum)) local.commitment_day = 'must be between 1 and 28';
    }
    if (!name.value.trim()) local.name = 'is required';
    if (Object.keys(local).length) {
      setFieldErrors(form, local, t('error.fixFields'));
      return;
    }
    const values = {
      name: name.value.trim(),
      kind: kind.value,
      status: status.value,
      currency: currency.value.trim(),
      joined_on: joined.value,
      closed_on: closed.value || null,
      sponsor: sponsor.value,
      notes: notes.value,
      commitment_amount: amount,
      commitment_day: dayNum,
    };
    let body: Record<string, unknown>;
    if (!n) {
      body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== ''));
    } else {
      body = {};
      for (const [k, v] of Object.entries(values)) {
        const old = n[k as keyof Network] as unknown;
        const same = k === 'commitment_amount' ? sameDecimal(old as string | null, v as string | null) : (old ?? null) === v || (k === 'currency' && v === '');
        if (!same) body[k] = v;
      }
      if (Object.keys(body).length === 0) {
        opts.onSaved(n);
        return;
      }
    }
    submit.disabled = true;
    try {
      const saved = n ? await api.updateNetwork(n.id, body) : await api.createNetwork(body);
      opts.onSaved(saved);
    } catch (err) {
      showFormError(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
