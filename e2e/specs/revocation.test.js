// Is it revoked? The window asks a real CA on loopback in the background
// after a scan, and shows the revoked certificate in the "Invalid or
// expired" tile, with the revocation time and reason in its details, in
// English and in Danish; for slow CAs, the check's progress and Cancel.
//
// scripts/e2e.sh runs e2e/revocation first (a real `openssl ocsp`
// responder, the issuer and the CRL over HTTP, all on 127.0.0.1), which
// writes E2E_REVOCATION/expected.json, and starts this spec's app on an
// empty cache, on the real clock (the responder dates its answers now),
// with the dialogs answering what E2E_REVOCATION/pick.txt holds.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { eventually, session, sleep } from '../lib/app.js';

const dir = process.env.E2E_REVOCATION;
if (!dir) throw new Error('E2E_REVOCATION is not set: run the tests with scripts/e2e.sh (make test-e2e)');
/** What e2e/revocation made: good, revoked (with revokedAt and reason), slow. */
const ca = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
const certsDir = path.dirname(ca.good.path);

/** The next file dialog answers p. */
const pick = (p) => fs.writeFileSync(path.join(dir, 'pick.txt'), `${p}\n`);

// The texts, from locales/en.json and locales/da.json.
const texts = {
  en: {
    tile: 'Invalid or expired',
    revoked: 'Revoked',
    good: 'Not revoked',
    title: 'Revocation',
    revokedAt: 'Revoked on',
    reason: 'The key may be exposed', // revocation.reasons.keyCompromise
    source: 'OCSP responder',
    progress: /^Checking revocation: (\d+) of (\d+)$/,
    cancel: 'Cancel',
    cancelled: 'The revocation check was cancelled. The answers so far are kept.',
  },
  da: {
    tile: 'Ugyldige eller udløbne',
    revoked: 'Spærret',
    good: 'Ikke spærret',
    title: 'Spærring',
    revokedAt: 'Spærret den',
    reason: 'Nøglen kan være kompromitteret',
    source: 'OCSP-tjeneste',
    progress: /^Tjekker spærring: (\d+) af (\d+)$/,
    cancel: 'Annuller',
    cancelled: 'Tjekket af spærring blev annulleret. De svar, der allerede er kommet, bliver gemt.',
  },
};

const app = session('revocation');
const row = (p) => app.page.locator(`[data-testid=cert-row][data-path="${p}"]`);

/** The revocation time as the window writes it in lang (frontend/src/utils/format.ts), in the browser's time zone. */
function revokedAtText(lang) {
  return app.page.evaluate(
    ([iso, lang]) =>
      (lang === 'da'
        ? new Intl.DateTimeFormat('da-DK', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' })
        : new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })
      ).format(new Date(iso)),
    [ca.revoked.revokedAt, lang],
  );
}

const text = async (id) => (await app.byTestId(id).innerText()).trim();

/** openDetails opens a file's details and waits for its revocation section. */
async function openDetails(p) {
  await row(p).click();
  await app.byTestId('details').waitFor({ state: 'visible' });
  await app.byTestId('revocation').waitFor({ state: 'visible' });
}

async function closeDetails() {
  await app.page.keyboard.press('Escape');
  await app.byTestId('details').waitFor({ state: 'hidden' });
}

/** The revoked certificate's details say revoked, when, why and who said so, in lang. */
async function assertRevokedDetails(lang) {
  const w = texts[lang];
  await openDetails(ca.revoked.path);
  const section = app.byTestId('revocation');
  await eventually(async () => assert.equal(await section.getAttribute('data-revocation'), 'revoked'));
  assert.equal(await text('details-status'), w.revoked);
  assert.equal(await text('revocation-status'), w.revoked);
  assert.equal(await text('revocation-reason'), w.reason);
  assert.equal(await text('revocation-revokedAt'), await revokedAtText(lang));
  assert.equal(await text('revocation-source'), w.source);
  const all = await section.innerText();
  assert.ok(all.includes(w.title) && all.includes(w.revokedAt), `the section's headings are in ${lang}: ${all}`);
  await app.shot(`revocation-${lang}-details`);
  await closeDetails();

  await openDetails(ca.good.path);
  await eventually(async () => assert.equal(await app.byTestId('revocation').getAttribute('data-revocation'), 'good'));
  assert.equal(await text('revocation-status'), w.good);
  await closeDetails();
}

