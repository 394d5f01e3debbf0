import { api, ApiError, type Me } from '../api';
import { errorMessage, h } from '../dom';
import { t } from '../i18n';

interface LoginOptions {
  onLogin(me: Me): void;
  langButton(): HTMLElement;
}

/** The sign-in page: user name, password, and a plain message when it fails. */
export function renderLogin(opts: LoginOptions): HTMLElement {
  const user = h('input', { id: 'login-username', name: 'username', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false', 'data-testid': 'login-username' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'));
  // The message element exists only while there is a message: inserted with role=alert, it
  // is announced, and a test can wait for it to appear.
  const errorHost = h('div', { class: 'login-error-host' });
  const showError = (msg: string) =>
    errorHost.replaceChildren(msg ? h('p', { class: 'form-error', id: 'login-error', role: 'alert', 'data-testid': 'login-error' }, msg) : '');

  const form = h(
    'form',
    { class: 'login-form', 'data-testid': 'login-form', 'aria-labelledby': 'login-title', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'login-username' }, t('login.username')), user),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('login.password')), pass),
    errorHost,
    submit,
  );
  user.setAttribute('aria-describedby', 'login-error');
  pass.setAttribute('aria-describedby', 'login-error');

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError('');
    user.removeAttribute('aria-invalid');
    pass.removeAttribute('aria-invalid');
    if (!user.value.trim() || !pass.value) {
      showError(t('login.required'));
      (user.value.trim() ? pass : user).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.busy');
    try {
      const me = await api.login(user.value.trim(), pass.value);
      opts.onLogin(me);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) showError(t('login.wrong'));
      else if (err instanceof ApiError && err.status === 429) showError(t('login.throttled'));
      else showError(errorMessage(err));
      pass.setAttribute('aria-invalid', 'true');
      pass.select();
      pass.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });

  return h(
    'main',
    { id: 'main', class: 'login-page' },
    h(
      'div',
      { class: 'login-card' },
      h('div', { class: 'login-top' }, h('span', { class: 'brand-link' }, t('app.name')), opts.langButton()),
      h('h1', { id: 'login-title', tabindex: -1 }, t('login.title')),
      h('p', { class: 'muted' }, t('login.intro')),
      form,
    ),
  );
}
