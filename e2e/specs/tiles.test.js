// Tile counts and filtering: each tile counts its certificates, clicking it
// shows exactly those rows, and clicking it again clears the filter.
import assert from 'node:assert/strict';
import { eventually, expectedTileCounts, manifest, session, tileNames, tileStatuses } from '../lib/app.js';

const app = session('tiles');
const total = manifest.files.length;

app.test('the tiles count the cached certificates by status', async () => {
  await app.open();
  await app.setLanguage('en');
  await eventually(async () => assert.equal(await app.rows().count(), total));
  assert.deepEqual(await app.tileCounts(), expectedTileCounts());
  // Locked and unreadable files have a place of their own and are not hidden.
  assert.ok((await app.tileCount('attention')) > 0);
  const statuses = (await app.rowStatuses()).sort();
  assert.deepEqual(statuses, manifest.files.map((f) => f.status).sort());
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
