// The DPG solution at a glance, against a sandbox that another client has
// already filled through the API: scripts/e2e.sh installed four
// certificates with `dpgcerts install` and activated three of them with
// `dpgcerts activate` (over HTTP, with a database of its own) before this
// window started on an empty cache. The window signs in, and then:
//   - its tiles and list show DPG's certificates, its cards the integrations;
//   - it activates one that has no file on this PC;
//   - a .p12 with its .cer is one row with two files;
//   - the Exchange Online card takes the renewal through its three steps:
//     install in DPG, register in Entra (a wrong thumbprint is refused, and
//     DPG keeps the old certificate), activate; the note to remove the old
//     certificate from Entra stays until dismissed; its row says "In DPG";
//   - someone else goes back to the old certificate: the card offers to
//     activate the renewal, through the confirmation, with If-Match;
//   - the secure mailbox's card activates the renewal of its expiring
//     certificate: the old one leaves "Expiring soon", a line says it is
//     not counted, and one click shows it as "Replaced".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { WINDOW, eventually, fixture, manifest, session, sleep } from '../lib/app.js';
import { ADMIN, PASSWORD, api, portalUrl } from '../lib/sandbox.js';

const app = session('dpg');
const pickFile = process.env.E2E_PICK_FILE;

const sha = (rel) => [...manifest.files, ...manifest.portal].find((f) => f.path === rel).sha256;
const exchange = sha('certs/exchange-online.p12');
const digitalPost = sha('certs/digital-post.p12');
const borgerservice = sha('certs/borgerservice.p12');
const jobcenter = sha('certs/jobcenter.p12');
const renewed = sha('portal/exchange-fornyet.p12');
const borgerRenewal = manifest.renewals.find((f) => f.path === 'renewals/borgerservice-fornyet.p12');
// focused is the data-testid of the element that has the focus.
const focused = () => app.page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
const card = (kind) => app.page.locator(`[data-testid=integration-card][data-kind=${kind}]`);

/** activeSha256 is the SHA-256 of the certificate the sandbox says the integration uses. */
async function activeSha256(kind) {
  const [ints, certs] = await Promise.all([api('GET', '/integrations'), api('GET', '/certificates')]);
  const id = ints.find((i) => i.kind === kind).activeCertificateId;
  return certs.find((c) => c.id === id)?.sha256 ?? null;
}

const shownShas = () => app.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sha256')).sort());

app.test('a new window welcomes with Sign in to DPG; signed in, it shows what DPG holds', async () => {
  assert.ok(portalUrl && pickFile, 'E2E_PORTAL and E2E_PICK_FILE are set by scripts/e2e.sh');
  const before = await api('GET', '/certificates');
  assert.equal(before.length, 4, 'the other client installed four certificates');

  await app.open();
  await app.setLanguage('en');
  const welcome = app.byTestId('welcome');
  await welcome.waitFor({ state: 'visible' });
  await app.shot('dpg-welcome');
  await app.axe('welcome');
  await welcome.getByTestId('welcome-signin').click();
  await app.byTestId('signin-dialog').waitFor({ state: 'visible' });
  await app.axe('sign-in');
  await app.byTestId('signin-url').fill(portalUrl);
  await app.byTestId('signin-token').fill(ADMIN);
  await app.byTestId('signin-submit').click();
  await app.byTestId('signin-dialog').waitFor({ state: 'hidden', timeout: 15_000 });

  // The rows: DPG's four certificates, none of them on this PC.
  await eventually(async () => assert.deepEqual(await shownShas(), [exchange, digitalPost, borgerservice, jobcenter].sort()), { timeout: 15_000 });
  for (const s of [exchange, digitalPost, borgerservice, jobcenter]) {
    assert.equal(await app.rowOf(s).getAttribute('data-in-dpg'), 'true');
    assert.equal(await app.rowOf(s).getAttribute('data-files'), '0');
  }
  assert.equal(await app.rowOf(exchange).locator('[data-testid=usage-badge][data-kind=exchange_online]').count(), 1);
  assert.match(await app.rowOf(jobcenter).innerText(), /In DPG/);
  // Installed, and no integration uses it: not in use.
  assert.equal(await app.rowOf(jobcenter).getByTestId('not-in-use').innerText(), 'Not in use');
  assert.equal(await app.byTestId('replaced-line').count(), 0, 'nothing is replaced yet');
  // The tiles count those certificates: two valid, two expiring; the one in
  // use that expires with no renewal needs attention.
  assert.deepEqual(await app.tileCounts(), { valid: 2, expiring: 2, invalid: 0, attention: 1 });
  await app.byTestId('tile-attention').click();
  await eventually(async () => assert.deepEqual(await shownShas(), [borgerservice]));
  await app.byTestId('tile-attention').click();

  // The cards: the one that stops first first, and what to do about it.
  await eventually(async () => assert.equal(await app.byTestId('integration-card').count(), 4));
  const first = app.byTestId('integration-card').first();
  assert.equal(await first.getAttribute('data-kind'), 'secure_mail');
  assert.equal(await first.getAttribute('data-next-step'), 'renew');
  assert.match(await first.getByTestId('card-state').innerText(), /Expires in 12 days: no renewal found/);
  assert.equal(await card('exchange_online').getAttribute('data-state'), 'ok');
  assert.equal(await card('mit_dk').getAttribute('data-state'), 'no_certificate');
  assert.match(await app.byTestId('cards-synced').innerText(), /From DPG, last synced/);
  await app.shot('dpg-signed-in');
  await app.axe('the integration cards, signed in');
  await app.fits('signed in');
  await app.atSize(WINDOW.width, WINDOW.height, async () => {
    await app.fits(`signed in at ${WINDOW.width}×${WINDOW.height}`);
    await app.shot(`dpg-signed-in-${WINDOW.width}x${WINDOW.height}`);
  });
});

