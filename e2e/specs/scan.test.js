// Scanning a folder: a progress bar fed by scan:progress events, and a
// Cancel button that stops the scan. scripts/e2e.sh starts this spec's app
// on an empty cache with DPGCERTS_TEST_PICK set to DIR/big (many files that
// are slow to open), so "Scan folder" picks it without a dialog.
import assert from 'node:assert/strict';
import { eventually, manifest, session, sleep } from '../lib/app.js';

const app = session('scan');

// total is the number of files the rows hold (none while the welcome
// shows). The big folder's files hold one certificate: one row of many files.
async function total() {
  if ((await app.byTestId('tile-valid').count()) === 0) return 0;
  return app.fileCount();
}

app.test('the first start welcomes and offers to add files and scan a folder', async () => {
  await app.open();
  await app.setLanguage('en');
  const welcome = app.byTestId('welcome');
  await welcome.waitFor({ state: 'visible' });
  assert.equal(await welcome.getByTestId('add-files').isVisible(), true);
  assert.equal(await welcome.getByTestId('scan-folder').isVisible(), true);
  assert.equal(await welcome.getByTestId('welcome-signin').isVisible(), true, 'and to sign in to DPG');
  await app.shot('welcome');
});

app.test('scanning a folder shows progress, and Cancel stops it', async () => {
  await app.open();
  await app.byTestId('scan-folder').first().click();

  const progress = app.byTestId('scan-progress');
  await progress.waitFor({ state: 'visible', timeout: 20_000 });
  assert.equal(await progress.getAttribute('role'), 'progressbar');
  let now = 0;
  let max = 0;
  await eventually(
    async () => {
      now = Number(await progress.getAttribute('aria-valuenow'));
      max = Number(await progress.getAttribute('aria-valuemax'));
      assert.ok(now > 0, `progress moves (aria-valuenow=${now})`);
    },
    { timeout: 20_000, interval: 50 },
  );
  assert.ok(max >= now && now < manifest.bigFiles, `part way: ${now} of ${max}`);
  await app.shot('scan-progress');

  await app.byTestId('scan-cancel').click();
  await progress.waitFor({ state: 'hidden', timeout: 15_000 });
  await app.byTestId('toast').first().waitFor({ state: 'visible' }); // "Scan cancelled"

  // Nothing more arrives once it is cancelled, and not every file was read.
  const afterCancel = await total();
  assert.ok(afterCancel < manifest.bigFiles, `cancelled part way: ${afterCancel} of ${manifest.bigFiles} files`);
  await sleep(5_000);
  assert.equal(await total(), afterCancel, 'the scan stopped');
  await app.shot('scan-cancelled');
});
