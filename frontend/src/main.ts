// The dashboard's entry: language, sign-in state, the header and hash routing
// (#/overview, #/networks, #/networks/7, #/charts, #/payouts, #/export, #/settings).

import './styles.css';
import { api, ApiError, setUnauthorizedHandler, type Me } from './api';
import { h, errorBox, loading } from './dom';
import { detectLang, getLang, setLang, t, type Key } from './i18n';
import type { Lang } from './format';
import { renderLogin } from './views/login';
import { renderOverview } from './views/overview';
import { renderNetworks } from './views/networks';
import { renderNetwork } from './views/network';
import { renderPayouts } from './views/payouts';
import { renderSettings } from './views/settings';
import { renderExchange } from './views/exchange';

const LANG_KEY = 'netfolio.lang';

export interface Route {
  name: 'overview' | 'networks' | 'network' | 'charts' | 'payouts' | 'export' | 'settings';
  id?: number;
  params: URLSearchParams;
}

export interface Ctx {
  me: Me;
  route: Route;
  /** Registers work to undo when the view is left (e.g. destroying charts). */
  onCleanup(fn: () => void): void;
}

const app = document.getElementById('app') as HTMLElement;
let me: Me | null = null;
let cleanups: (() => void)[] = [];
let header: HTMLElement | null = null;
let main: HTMLElement | null = null;

function storedLang(): string | null {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

function applyLang(lang: Lang): void {
  setLang(lang);
  document.documentElement.lang = lang;
}

function switchLang(next: Lang): void {
  if (next === getLang()) return;
  applyLang(next);
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  renderApp(false);
  document.querySelector<HTMLElement>('[data-testid="lang-switch"]')?.focus();
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path, qs = ''] = raw.split('?');
  const params = new URLSearchParams(qs);
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'networks':
      if (parts[1] && /^\d+$/.test(parts[1])) return { name: 'network', id: Number(parts[1]), params };
      return { name: 'networks', params };
    case 'charts':
    case 'payouts':
    case 'export':
    case 'settings':
    case 'overview':
      return { name: parts[0], params };
    default:
      return { name: 'overview', params };
  }
}

const NAV: { route: Route['name']; key: Key }[] = [
  { route: 'overview', key: 'nav.overview' },
  { route: 'networks', key: 'nav.networks' },
  { route: 'charts', key: 'nav.charts' },
  { route: 'payouts', key: 'nav.payouts' },
  { route: 'export', key: 'nav.export' },
  { route: 'settings', key: 'nav.settings' },
];

function langButton(): HTMLElement {
  const sel = h(
    'select',
    { id: 'lang-switch', class: 'lang', 'data-testid': 'lang-switch' },
    h('option', { value: 'de', lang: 'de' }, 'Deutsch'),
    h('option', { value: 'en', lang: 'en' }, 'English'),
  );
  sel.value = getLang();
  sel.addEventListener('change', () => switchLang(sel.value === 'de' ? 'de' : 'en'));
  return h('span', { class: 'lang-wrap' }, h('label', { for: 'lang-switch', class: 'sr-only' }, t('lang.label')), sel);
}

function renderHeader(user: Me): HTMLElement {
  return h(
    'header',
    { class: 'site-header' },
    h('a', { class: 'skip', href: '#main', onclick: (ev: MouseEvent) => { ev.preventDefault(); main?.focus(); } }, t('app.skip')),
    h('div', { class: 'brand' }, h('a', { href: '#/overview', class: 'brand-link' }, t('app.name')), h('span', { class: 'tagline' }, t('app.tagline'))),
    h(
      'nav',
      { 'aria-label': t('nav.label'), class: 'main-nav' },
      h('ul', null, NAV.map((n) => h('li', null, h('a', { href: '#/' + n.route, 'data-testid': 'nav-' + n.route, 'data-route': n.route }, t(n.key))))),
    ),
    h(
      'div',
      { class: 'header-tools' },
      h('span', { class: 'user', title: t('nav.signedInAs', { user: user.username }) }, user.username),
      langButton(),
      h('button', { type: 'button', class: 'logout', 'data-testid': 'logout', onclick: logout }, t('nav.logout')),
    ),
  );
}