app.test('a certificate with no file on this PC is activated from its details, by its portal id', async () => {
  await app.rowOf(jobcenter).click();
  const details = app.byTestId('dpg-details');
  await details.waitFor({ state: 'visible' });
  assert.match(await details.innerText(), /There is no file of it on this PC/);
  assert.equal(await app.byTestId('thumb-sha256').innerText(), jobcenter.toUpperCase());
  await eventually(async () => assert.ok((await app.byTestId('audit-event').count()) >= 1, 'its history'), { timeout: 15_000 });
  await app.byTestId('use-for').click();
  await app.page.locator('[data-testid=activate-integration][data-kind=mit_dk]').click();
  await app.byTestId('activate-confirm').waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await app.byTestId('activate-new').getAttribute('data-sha256'), jobcenter);
  await app.shot('dpg-activate-confirm');
  await app.axe('the activation dialog');
  await app.byTestId('activate-ok').click();
  await app.byTestId('activate-confirm').waitFor({ state: 'hidden', timeout: 20_000 });
  assert.equal(await activeSha256('mit_dk'), jobcenter, 'the sandbox says mit.dk uses it');

  await eventually(async () => assert.equal(await app.rowOf(jobcenter).locator('[data-testid=usage-badge][data-kind=mit_dk]').count(), 1), { timeout: 15_000 });
  await eventually(async () => assert.equal(await card('mit_dk').getAttribute('data-state'), 'expiring'));
  await app.page.keyboard.press('Escape');
  await details.waitFor({ state: 'hidden' });
  // Its public certificate, from DPG's record.
  await app.rowOf(digitalPost).click();
  await app.byTestId('export-cer').click();
  await eventually(async () => assert.match(await app.byTestId('toast').last().innerText(), /digitalpost@.*\.cer/));
  await app.page.keyboard.press('Escape');
});

app.test('files added: a .p12 and its .cer are one row with two files, and in DPG', async () => {
  fs.writeFileSync(pickFile, ['certs/exchange-online.p12', 'certs/offentlig/exchange-online.cer', 'portal/exchange-fornyet.p12'].map(fixture).join('\n'));
  await app.byTestId('add-files').first().click();
  // No password is known to this window: the first .p12 asks for it, and
  // the password that opens it is tried on the other locked file at once
  // (they share it), so that one is asked only if the try hasn't opened it.
  const dialog = app.byTestId('password-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 20_000 });
  const names = ['exchange-online.p12', 'exchange-fornyet.p12'];
  // Done is a state, not a quiet moment: no dialog, and neither file is
  // still a locked row (the background try may open the second one).
  const stillLocked = () => app.page.locator('[data-testid=cert-row][data-status=locked]').evaluateAll(
    (rows, names) => rows.filter((r) => names.some((n) => (r.getAttribute('data-path') ?? '').endsWith(n))).length, names);
  const answered = [];
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if (!(await dialog.isVisible())) {
      if ((await stillLocked()) === 0) break;
      await sleep(150); // between two files, or the try under way
      continue;
    }
    const text = await dialog.innerText().catch(() => '');
    const asked = names.find((n) => text.includes(n));
    if (!asked || asked === answered.at(-1)) {
      await sleep(150); // still the one just answered
      continue;
    }
    answered.push(asked);
    await app.byTestId('password-input').fill(PASSWORD);
    await app.byTestId('password-submit').click();
    await sleep(200);
  }
  assert.ok(answered.length >= 1, 'a .p12 asked for its password');
  assert.equal(new Set(answered).size, answered.length, 'no file asked twice');
  assert.equal(await stillLocked(), 0, 'both files opened');
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });

  const row = app.rowOf(exchange);
  await eventually(async () => assert.equal(await row.getAttribute('data-files'), '2'), { timeout: 15_000 });
  assert.equal(await app.rowOf(exchange).count(), 1, 'one row for both files');
  assert.equal(await row.getAttribute('data-in-dpg'), 'true');
  assert.equal(await row.getAttribute('data-path'), fixture('certs/exchange-online.p12'));
  assert.match(await row.innerText(), /In DPG[\s\S]*On this PC[\s\S]*2 files/);
  assert.equal(await app.rowOf(renewed).getAttribute('data-in-dpg'), 'false');
  await app.shot('dpg-two-files');
});

