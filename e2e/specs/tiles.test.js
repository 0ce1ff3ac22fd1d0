// Tile counts and filtering: each tile counts its certificates (a .p12 and
// its .cer are one), clicking it shows exactly those rows, and clicking it
// again clears the filter.
import assert from 'node:assert/strict';
import { eventually, expectedRows, expectedTileCounts, fixture, manifest, session, tileNames, tileStatuses } from '../lib/app.js';

const app = session('tiles');
const total = expectedRows().length;

app.test('the tiles count the cached certificates by status', async () => {
  await app.open();
  await app.setLanguage('en');
  await eventually(async () => assert.equal(await app.rows().count(), total));
  assert.deepEqual(await app.tileCounts(), expectedTileCounts());
  // Locked and unreadable files have a place of their own and are not hidden.
  assert.ok((await app.tileCount('attention')) > 0);
  const statuses = (await app.rowStatuses()).sort();
  assert.deepEqual(statuses, expectedRows().map((r) => r.status).sort());
  assert.ok(total < manifest.files.length, 'the fixtures hold a certificate in two files');
  for (const t of tileNames) {
    assert.equal(await app.byTestId(`tile-${t}`).getAttribute('aria-pressed'), 'false', `tile-${t} starts inactive`);
  }
  await app.shot('overview-en');
});

for (const tile of tileNames) {
  app.test(`clicking the ${tile} tile shows its rows, clicking again clears the filter`, async () => {
    await app.open();
    const count = await app.tileCount(tile);
    const el = app.byTestId(`tile-${tile}`);

    await el.click();
    await eventually(async () => {
      assert.equal(await el.getAttribute('aria-pressed'), 'true');
      assert.equal(await app.rows().count(), count, `rows shown under tile-${tile}`);
    });
    for (const status of await app.rowStatuses()) {
      assert.ok(tileStatuses[tile].includes(status), `a ${status} row under tile-${tile}`);
    }
    // The tiles keep counting everything while one of them filters.
    assert.equal(await app.tileCount(tile), count);
    if (tile === 'expiring' || tile === 'attention') await app.shot(`filter-${tile}`);

    await el.click();
    await eventually(async () => {
      assert.equal(await el.getAttribute('aria-pressed'), 'false');
      assert.equal(await app.rows().count(), total);
    });
  });
}

app.test('the tiles and the list agree: counts add up to the rows', async () => {
  await app.open();
  const counts = await app.tileCounts();
  const sum = Object.values(counts).reduce((a, b) => a + b, 0);
  assert.equal(sum, await app.rows().count());
});

app.test('a .p12 and its .cer are one row with two files, on this PC and not in DPG', async () => {
  await app.open();
  const exchange = expectedRows().find((r) => r.paths.length === 2);
  assert.deepEqual(exchange.paths.sort(), ['certs/exchange-online.p12', 'certs/offentlig/exchange-online.cer']);
  const row = app.rowOf(exchange.sha256);
  assert.equal(await row.count(), 1);
  assert.equal(await row.getAttribute('data-files'), '2');
  assert.equal(await row.getAttribute('data-path'), fixture('certs/exchange-online.p12'), 'the .p12 stands for it');
  assert.equal(await row.getAttribute('data-in-dpg'), 'false');
  assert.equal(await row.getByTestId('on-pc').count(), 1);
  assert.match(await row.innerText(), /2 files/);
  // Its details list both files.
  await row.click();
  await app.byTestId('details').waitFor({ state: 'visible' });
  assert.equal(await app.byTestId('details-file').count(), 2);
  await app.page.keyboard.press('Escape');
  await app.byTestId('details').waitFor({ state: 'hidden' });
});