function markNav(route: Route): void {
  const active = route.name === 'network' ? 'networks' : route.name;
  for (const a of header?.querySelectorAll<HTMLAnchorElement>('a[data-route]') ?? []) {
    if (a.dataset.route === active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

const TITLES: Record<Route['name'], Key> = {
  overview: 'nav.overview',
  networks: 'nav.networks',
  network: 'network.title',
  charts: 'nav.charts',
  payouts: 'nav.payouts',
  export: 'nav.export',
  settings: 'nav.settings',
};

function runCleanups(): void {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      /* a view's cleanup must not stop the next view */
    }
  }
  cleanups = [];
}

async function renderRoute(focus: boolean): Promise<void> {
  if (!me || !main) return;
  runCleanups();
  const route = parseRoute(location.hash);
  markNav(route);
  document.title = `${t(TITLES[route.name])} · ${t('app.name')}`;
  // Each view draws into its own container: a view still loading when the user moves on
  // writes into a container that is no longer on the page.
  const view = h('div', { class: 'view view-' + route.name });
  main.replaceChildren(view);
  const ctx: Ctx = { me, route, onCleanup: (fn) => cleanups.push(fn) };
  switch (route.name) {
    case 'overview':
      renderOverview(view, ctx);
      break;
    case 'networks':
      renderNetworks(view, ctx);
      break;
    case 'network':
      renderNetwork(view, ctx);
      break;
    case 'payouts':
      renderPayouts(view, ctx);
      break;
    case 'export':
      renderExchange(view, ctx);
      break;
    case 'settings':
      renderSettings(view, ctx);
      break;
    case 'charts': {
      // Chart.js is loaded only for this page.
      view.append(loading());
      try {
        const { renderCharts } = await import('./views/charts');
        if (!view.isConnected) return;
        view.replaceChildren();
        renderCharts(view, ctx);
      } catch (err) {
        view.replaceChildren(errorBox(err, () => void renderRoute(true)));
      }
      break;
    }
  }
  if (focus) view.querySelector<HTMLElement>('h1')?.focus();
}

function renderApp(focus: boolean): void {
  runCleanups();
  if (!me) {
    header = main = null;
    document.title = `${t('login.title')} · ${t('app.name')}`;
    app.replaceChildren(renderLogin({ onLogin, langButton }));
    if (focus) app.querySelector<HTMLElement>('[data-testid="login-username"]')?.focus();
    return;
  }
  header = renderHeader(me);
  main = h('main', { id: 'main', tabindex: -1 });
  app.replaceChildren(header, main);
  void renderRoute(focus);
}

function onLogin(user: Me): void {
  me = user;
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    history.replaceState(null, '', '#/overview');
  }
  renderApp(true);
}

async function logout(): Promise<void> {
  try {
    await api.logout();
  } catch {
    /* the session may be gone already; the sign-in form is right either way */
  }
  me = null;
  renderApp(true);
}

async function start(): Promise<void> {
  applyLang(detectLang(navigator.languages ?? [navigator.language], storedLang()));
  window.addEventListener('hashchange', () => {
    if (me) void renderRoute(true);
  });
  // A session that runs out while the dashboard is open brings back the sign-in form.
  // (Only the switch of state happens here; the view that failed shows its own error.)
  const unauthorized = () => {
    if (me) {
      me = null;
      renderApp(true);
    }
  };
  setUnauthorizedHandler(unauthorized);
  app.replaceChildren(loading());
  try {
    me = await api.me();
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) {
      app.replaceChildren(h('main', { id: 'main' }, errorBox(err, () => void start())));
      return;
    }
    me = null;
  }
  renderApp(false);
}

void start();
