// Browser tests: the real server, the real dashboard, a real headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byTestId as t, demo, launchBrowser, startServer } from './server.mjs';

const shots = process.env.NETFOLIO_SCREENSHOTS; // a folder: retake the README's screenshots

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  if (shots) mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(opts = {}) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, ...opts });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  // Chromium logs every 4xx answer as a console error; the tests provoke some on purpose.
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(msg.text());
  });
  return { page, context, errors };
}

async function login(page) {
  await page.goto(server.url);
  await page.fill(t('login-username'), demo.username);
  await page.fill(t('login-password'), demo.password);
  await page.click(t('login-submit'));
  await page.waitForSelector(t('kpi-net'));
}

// The API as the signed-in page sees it (same cookie).
const api = (page, path, init) => page.evaluate(async ([p, i]) => {
  const res = await fetch(p, i);
  return { status: res.status, body: await res.json().catch(() => null) };
}, [path, init]);

describe('dashboard', () => {
  // First, while the demo portfolio is untouched: every page renders, and with
  // NETFOLIO_SCREENSHOTS set these are the README's screenshots.
  test('the demo portfolio renders on every page', async () => {
    const { page, context, errors } = await newPage();
    await login(page);
    const pages = [
      ['nav-overview', 'kpi-net', 'overview.png'],
      ['nav-charts', 'chart-history', 'charts.png'],
      ['nav-payouts', 'payout-grid', 'payouts.png'],
      ['nav-networks', 'network-form', 'networks.png'],
    ];
    for (const [nav, ready, file] of pages) {
      await page.click(t(nav));
      await page.waitForSelector(t(ready));
      if (nav === 'nav-charts') await page.waitForSelector(`${t('chart-exposure')}[data-slices]`);
      if (shots) await page.screenshot({ path: join(shots, file), fullPage: true });
    }
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 375, height: 812 });
    await phone.goto(`${server.url}/#/overview`);
    await phone.waitForSelector(t('kpi-net'));
    if (shots) await phone.screenshot({ path: join(shots, 'phone.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a wrong password says so plainly; the right one opens the overview', async () => {
    const { page, context, errors } = await newPage();
    await page.goto(server.url);
    await page.fill(t('login-username'), demo.username);
    await page.fill(t('login-password'), 'not-the-password');
    await page.click(t('login-submit'));
    const message = await page.textContent(t('login-error'));
    assert.match(message, /password/i);

    await page.fill(t('login-password'), demo.password);
    await page.click(t('login-submit'));
    await page.waitForSelector(t('kpi-net'));
    const p = (await api(page, '/api/v1/portfolio')).body;
    const paidBack = await page.textContent(t('kpi-paid-back'));
    assert.match(paidBack, new RegExp(`${p.break_even_count.reached}\\D+${p.break_even_count.total}`));
    assert.equal(await page.locator(`${t('rules')} [data-testid^="rule-"]`).count(), p.rules.length);

    await page.click(t('logout'));
    await page.waitForSelector(t('login-username'));
    assert.equal((await api(page, '/api/v1/me')).status, 401);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('add a network and an entry with the forms; field errors show next to the field', async () => {
    const { page, context, errors } = await newPage();
    await login(page);
    await page.click(t('nav-networks'));
    const form = page.locator(t('network-form'));
    await form.locator('[name="name"]').fill('Browser Test Network');
    await form.locator('[name="kind"]').selectOption('revshare');
    await form.locator('[name="currency"]').fill('eur'); // lower case: the API refuses it
    await page.click(t('network-submit'));
    await page.waitForSelector(t('error-currency'));
    assert.match(await page.textContent(t('error-currency')), /upper-case/i);
    await form.locator('[name="currency"]').fill('EUR');
    await page.click(t('network-submit'));
    // The click only sends the form: wait until the page says the network was added.
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('Browser Test Network'), t('announce'));

    const networks = (await api(page, '/api/v1/networks')).body;
    const created = networks.find((n) => n.name === 'Browser Test Network');
    assert.ok(created, 'the network was created');
    await page.waitForSelector(t(`network-row-${created.id}`));
    await page.goto(`${server.url}/#/networks/${created.id}`);
    const entryForm = page.locator(t('entry-form'));
    await entryForm.locator('[name="date"]').fill('2026-01-15');
    await entryForm.locator('[name="kind"]').selectOption('investment');
    await entryForm.locator('[name="amount"]').fill('1234.50');
    await page.click(t('entry-submit'));
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('1,234.50'), t('entries-table'));
    const entries = (await api(page, `/api/v1/entries?network_id=${created.id}`)).body.items;
    assert.equal(entries.length, 1);
    assert.equal(entries[0].amount, '1234.50');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('log a payout in the grid with the keyboard and see it after a reload', async () => {
    const { page, context, errors } = await newPage();
    await login(page);
    await page.click(t('nav-payouts'));
    await page.waitForSelector(t('payout-grid'));
    const year = new Date().getFullYear();
    const log = (await api(page, `/api/v1/payouts/monthly?year=${year}`)).body;
    const network = log.networks.find((n) => n.currency === 'EUR' && n.status === 'active');
    const month = `${year}-01`;
    const cell = t(`payout-cell-${network.id}-${month}`);
    await page.click(cell);
    await page.fill(cell, '123.45');
    await page.keyboard.press('Enter');
    await page.waitForFunction(async ([id, m]) => {
      const res = await fetch(`/api/v1/payouts/monthly?year=${m.slice(0, 4)}`);
      const body = await res.json();
      return body.networks.find((n) => n.id === id).cells.find((c) => c.month === m).line?.amount === '123.45';
    }, [network.id, month]);
    // Arrow keys move between cells.
    await page.focus(cell);
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), `payout-cell-${network.id}-${year}-02`);

    await page.reload();
    await page.waitForSelector(cell);
    assert.match(await page.inputValue(cell), /^123[.,]45$/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the exposure doughnut has one slice per open network with exposure', async () => {
    const { page, context, errors } = await newPage();
    await login(page);
    await page.click(t('nav-charts'));
    await page.waitForSelector(`${t('chart-exposure')}[data-slices]`);
    const p = (await api(page, '/api/v1/portfolio')).body;
    const expected = p.networks.filter((n) => n.open && Number(n.exposure) > 0).length;
    assert.ok(expected >= 2);
    assert.equal(Number(await page.getAttribute(t('chart-exposure'), 'data-slices')), expected);
    for (const chart of ['chart-kind', 'chart-stress', 'chart-history']) {
      await page.waitForSelector(t(chart));
    }
    // What-if: collapsing the first open network changes the end result to the API's answer.
    const first = p.networks.find((n) => n.open);
    await page.check(t(`whatif-net-${first.id}`));
    const want = (await api(page, `/api/v1/portfolio/whatif?collapse=${first.id}&horizon=12`)).body;
    await page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent.replace(/\s/g, '').includes(text),
      [t('whatif-result'), Number(want.end_net).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('German: labels and money formatted the German way', async () => {
    const { page, context, errors } = await newPage({ locale: 'de-DE' });
    await login(page);
    const net = await page.textContent(t('kpi-net'));
    assert.match(net, /\d\.?\d*,\d\d\s?€/); // 1.234,56 €
    assert.match(await page.textContent(t('nav-overview')), /Übersicht/);
    // Switching the language switches the labels.
    await page.selectOption(t('lang-switch'), 'en');
    await page.waitForFunction((sel) => /Overview/.test(document.querySelector(sel)?.textContent), t('nav-overview'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('usable on a 375 px phone: no horizontal page scroll', async () => {
    const { page, context, errors } = await newPage({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    await login(page);
    const views = { 'nav-overview': 'kpi-net', 'nav-networks': 'network-form', 'nav-payouts': 'payout-grid', 'nav-export': 'import-form', 'nav-settings': 'token-form' };
    for (const [nav, view] of Object.entries(views)) {
      await page.click(t(nav));
      await page.waitForSelector(t(view));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `${nav}: page is ${width} px wide`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('download the German tax CSV and import a file with a dry-run preview', async () => {
    const { page, context, errors } = await newPage();
    const dir = mkdtempSync(join(tmpdir(), 'netfolio-e2e-import-'));
    try {
      await login(page);
      await page.click(t('nav-export'));
      await page.waitForSelector(t('download-tax'));
      const year = new Date().getFullYear() - 1;
      assert.equal(await page.inputValue(t('export-year')), String(year), 'last year is the default');
      await page.selectOption(t('export-year'), String(year));
      await page.selectOption(t('export-dialect'), 'de');

      // What the file must hold: the year's entries with a cash flow, from the API.
      let expected = 0;
      let cursor = null;
      do {
        const qs = `from=${year}-01-01&to=${year}-12-31&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await api(page, `/api/v1/entries?${qs}`);
        assert.equal(res.status, 200);
        expected += res.body.items.filter((e) => ['investment', 'purchase', 'fee', 'payout'].includes(e.kind) && Number(e.amount) !== 0).length;
        cursor = res.body.next_cursor;
      } while (cursor);
      assert.ok(expected > 0, 'the demo has cash flows last year');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click(t('download-tax'))]);
      assert.match(download.suggestedFilename(), new RegExp(`${year}.*\\.csv$`));
      const bytes = readFileSync(await download.path());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
      const [header, ...rows] = bytes.subarray(3).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
      assert.ok(header.startsWith('Datum;Netzwerk;'), header);
      const columns = splitCsv(header);
      const amount = columns.indexOf('Betrag');
      const base = columns.indexOf('Betrag in Basiswährung');
      assert.ok(amount > 0 && base > 0, header);
      assert.equal(rows.length, expected);
      let commas = 0;
      for (const row of rows) {
        const cells = splitCsv(row);
        assert.equal(cells.length, columns.length, row);
        assert.match(cells[0], /^\d{2}\.\d{2}\.\d{4}$/, row);
        for (const cell of [cells[amount], cells[base]]) {
          assert.match(cell, /^-?\d+(,\d+)?$/, row);
          if (cell.includes(',')) commas++;
        }
      }
      assert.ok(commas > 0, 'amounts have decimal commas');

      // Import two lines for a network that does not exist yet.
      const name = `E2E Import ${Date.now()}`;
      const good = join(dir, 'entries.csv');
      writeFileSync(good, [
        'date,network,network_kind,kind,amount,currency',
        `${year}-03-01,${name},revshare,investment,100.00,EUR`,
        `${year}-04-01,${name},revshare,payout,12.50,EUR`,
        '',
      ].join('\n'));
      await page.setInputFiles(t('import-file'), good);
      await page.check(t('import-create-networks'));
      await page.click(t('import-dry-run'));
      await page.waitForSelector(t('import-preview'));
      assert.equal(await page.textContent(t('preview-added')), '2');
      assert.equal(await page.textContent(t('preview-skipped')), '0');
      assert.match(await page.textContent(t('preview-networks')), new RegExp(`^1\\D.*${name}`));
      assert.equal((await api(page, '/api/v1/networks')).body.some((n) => n.name === name), false, 'a dry run stores nothing');

      await page.click(t('import-submit'));
      await page.waitForSelector(t('import-result'));
      assert.equal(await page.textContent(t('result-added')), '2');
      const created = (await api(page, '/api/v1/networks')).body.find((n) => n.name === name);
      assert.ok(created, 'the network was created');
      assert.equal((await api(page, `/api/v1/entries?network_id=${created.id}`)).body.items.length, 2);

      // The same file again: everything is skipped, so there is nothing to import.
      await page.setInputFiles(t('import-file'), good);
      await page.click(t('import-dry-run'));
      await page.waitForSelector(t('import-preview'));
      assert.equal(await page.textContent(t('preview-added')), '0');
      assert.equal(await page.textContent(t('preview-skipped')), '2');
      assert.equal(await page.locator(t('import-submit')).count(), 0);

      // A file with a bad line: the problems by line, and nothing imported.
      const other = `E2E Broken ${Date.now()}`;
      const bad = join(dir, 'broken.csv');
      writeFileSync(bad, [
        'date,network,network_kind,kind,amount,currency',
        `${year}-05-01,${other},product,purchase,50.00,EUR`,
        `${year}-06-01,${other},product,purchase,fifty,EUR`,
        '',
      ].join('\n'));
      await page.setInputFiles(t('import-file'), bad);
      await page.click(t('import-dry-run'));
      await page.waitForSelector(t('import-errors'));
      const problems = await page.$$eval(`${t('import-errors')} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      assert.equal(problems.length, 1);
      assert.equal(problems[0][0], '3');
      assert.equal(problems[0][1], 'amount');
      assert.match(await page.textContent(t('import-failed')), /Nothing was imported/);
      assert.equal(await page.locator(t('import-preview')).count(), 0);
      assert.equal((await api(page, '/api/v1/networks')).body.some((n) => n.name === other), false, 'nothing was imported');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The cells of one CSV line (separator ';', cells possibly in double quotes). */
function splitCsv(line, sep = ';') {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
