// The portal against a sandbox of its own (scripts/e2e.sh starts
// `dpgcerts sandbox` and sets E2E_PORTAL): the Access Denied and migration
// screens, the sign-in, a bulk install of five files with one of another
// organisation, and the activation of the renewed Exchange Online
// certificate, including someone else changing the integration between the
// confirmation and the click (412: the window reloads and asks again).
import assert from 'node:assert/strict';
import { eventually, fixture, manifest, session } from '../lib/app.js';
import { ADMIN, PASSWORD, api, portalUrl } from '../lib/sandbox.js';

const app = session('portal');

/** activateOutOfBand makes Exchange Online use the certificate with notAfter (by name). */
async function activateOutOfBand(match) {
  const certs = await api('GET', '/certificates');
  const cert = certs.find(match);
  assert.ok(cert, 'the certificate is installed in the sandbox');
  const ints = await api('GET', '/integrations');
  const exo = ints.find((i) => i.kind === 'exchange_online');
  await api('PUT', `/integrations/${exo.id}/certificate`, { certificateId: cert.id }, {
    'If-Match': exo.version,
    'Idempotency-Key': `e2e-${Date.now()}-${Math.random()}`,
  });
  return cert;
}

async function signIn(token) {
  if (!(await app.byTestId('signin-dialog').isVisible())) {
    await app.byTestId('portal-signin').click();
  }
  await app.byTestId('signin-url').fill(portalUrl);
  await app.byTestId('signin-token').fill(token);
  await app.byTestId('signin-submit').click();
}

const renewed = manifest.portal.find((p) => p.path === 'portal/exchange-fornyet.p12');
const other = manifest.portal.find((p) => p.path === 'portal/anden-kommune.p12');
const oldExchange = manifest.files.find((f) => f.path === 'certs/exchange-online.p12');
const five = ['certs/exchange-online.p12', 'certs/digital-post.p12', 'certs/borgerservice.p12', renewed.path, other.path];

app.test('an unregistered user sees Access Denied with the registration form; an old-portal user the migration form', async () => {
  assert.ok(portalUrl, 'E2E_PORTAL is set by scripts/e2e.sh');
  await app.open();
  await app.setLanguage('en');
  await signIn('sandbox-unregistered');
  const denied = app.byTestId('access-denied');
  await denied.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await denied.innerText(), /Access Denied/);
  assert.equal(await app.byTestId('account-form-link').getAttribute('data-url'), `${portalUrl}/register`);
  assert.equal((await fetch(`${portalUrl}/register`)).status, 200, 'the sandbox serves the registration page');
  await app.shot('portal-access-denied');

  await app.byTestId('account-other-token').click();
  await signIn('sandbox-old-portal');
  await app.byTestId('migration-required').waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await app.byTestId('account-form-link').getAttribute('data-url'), `${portalUrl}/migrate`);
  await app.shot('portal-migration');
  await app.byTestId('account-back').click();
  await app.byTestId('migration-required').waitFor({ state: 'hidden' });
});

app.test('signing in with the admin token shows the organisation', async () => {
  await signIn(ADMIN);
  await app.byTestId('signin-dialog').waitFor({ state: 'hidden', timeout: 15_000 });
  await eventually(async () => assert.match(await app.byTestId('portal-status').innerText(), /Testkommune Nord/), { timeout: 15_000 });
  await app.shot('portal-signed-in');
});

app.test('five files installed in one go: four arrive, the one of another organisation fails cleanly', async () => {
  for (const rel of five) {
    await app.row(rel).getByTestId('row-select').check();
  }
  assert.match(await app.byTestId('install-selected').innerText(), /5/);
  await app.byTestId('install-selected').click();
  const dialog = app.byTestId('install-results');
  await dialog.waitFor({ state: 'visible' });
  // The window's session knows no password (no keychain in the tests): one
  // password opens the waiting files.
  const form = app.byTestId('install-password-form');
  await eventually(async () => {
    const waiting = await form.isVisible();
    const results = await app.byTestId('install-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-result')));
    assert.ok(waiting || results.every((r) => r !== 'sending'), `still sending: ${results}`);
  }, { timeout: 30_000 });
  if (await form.isVisible()) {
    await app.byTestId('install-password').fill(PASSWORD);
    await app.byTestId('install-password-submit').click();
  }
  await eventually(async () => {
    const got = await app.byTestId('install-result').evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-path'), [e.getAttribute('data-result'), e.getAttribute('data-code')]])),
    );
    const want = Object.fromEntries(five.map((rel) => [fixture(rel), rel === other.path ? ['failed', 'cvr_mismatch'] : ['installed', '']]));
    assert.deepEqual(got, want);
  }, { timeout: 30_000 });
  await app.shot('portal-install-results');
  await app.byTestId('install-close').click();
  await dialog.waitFor({ state: 'hidden' });
  // The other organisation's certificate was refused here, before anything
  // was sent or a password asked for: nothing failed in the outbox.
  assert.equal(await app.byTestId('failed-count').count(), 0);

  // The sandbox's own records: four certificates, none of the other CVR.
  const certs = await api('GET', '/certificates');
  assert.equal(certs.length, 4);
  assert.ok(!certs.some((c) => c.cvr === manifest.otherCvr));

  // No integration uses the old Exchange Online certificate, and its renewal
  // is now in DPG and valid: it is replaced, counted in no tile, and one
  // click shows it.
  await eventually(async () => assert.equal(await app.byTestId('replaced-count').innerText(), '1 replaced certificate is not counted.'), { timeout: 15_000 });
  assert.equal(await app.row(oldExchange.path).count(), 0);
  await app.byTestId('replaced-toggle').click();
  assert.equal(await app.row(oldExchange.path).getAttribute('data-replaced'), 'true');

  // After the install, the rows say so (the offline copy refreshes after the sync).
  await eventually(async () => {
    const inDpg = Object.fromEntries(await Promise.all(five.map(async (rel) => [rel, await app.row(rel).getAttribute('data-in-dpg')])));
    assert.deepEqual(inDpg, Object.fromEntries(five.map((rel) => [rel, rel === other.path ? 'false' : 'true'])));
  }, { timeout: 15_000 });
  assert.match(await app.row('certs/digital-post.p12').innerText(), /In DPG[\s\S]*On this PC/);
  // The failed install was dismissed: its row no longer says it failed.
  await eventually(async () => assert.equal(await app.row(other.path).getByTestId('row-operation').count(), 0));
  await app.shot('portal-in-dpg');
});