/** record is the sandbox's record of the certificate with this SHA-256. */
async function record(sha256) {
  return (await api('GET', '/certificates')).find((c) => c.sha256 === sha256);
}

app.test('the Exchange Online card takes the renewal through install in DPG, Entra, then activation', async () => {
  const exo = card('exchange_online');
  await eventually(async () => assert.equal(await exo.getAttribute('data-next-step'), 'install_and_activate'), { timeout: 15_000 });
  assert.match(await exo.getByTestId('card-state').innerText(), /the renewal is on this PC, not in DPG/);
  assert.equal(await exo.getByTestId('card-action').innerText(), 'Install in DPG');
  await app.shot('dpg-card-install');
  await app.axe('a card offering the install in DPG');

  // Step 1: the install in DPG. Exchange Online keeps the old certificate.
  await exo.getByTestId('card-action').click();
  const installStep = app.byTestId('entra-install-step');
  await installStep.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await installStep.innerText(), /Step 1 of 3/);
  await app.byTestId('entra-install').click();
  const entraStep = app.byTestId('entra-step');
  await entraStep.waitFor({ state: 'visible', timeout: 30_000 });
  // The keyboard follows: each step focuses what it asks for first.
  await eventually(async () => assert.equal(await focused(), 'entra-export-cer'));
  assert.ok(await record(renewed), 'the sandbox has the renewal');
  assert.equal(await activeSha256('exchange_online'), exchange, 'Exchange Online still uses the old certificate');

  // Step 2: Entra. The SHA-1 as Entra shows it; the old certificate's thumbprint is refused, by name.
  const newRecord = await record(renewed);
  const oldRecord = await record(exchange);
  assert.equal(await app.byTestId('entra-sha1').innerText(), newRecord.sha1.toUpperCase());
  await app.shot('dpg-entra-step');
  await app.axe('the Entra step');
  await app.byTestId('entra-thumbprint').fill(oldRecord.sha1.toUpperCase());
  await app.byTestId('entra-confirm').click();
  const refused = app.byTestId('entra-refused');
  await refused.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await refused.innerText(), new RegExp(`That is the thumbprint of ${oldRecord.commonName.replace('.', '\\.')}`));
  assert.equal(await activeSha256('exchange_online'), exchange, 'a wrong paste activates nothing');
  assert.equal(await focused(), 'entra-thumbprint', 'a refused paste returns to its field');
  await app.shot('dpg-entra-refused');

  // Closed between the steps, the card comes back at Entra.
  await entraStep.getByRole('button', { name: 'Cancel' }).click();
  await eventually(async () => assert.equal(await exo.getAttribute('data-next-step'), 'register_entra'), { timeout: 15_000 });
  assert.equal(await exo.getByTestId('card-action').innerText(), 'Register in Entra');
  await exo.getByTestId('card-action').click();
  await entraStep.waitFor({ state: 'visible', timeout: 15_000 });
  // Entra's form: upper case, with colons; by keyboard, Enter confirms.
  await app.byTestId('entra-thumbprint').fill(newRecord.sha1.toUpperCase().match(/../g).join(':'));
  await app.page.keyboard.press('Enter');

  // Step 3: the side-by-side confirmation; only now does DPG switch.
  const confirm = app.byTestId('activate-confirm');
  await confirm.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await confirm.innerText(), /Step 3 of 3/);
  assert.equal(await app.byTestId('activate-old').getAttribute('data-sha256'), exchange);
  assert.equal(await app.byTestId('activate-new').getAttribute('data-sha256'), renewed);
  assert.equal(await activeSha256('exchange_online'), exchange);
  await eventually(async () => assert.equal(await focused(), 'activate-ok'));
  await app.page.keyboard.press('Enter');
  await confirm.waitFor({ state: 'hidden', timeout: 20_000 });
  await eventually(async () => assert.equal(await activeSha256('exchange_online'), renewed, 'the sandbox says Exchange Online uses the renewal'), { timeout: 30_000 });
  await eventually(async () => assert.equal(await exo.getAttribute('data-next-step'), 'none'), { timeout: 15_000 });

  // The lasting note: remove the old certificate from Entra, with its thumbprint.
  const note = exo.getByTestId('entra-note');
  await note.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await note.innerText(), /Remove the old certificate from the app registration once mail flows again/);
  assert.match(await note.innerText(), new RegExp(oldRecord.sha1.toUpperCase()));
  await app.shot('dpg-entra-note');

  // After the install, its row says In DPG, and which integration uses it.
  const row = app.rowOf(renewed);
  await eventually(async () => assert.equal(await row.getAttribute('data-in-dpg'), 'true'), { timeout: 15_000 });
  assert.equal(await row.locator('[data-testid=usage-badge][data-kind=exchange_online]').count(), 1);
  assert.equal(await app.rowOf(exchange).locator('[data-testid=usage-badge]').count(), 0, 'the old one is no longer used');
  // Attention: the two certificates in use that expire with no renewal. The
  // old Exchange Online certificate is replaced: it counts in no tile.
  await eventually(async () => assert.deepEqual(await app.tileCounts(), { valid: 2, expiring: 2, invalid: 0, attention: 2 }));
  assert.equal(await app.byTestId('replaced-count').innerText(), '1 replaced certificate is not counted.');
  await app.shot('dpg-after-install');

  // The offline copy: a reload shows the same, the note too, without asking DPG first.
  await app.open();
  await eventually(async () => assert.equal(await app.rowOf(renewed).getAttribute('data-in-dpg'), 'true'));
  assert.equal(await app.byTestId('integration-card').count(), 4);
  await card('exchange_online').getByTestId('entra-note').waitFor({ state: 'visible', timeout: 15_000 });

  // In Danish, then dismissed.
  await app.setLanguage('da');
  await eventually(async () =>
    assert.match(await card('exchange_online').getByTestId('entra-note').innerText(), /Fjern det gamle certifikat fra app-registreringen, når posten kører igen/),
  );
  await app.shot('dpg-entra-note-da');
  await card('exchange_online').getByTestId('entra-note-dismiss').click();
  await card('exchange_online').getByTestId('entra-note').waitFor({ state: 'hidden', timeout: 15_000 });
  await app.setLanguage('en');
});