app.test('after a scan, the CA is asked: the revoked certificate counts as invalid, with its time and reason (English)', async () => {
  await app.open();
  await app.setLanguage('en');
  await app.byTestId('welcome').waitFor({ state: 'visible' }); // an empty cache of its own
  pick(certsDir);
  await app.byTestId('scan-folder').first().click();

  // The background check after the scan: the row turns revoked when the
  // answers are in.
  await eventually(async () => assert.equal(await row(ca.revoked.path).getAttribute('data-status'), 'revoked'), {
    timeout: 30_000,
  });
  assert.equal(await row(ca.good.path).getAttribute('data-status'), 'valid');
  assert.deepEqual(await app.tileCounts(), { valid: 1, expiring: 0, invalid: 1, attention: 0 });
  assert.ok((await app.byTestId('tile-invalid').innerText()).includes(texts.en.tile));
  assert.ok((await row(ca.revoked.path).innerText()).includes(texts.en.revoked), 'the row says Revoked');
  assert.ok((await row(ca.revoked.path).innerText()).includes(ca.revoked.name));
  await app.shot('revocation-en-overview');

  // The tile filters to it.
  await app.byTestId('tile-invalid').click();
  await eventually(async () => assert.deepEqual(await app.rowPaths(), [ca.revoked.path]));
  await app.shot('revocation-en-invalid-tile');
  await app.byTestId('tile-invalid').click();
  await eventually(async () => assert.equal((await app.rowPaths()).length, 2));

  await assertRevokedDetails('en');
});

app.test('in Danish: spærret, with the time and the reason', async () => {
  await app.open();
  await app.setLanguage('da');
  await eventually(async () => assert.ok((await app.byTestId('tile-invalid').innerText()).includes(texts.da.tile)));
  assert.equal(await app.tileCount('invalid'), 1);
  assert.equal(await row(ca.revoked.path).getAttribute('data-status'), 'revoked');
  assert.ok((await row(ca.revoked.path).innerText()).includes(texts.da.revoked), 'the row says Spærret');
  await app.shot('revocation-da-overview');
  await assertRevokedDetails('da');

  // The answers are in the cache: a reload shows the same.
  await app.open();
  assert.equal(await row(ca.revoked.path).getAttribute('data-status'), 'revoked');
  await app.setLanguage('en');
});

app.test('a slow CA: the check shows its progress in both languages, and Cancel stops it', async () => {
  await app.open();
  await app.setLanguage('en');
  pick(ca.slow);
  await app.byTestId('scan-folder').first().click();

  const check = app.byTestId('revocation-check');
  const bar = app.byTestId('revocation-progress');
  await check.waitFor({ state: 'visible', timeout: 20_000 });
  assert.equal(await check.getAttribute('role'), 'status');
  assert.equal(await bar.getAttribute('role'), 'progressbar');
  assert.equal(Number(await bar.getAttribute('aria-valuemax')), ca.slowCount);

  // The CA answers its first requests slowly and holds the rest (until
  // Cancel or the client's timeout): the check moves, then stays part way
  // for as long as this test takes, however loaded the machine.
  let done = 0;
  await eventually(
    async () => {
      done = Number(await bar.getAttribute('aria-valuenow'));
      assert.ok(done >= ca.slowAnswered, `progress moves (aria-valuenow=${done})`);
    },
    { timeout: 20_000, interval: 50 },
  );
  const en = (await text('revocation-progress-text')).match(texts.en.progress);
  assert.ok(en, `the English progress line: ${await text('revocation-progress-text')}`);
  assert.equal(Number(en[2]), ca.slowCount);
  assert.equal(await text('revocation-cancel'), texts.en.cancel);
  assert.ok(done < ca.slowCount, `part way: ${done} of ${ca.slowCount}`);
  await app.shot('revocation-progress-en');

  await app.setLanguage('da');
  const da = (await text('revocation-progress-text')).match(texts.da.progress);
  assert.ok(da, `the Danish progress line: ${await text('revocation-progress-text')}`);
  assert.equal(Number(da[2]), ca.slowCount);
  assert.equal(await text('revocation-cancel'), texts.da.cancel);
  await app.shot('revocation-progress-da');

  done = Number(await bar.getAttribute('aria-valuenow'));
  assert.ok(done < ca.slowCount, `still part way before Cancel: ${done} of ${ca.slowCount}`);
  await app.byTestId('revocation-cancel').click();
  // The held requests would end only at the client's 10 s timeout
  // (revocation.DefaultTimeout): hidden before it, the check was stopped.
  await check.waitFor({ state: 'hidden', timeout: 9_000 });
  await eventually(async () => {
    const toasts = await app.byTestId('toast').allInnerTexts();
    assert.ok(toasts.some((t) => t.includes(texts.da.cancelled)), `a toast says it was cancelled: ${JSON.stringify(toasts)}`);
  });
  await app.shot('revocation-cancelled-da');

  // It stays stopped, and the answers already in stay: the revoked one too.
  await sleep(3_000);
  assert.equal(await check.count(), 0, 'no check runs after Cancel');
  assert.equal(await row(ca.revoked.path).getAttribute('data-status'), 'revoked');
  assert.equal(await app.tileCount('invalid'), 1);
  assert.equal(await app.tileCount('valid'), 1 + ca.slowCount);
  await app.setLanguage('en');
});
