// Adding a locked file: the app asks for its password, says so when it is
// wrong, and shows the file as valid once the right one is entered.
// scripts/e2e.sh starts this spec's app with DPGCERTS_TEST_PICK set to
// DIR/new/fornyet-exchange.p12, so "Add files" picks it without a dialog.
import assert from 'node:assert/strict';
import { eventually, expectedTileCounts, manifest, session } from '../lib/app.js';

const app = session('password');

app.test('a locked file asks for its password; a wrong one is refused, the right one opens it', async () => {
  await app.open();
  await app.setLanguage('en');
  const before = expectedTileCounts();
  await eventually(async () => assert.deepEqual(await app.tileCounts(), before));

  await app.byTestId('add-files').first().click();
  const dialog = app.byTestId('password-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 20_000 });
  assert.ok((await dialog.innerText()).includes('fornyet-exchange.p12'), 'the dialog names the file');
  // This group's window has a real Secret Service (scripts/e2e.sh: GROUP_KEYCHAIN).
  assert.equal(await app.byTestId('password-remember').isVisible(), true, 'a "remember in the keychain" choice');
  await app.shot('password-dialog');
  await app.axe('the password dialog');

  await app.byTestId('password-input').fill(manifest.wrongPassword);
  await app.byTestId('password-submit').click();
  await app.byTestId('password-error').waitFor({ state: 'visible' });
  assert.ok((await app.byTestId('password-error').innerText()).trim().length > 0, 'the error says something');
  assert.equal(await dialog.isVisible(), true, 'the dialog asks again');
  await app.shot('password-wrong');
  await app.axe('the password dialog with a wrong password');

  await app.byTestId('password-input').fill(manifest.newPassword);
  await app.byTestId('password-remember').check();
  await app.byTestId('password-submit').click();
  await dialog.waitFor({ state: 'hidden' });
  const toasts = await app.byTestId('toast').allInnerTexts();
  assert.ok(!toasts.some((t) => t.includes('keychain')), `the keychain kept the password: ${toasts.join(' | ')}`);

  const row = app.row(manifest.new.path);
  await eventually(async () => assert.equal(await row.getAttribute('data-status'), 'valid'));
  assert.ok((await row.innerText()).includes(manifest.new.name), 'the row shows the certificate');
  await eventually(async () =>
    assert.deepEqual(await app.tileCounts(), { ...before, valid: before.valid + 1 }),
  );
  await app.shot('password-accepted');

  // The result is in the cache: a reload still shows the file as valid.
  await app.open();
  await eventually(async () => assert.equal(await app.row(manifest.new.path).getAttribute('data-status'), 'valid'));
});