app.test('someone else goes back to the old certificate: the card activates the renewal in DPG after the confirmation', async () => {
  // Another client makes Exchange Online use the old certificate again (If-Match: the version it saw).
  const [ints, certs] = await Promise.all([api('GET', '/integrations'), api('GET', '/certificates')]);
  const exoInt = ints.find((i) => i.kind === 'exchange_online');
  await api('PUT', `/integrations/${exoInt.id}/certificate`, { certificateId: certs.find((c) => c.sha256 === exchange).id }, {
    'If-Match': exoInt.version,
    'Idempotency-Key': `e2e-dpg-${Date.now()}`,
  });
  await app.byTestId('portal-sync').click();
  const exo = card('exchange_online');
  await eventually(async () => assert.equal(await exo.getAttribute('data-next-step'), 'activate'), { timeout: 15_000 });
  assert.match(await exo.getByTestId('card-state').innerText(), /In order: the renewal is in DPG but not active/);
  await exo.getByTestId('card-action').click();

  const confirm = app.byTestId('activate-confirm');
  await confirm.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await app.byTestId('activate-old').getAttribute('data-sha256'), exchange);
  assert.equal(await app.byTestId('activate-new').getAttribute('data-sha256'), renewed);
  await app.shot('dpg-card-activate-confirm');
  await app.axe("a card's activation dialog");
  // Entra has the renewal already (confirmed above): no Entra step this time.
  await app.byTestId('activate-ok').click();
  await confirm.waitFor({ state: 'hidden', timeout: 20_000 });
  assert.equal(await activeSha256('exchange_online'), renewed);
  await eventually(async () => assert.equal(await exo.getAttribute('data-next-step'), 'none'), { timeout: 15_000 });

  // In Danish too.
  await app.setLanguage('da');
  await eventually(async () => assert.match(await card('secure_mail').getByTestId('card-state').innerText(), /Udløber om 12 dage: ingen fornyelse fundet/));
  assert.match(await app.rowOf(renewed).innerText(), /I DPG[\s\S]*På denne pc/);
  await app.shot('dpg-da');
  await app.axe('the integration cards in Danish');
  await app.atSize(WINDOW.width, WINDOW.height, () => app.fits(`Danish at ${WINDOW.width}×${WINDOW.height}`));
  await app.setLanguage('en');
});