app.test('the renewed certificate is activated for Exchange Online; a change in between makes the window ask again', async () => {
  // The old certificate is in use (as if activated long ago).
  const old = await activateOutOfBand((c) => c.notAfter.startsWith(oldExchange.notAfter.slice(0, 10)) && c.commonName === oldExchange.name);

  // "Sync now" brings the change: the old file gets its badge, and the
  // renewed one is offered as its successor.
  await app.byTestId('portal-sync').click();
  await eventually(async () =>
    assert.equal(await app.row(oldExchange.path).locator('[data-testid=usage-badge][data-kind=exchange_online]').count(), 1),
  { timeout: 15_000 });
  await app.row(renewed.path).click();
  await app.byTestId('details').waitFor({ state: 'visible' });
  await app.page.locator('[data-testid=successor-offer][data-kind=exchange_online]').waitFor({ state: 'visible', timeout: 15_000 });
  await app.shot('portal-successor-offer');
  await app.byTestId('use-for').click();
  await app.page.locator('[data-testid=activate-integration][data-kind=exchange_online]').click();
  // Exchange Online: Entra first. The escape hatch, behind its warning, skips the check.
  await app.byTestId('entra-step').waitFor({ state: 'visible', timeout: 15_000 });
  await app.byTestId('entra-skip').click();
  const warning = app.byTestId('entra-skip-warning');
  await warning.waitFor({ state: 'visible' });
  assert.match(await warning.innerText(), /Exchange Online stops/);
  await app.shot('portal-entra-skip-warning');
  await app.byTestId('entra-skip-confirm').click();
  const confirm = app.byTestId('activate-confirm');
  await confirm.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await app.byTestId('entra-state').innerText(), /Not checked in Entra/);
  assert.equal(await app.byTestId('activate-old').getAttribute('data-sha256'), old.sha256);
  const newSha = await app.byTestId('activate-new').getAttribute('data-sha256');
  assert.notEqual(newSha, old.sha256);
  assert.match(await app.byTestId('activate-old').innerText(), /exchange@testkommune-nord\.dk/);
  await app.shot('portal-activate-confirm');

  // Someone else switches Exchange Online to the Digital Post certificate.
  const meanwhile = await activateOutOfBand((c) => c.commonName.startsWith('digitalpost@'));
  await app.byTestId('activate-ok').click();
  await app.byTestId('activate-changed').waitFor({ state: 'visible', timeout: 20_000 });
  assert.equal(await app.byTestId('activate-old').getAttribute('data-sha256'), meanwhile.sha256, 'the reloaded state');
  await app.shot('portal-activate-412');

  await app.byTestId('activate-ok').click();
  await confirm.waitFor({ state: 'hidden', timeout: 20_000 });

  const ints = await api('GET', '/integrations');
  const certs = await api('GET', '/certificates');
  const active = certs.find((c) => c.id === ints.find((i) => i.kind === 'exchange_online').activeCertificateId);
  assert.equal(active.sha256, newSha, 'the sandbox says Exchange Online uses the renewed certificate');

  // The audit trail in the details: installed, then activated.
  await eventually(async () => {
    const actions = await app.byTestId('audit-event').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    assert.ok(actions.includes('integration.activated') && actions.includes('certificate.installed'), `audit: ${actions}`);
  }, { timeout: 15_000 });
  await app.page.keyboard.press('Escape');
  await app.byTestId('details').waitFor({ state: 'hidden' });

  // The usage badge, from the offline copy.
  await eventually(async () =>
    assert.equal(await app.row(renewed.path).locator('[data-testid=usage-badge][data-kind=exchange_online]').count(), 1),
  { timeout: 15_000 });
  assert.equal(await app.row(oldExchange.path).locator('[data-testid=usage-badge]').count(), 0, 'the old one is no longer used');
  await app.shot('portal-usage');
  // Offline-cached: a reload shows it without asking the portal first.
  await app.open();
  await eventually(async () =>
    assert.equal(await app.row(renewed.path).locator('[data-testid=usage-badge][data-kind=exchange_online]').count(), 1),
  );
});
