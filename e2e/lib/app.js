// Shared helpers of the end-to-end tests: one Chromium per spec file, the
// page of the app served by `wails dev`, and the fixtures' expectations.
//
// scripts/e2e.sh starts the app and sets:
//   E2E_URL        the app (default http://localhost:34115)
//   E2E_DIR        the fixtures written by `go run ./e2e/fixtures DIR`
//   E2E_SAVE_DIR   where the app's save dialogs write (DPGCERTS_TEST_SAVE_DIR)
//   E2E_ARTIFACTS  where screenshots go (default artifacts/e2e in the repo)
//   E2E_CHROMIUM   the browser (default /usr/bin/chromium)
import { after, before, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
/** axe-core's script, injected into the page by session().axe. */
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with scripts/e2e.sh (make test-e2e)`);
  return v;
}

export const env = {
  url: process.env.E2E_URL || 'http://localhost:34115',
  dir: required('E2E_DIR'),
  saveDir: process.env.E2E_SAVE_DIR || '',
  artifacts: process.env.E2E_ARTIFACTS || path.join(repo, 'artifacts', 'e2e'),
  chromium: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
};

/** What the fixtures generator promised (DIR/expected.json). */
export const manifest = JSON.parse(fs.readFileSync(path.join(env.dir, 'expected.json'), 'utf8'));

/** The absolute path of a fixture, as the app shows it in data-path. */
export const fixture = (rel) => path.join(env.dir, ...rel.split('/'));

/** Which file statuses each tile stands for. */
export const tileStatuses = {
  valid: ['valid'],
  expiring: ['expiring'],
  invalid: ['expired', 'revoked', 'not_yet_valid', 'invalid'],
  attention: ['locked', 'unreadable'],
};
export const tileNames = Object.keys(tileStatuses);

/**
 * The rows the list should show for files: one per certificate (files with
 * the same SHA-256, such as a .p12 and its .cer, are one row), and one per
 * file whose certificate can't be known (locked, unreadable).
 */
export function expectedRows(files = manifest.files) {
  const rows = [];
  const bySha = new Map();
  for (const f of files) {
    const row = f.sha256 && bySha.get(f.sha256);
    if (row) {
      row.paths.push(f.path);
      continue;
    }
    const r = { sha256: f.sha256 || '', status: f.status, name: f.name || '', paths: [f.path] };
    if (f.sha256) bySha.set(f.sha256, r);
    rows.push(r);
  }
  return rows;
}

/** How many rows each tile should count (signed out: no certificate needs attention for DPG's sake). */
export function expectedTileCounts(files = manifest.files) {
  const counts = Object.fromEntries(tileNames.map((t) => [t, 0]));
  for (const r of expectedRows(files)) {
    const tile = tileNames.find((t) => tileStatuses[t].includes(r.status));
    counts[tile]++;
  }
  return counts;
}

/**
 * eventually retries an assertion until it passes or the time is up, as
 * the UI updates asynchronously (playwright-core has no retrying expect).
 */
export async function eventually(fn, { timeout = 10_000, interval = 150 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * session starts Chromium for one spec file and gives its tests a page.
 * Its `test` screenshots the page when a test fails.
 */
export function session(spec) {
  const s = {
    /** @type {import('playwright-core').Browser} */ browser: null,
    /** @type {import('playwright-core').Page} */ page: null,
    pageErrors: [],
  };

  before(async () => {
    fs.mkdirSync(env.artifacts, { recursive: true });
    s.browser = await chromium.launch({
      executablePath: env.chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--no-default-browser-check',
        '--lang=en-US',
      ],
    });
    // Tall enough that the overview's rows all fit the (virtual) list.
    const context = await s.browser.newContext({ viewport: { width: 1280, height: 1100 }, locale: 'en-US' });
    s.page = await context.newPage();
    // Short: the app answers in milliseconds, and a missing element should
    // fail its test quickly rather than hold up the rest.
    s.page.setDefaultTimeout(5_000);
    s.page.on('pageerror', (err) => {
      s.pageErrors.push(err);
      const where = (err.stack || '').split('\n').slice(1, 3).join(' | ').trim();
      console.error(`[${spec}] page error: ${err.message}${where ? ` (${where})` : ''}`);
    });
    s.page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`[${spec}] console: ${msg.text()}`);
    });
  });

  after(async () => {
    await s.browser?.close();
  });

  /** test is node:test's, with a screenshot of the page on failure. */
  s.test = (name, fn) =>
    nodeTest(name, async (t) => {
      try {
        await fn(t);
      } catch (err) {
        await s.shot(`FAILED-${spec}-${slug(name)}`).catch(() => {});
        throw err;
      }
    });

  /** shot saves a screenshot of the page into the artefacts. */
  s.shot = async (name) => {
    await s.page.screenshot({ path: path.join(env.artifacts, `${name}.png`) });
  };

  /** open loads the app afresh and waits until it shows the list or the welcome. */
  s.open = async () => {
    await s.page.goto(env.url, { waitUntil: 'load' });
    await s.page
      .locator('[data-testid=cert-row], [data-testid=welcome]')
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
  };

  s.byTestId = (id) => s.page.getByTestId(id);
  s.rows = () => s.page.getByTestId('cert-row');
  /** The row of a file: the one it stands for (data-path is the .p12 of a .p12 with its .cer). */
  s.row = (rel) => s.page.locator(`[data-testid=cert-row][data-path="${fixture(rel)}"]`);
  /** The row of a certificate, by its SHA-256. */
  s.rowOf = (sha256) => s.page.locator(`[data-testid=cert-row][data-sha256="${sha256}"]`);
  /** How many files the rows shown hold. */
  s.fileCount = () => s.rows().evaluateAll((rows) => rows.reduce((n, r) => n + Number(r.getAttribute('data-files') || 0), 0));

  /** tileCount reads the number on a tile (valid, expiring, invalid, attention). */
  s.tileCount = async (tile) => {
    const text = await s.byTestId(`tile-${tile}`).getByTestId('tile-count').innerText();
    const digits = text.replace(/\D/g, ''); // "1.234" in Danish, "1,234" in English
    assert.ok(digits !== '', `tile-${tile} shows no number: ${JSON.stringify(text)}`);
    return Number(digits);
  };

  s.tileCounts = async () => {
    const counts = {};
    for (const t of tileNames) counts[t] = await s.tileCount(t);
    return counts;
  };

  /** rowStatuses lists the data-status of every row shown. */
  s.rowStatuses = () => s.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
  s.rowPaths = () => s.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')));

  /** language returns the current language of the window (lang-toggle's data-lang). */
  s.language = () => s.byTestId('lang-toggle').getAttribute('data-lang');

  /** setLanguage switches the window to lang (en or da), if it isn't already. */
  s.setLanguage = async (lang) => {
    if ((await s.language()) === lang) return;
    await s.byTestId('lang-toggle').click();
    await eventually(async () => assert.equal(await s.language(), lang));
  };

  /**
   * axe runs axe-core on the page as it is (or on the part `include`
   * selects) and fails on any violation, naming each rule, its impact and
   * the elements it found.
   */
  s.axe = async (state, { include } = {}) => {
    if (!(await s.page.evaluate(() => typeof window.axe !== 'undefined'))) {
      await s.page.addScriptTag({ content: axeSource });
    }
    const result = await s.page.evaluate(
      async ({ include }) =>
        window.axe.run(include ? { include: [include] } : document, { resultTypes: ['violations'] }),
      { include },
    );
    const lines = result.violations.flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1, 2).join('').trim()}`),
    );
    if (lines.length) await s.shot(`AXE-${spec}-${slug(state)}`).catch(() => {});
    assert.deepEqual(lines, [], `axe in "${state}":\n  ${lines.join('\n  ')}`);
  };

  /**
   * fits checks, at the page's current size, that no tile's or badge's text
   * wraps and no status cell is cut: each element the selectors find shows
   * all of its text (scrollWidth <= clientWidth) on one line.
   */
  s.fits = async (state, selectors = FIT_SELECTORS) => {
    const problems = await s.page.evaluate((selectors) => {
      const out = [];
      const lineCount = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        return tops.size;
      };
      for (const sel of selectors) {
        for (const el of document.querySelectorAll(sel)) {
          if (!el.getClientRects().length) continue; // not shown
          const text = el.textContent.trim().replace(/\s+/g, ' ');
          if (!text) continue;
          if (el.scrollWidth > el.clientWidth + 1) out.push(`${sel} is cut: "${text}" (${el.scrollWidth} > ${el.clientWidth} px)`);
          const lines = lineCount(el);
          if (lines > 1) out.push(`${sel} wraps onto ${lines} lines: "${text}"`);
        }
      }
      return out;
    }, selectors);
    assert.deepEqual(problems, [], `layout in "${state}" at ${JSON.stringify(s.page.viewportSize())}:\n  ${problems.join('\n  ')}`);
  };

  /** atSize runs fn with the page at width×height, then puts the size back. */
  s.atSize = async (width, height, fn) => {
    const before = s.page.viewportSize();
    await s.page.setViewportSize({ width, height });
    try {
      return await fn();
    } finally {
      await s.page.setViewportSize(before);
    }
  };

  return s;
}

/** The real window's size (main.go), where the layout checks run too. */
export const WINDOW = { width: 1180, height: 760 };

/** What must fit on one line, uncut: the tiles' texts, the badges, the status cells' texts. */
export const FIT_SELECTORS = [
  '[data-testid^=tile-] .label',
  '[data-testid^=tile-] [data-testid=tile-count]',
  '[data-testid=cert-row] .badge',
  '[data-testid=usage-badge]',
  '[data-testid=cert-row] .cell.status .sub',
  '[data-testid=cert-row] .cell.name .sub.problem',
  '[data-testid=cert-row] .chips > span',
];