app.test('the card activates the renewal of an expiring certificate: the old one leaves "Expiring soon", and one click shows it as Replaced', async () => {
  const secure = card('secure_mail');
  const expiringShas = async () => {
    await app.byTestId('tile-expiring').click();
    const shas = await shownShas();
    await app.byTestId('tile-expiring').click();
    return shas;
  };
  assert.deepEqual(await expiringShas(), [borgerservice, jobcenter].sort());
  assert.equal(await app.tileCount('expiring'), 2);

  // Its renewal is downloaded to this PC; the password typed before opens it.
  fs.writeFileSync(pickFile, fixture(borgerRenewal.path));
  await app.byTestId('add-files').first().click();
  const dialog = app.byTestId('password-dialog');
  await eventually(async () => {
    if (await dialog.isVisible()) {
      await app.byTestId('password-input').fill(PASSWORD);
      await app.byTestId('password-submit').click();
    }
    assert.equal(await secure.getAttribute('data-next-step'), 'install_and_activate');
  }, { timeout: 20_000 });
  await secure.getByTestId('card-action').click();
  await eventually(async () => assert.equal(await activeSha256('secure_mail'), borgerRenewal.sha256, 'the sandbox says secure mail uses the renewal'), { timeout: 30_000 });
  await eventually(async () => assert.equal(await secure.getAttribute('data-next-step'), 'none'), { timeout: 15_000 });

  // The old certificate left "Expiring soon" (and the list); the line says so.
  await eventually(async () => assert.deepEqual(await app.tileCounts(), { valid: 3, expiring: 1, invalid: 0, attention: 1 }), { timeout: 15_000 });
  assert.deepEqual(await expiringShas(), [jobcenter]);
  assert.equal(await app.rowOf(borgerservice).count(), 0);
  assert.equal(await app.byTestId('replaced-count').innerText(), '2 replaced certificates are not counted.');
  await app.shot('dpg-replaced-hidden');

  // One click shows them, muted, with what replaced them.
  const toggle = app.byTestId('replaced-toggle');
  assert.equal(await toggle.innerText(), 'Show in the list');
  await toggle.click();
  const old = app.rowOf(borgerservice);
  await old.waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await old.getAttribute('data-replaced'), 'true');
  assert.equal(await old.getByTestId('replaced-badge').innerText(), 'Replaced');
  assert.match(await old.getByTestId('replaced-by').innerText(), /^by borgerservice@testkommune-nord\.dk, /);
  assert.equal(await app.rowOf(exchange).getAttribute('data-replaced'), 'true');
  assert.equal(await app.tileCount('expiring'), 1, 'shown, it still counts in no tile');
  await app.shot('dpg-replaced-shown');
  await app.axe('replaced certificates shown');

  // Its details say what replaced it, with a link to that one.
  await old.click();
  const note = app.byTestId('replaced-note');
  await note.waitFor({ state: 'visible' });
  assert.match(await note.innerText(), /Replaced\s+by borgerservice@testkommune-nord\.dk, /);
  await app.axe('the details of a replaced certificate');
  await note.getByTestId('replaced-successor').click();
  await eventually(async () => assert.equal(await app.byTestId('thumb-sha256').innerText(), borgerRenewal.sha256.toUpperCase()));
  await app.page.keyboard.press('Escape');
  await app.byTestId('details').waitFor({ state: 'hidden' });

  // The choice is remembered: a reload still shows them; one click hides them again.
  await app.open();
  await app.rowOf(borgerservice).waitFor({ state: 'visible', timeout: 15_000 });
  await app.byTestId('replaced-toggle').click();
  await eventually(async () => assert.equal(await app.rowOf(borgerservice).count(), 0));
});
