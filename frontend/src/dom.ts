// Small DOM helpers: element creation (text always as text, never as HTML), labelled form
// fields with their error slots, a confirmation dialog and a live region.

import { ApiError } from './api';
import { apiMessage, t } from './i18n';

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | EventListener | ((ev: never) => void)>;

/** Creates an element: attributes (on* keys are listeners) and children (strings as text). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (typeof v === 'function') {
        el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
      } else if (v === true) {
        el.setAttribute(k, '');
      } else if (v !== false && v !== null && v !== undefined) {
        el.setAttribute(k === 'className' ? 'class' : k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

let uid = 0;
export function nextId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

export interface FieldOptions {
  label: string;
  hint?: string;
  /** The form's name of the field, also the API field its errors are reported under. */
  name: string;
  wide?: boolean;
}

/**
 * A labelled field: <label>, the control, an optional hint, and an error slot with
 * data-testid="error-<name>" that setFieldErrors fills.
 */
export function field(opts: FieldOptions, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
  const id = control.id || nextId('f-' + opts.name);
  control.id = id;
  control.name = opts.name;
  const errId = id + '-error';
  const hintId = opts.hint ? id + '-hint' : '';
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  return h(
    'div',
    { class: 'field' + (opts.wide ? ' field-wide' : '') },
    h('label', { for: id }, opts.label),
    control,
    opts.hint ? h('small', { id: hintId, class: 'hint' }, opts.hint) : null,
    h('p', { id: errId, class: 'field-error', 'data-testid': 'error-' + opts.name, 'data-field': opts.name }),
  );
}

export function input(attrs: Attrs): HTMLInputElement {
  return h('input', { type: 'text', ...attrs });
}

export function select(options: [value: string, label: string][], value: string, attrs: Attrs = {}): HTMLSelectElement {
  const s = h('select', attrs, options.map(([v, l]) => h('option', { value: v }, l)));
  s.value = value;
  return s;
}

/** Clears every field error of a form and its form-level message. */
export function clearErrors(form: HTMLElement): void {
  for (const el of form.querySelectorAll<HTMLElement>('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll<HTMLElement>('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const msg = form.querySelector<HTMLElement>('.form-error');
  if (msg) msg.textContent = '';
}

/**
 * Shows per-field messages next to their fields; a field the form does not have is shown in
 * the form-level message. Focuses the first field in error. Answers whether any field matched.
 */
export function setFieldErrors(form: HTMLElement, fields: Record<string, string>, fallback?: string): boolean {
  const rest: string[] = [];
  let first: HTMLElement | null = null;
  for (const [name, msg] of Object.entries(fields)) {
    const slot = form.querySelector<HTMLElement>(`.field-error[data-field="${CSS.escape(name)}"]`);
    if (!slot) {
      rest.push(`${name}: ${apiMessage(msg)}`);
      continue;
    }
    slot.textContent = apiMessage(msg);
    const control = form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      first ??= control;
    }
  }
  const formMsg = form.querySelector<HTMLElement>('.form-error');
  const text = [fallback, ...rest].filter(Boolean).join(' ');
  if (formMsg) formMsg.textContent = text;
  first?.focus();
  return first !== null;
}

/** The form-level message slot (role=alert). */
export function formError(testid?: string): HTMLElement {
  return h('p', { class: 'form-error', role: 'alert', 'data-testid': testid ?? null });
}

/** A readable message for an error from the API or the network. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    if (err.status === 404) return t('error.notFound');
    if (err.message) return apiMessage(err.message);
    return t('error.unknown', { status: err.status });
  }
  return err instanceof Error ? err.message : String(err);
}

/** Applies an API error to a form: field messages beside fields, the rest above the button. */
export function showFormError(form: HTMLElement, err: unknown): void {
  if (err instanceof ApiError && Object.keys(err.fields).length > 0) {
    const matched = setFieldErrors(form, err.fields);
    const formMsg = form.querySelector<HTMLElement>('.form-error');
    if (formMsg && matched && !formMsg.textContent) formMsg.textContent = t('error.fixFields');
    return;
  }
  const formMsg = form.querySelector<HTMLElement>('.form-error');
  if (formMsg) formMsg.textContent = errorMessage(err);
}

let live: HTMLElement | null = null;
/** The page's polite live region, for "saved" and the like. */
export function liveRegion(): HTMLElement {
  if (!live || !live.isConnected) {
    live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-testid': 'announce' });
    document.body.appendChild(live);
  }
  return live;
}

let toastTimer = 0;
/** Announces a message to screen readers and shows it briefly. */
export function announce(msg: string): void {
  const region = liveRegion();
  region.textContent = msg;
  let toast = document.getElementById('toast');
  if (!toast) {
    toast = h('div', { id: 'toast', class: 'toast', 'aria-hidden': 'true' });
    document.body.appendChild(toast);
  }
  toast.textContent = msg;
  toast.classList.add('show');
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => toast?.classList.remove('show'), 3500);
}

export interface ConfirmOptions {
  title: string;
  message: string;
  confirm: string;
  danger?: boolean;
}

/** A modal confirmation (<dialog>): resolves true on confirm, false on cancel or Escape. */
export function confirmDialog(opts: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = nextId('dlg');
    const ok = h('button', { type: 'button', class: opts.danger ? 'danger' : 'primary', 'data-testid': 'confirm-ok' }, opts.confirm);
    const cancel = h('button', { type: 'button', 'data-testid': 'confirm-cancel' }, t('common.cancel'));
    const dlg = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': 'confirm-dialog' },
      h('h2', { id: titleId }, opts.title),
      h('p', null, opts.message),
      h('div', { class: 'actions' }, cancel, ok),
    );
    const opener = document.activeElement as HTMLElement | null;
    let answer = false;
    ok.addEventListener('click', () => {
      answer = true;
      dlg.close();
    });
    cancel.addEventListener('click', () => dlg.close());
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (opener?.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.appendChild(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

/** A loading placeholder. */
export function loading(): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, t('app.loading'));
}

/** An error box with a retry button. */
export function errorBox(err: unknown, retry?: () => void): HTMLElement {
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('p', null, t('error.load', { message: errorMessage(err) })),
    retry ? h('button', { type: 'button', onclick: retry }, t('common.retry')) : null,
  );
}

/** A table wrapped in a horizontally scrolling, focusable region. */
export function tableWrap(table: HTMLTableElement, label: string): HTMLElement {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: 0 }, table);
}
