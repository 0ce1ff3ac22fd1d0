// Accessibility: axe-core finds no violation on the overview, a
// certificate's details and help, in English and in Danish; and the list
// reads as a grid: one role=grid holding the column headers and the rows,
// each row with its index in the whole list, a row header, and the active
// row selected.
import assert from 'node:assert/strict';
import { eventually, expectedRows, session } from '../lib/app.js';

const app = session('a11y');

for (const lang of ['en', 'da']) {
  app.test(`axe: the overview, the details and help have no violations (${lang})`, async () => {
    await app.open();
    await app.setLanguage(lang);
    await app.axe(`overview ${lang}`);

    await app.rows().first().click();
    await app.byTestId('details').waitFor({ state: 'visible' });
    await app.axe(`details ${lang}`);
    await app.page.keyboard.press('Escape');
    await app.byTestId('details').waitFor({ state: 'hidden' });

    await app.byTestId('help-button').click();
    await app.byTestId('help-panel').waitFor({ state: 'visible' });
    await app.axe(`help ${lang}`);
    await app.page.locator('[data-testid=guide-link]').first().click();
    await app.byTestId('guide-content').waitFor({ state: 'visible' });
    await app.axe(`guide ${lang}`);
  });
}

app.test('the list is one grid: column headers, row headers, row indexes and the selected row', async () => {
  await app.open();
  await app.setLanguage('en');
  const grid = app.page.getByRole('grid');
  assert.equal(await grid.count(), 1);
  const total = expectedRows().length;
  assert.equal(await grid.getAttribute('aria-rowcount'), String(total + 1), 'the header row and every row');

  // The column headers are in the grid, as its first row.
  const headers = grid.getByRole('columnheader');
  const names = (await headers.allInnerTexts()).map((s) => s.replace(/[▲▼]/g, '').trim()).filter(Boolean);
  assert.deepEqual(names.slice(0, 3), ['Status', 'Name', 'Organisation / CVR'], 'named headers');
  const headerRow = grid.getByRole('row').first();
  assert.equal(await headerRow.getAttribute('aria-rowindex'), '1');
  const columns = await headerRow.getByRole('columnheader').count();
  assert.equal(await grid.getAttribute('aria-colcount'), String(columns));

  // Each row: its index in the whole list, its cells spanning every column, the name as the row header.
  const rows = grid.getByRole('row');
  for (let i = 1; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    assert.equal(await row.getAttribute('aria-rowindex'), String(i + 1));
    const span = await row.evaluate((r) =>
      [...r.querySelectorAll('[role=gridcell], [role=rowheader]')].reduce((n, c) => n + Number(c.getAttribute('aria-colspan') || 1), 0),
    );
    assert.equal(span, columns, `row ${i + 1} spans every column`);
    assert.equal(await row.getByRole('rowheader').count(), 1);
  }

  // The active row is announced: focus on the grid points at it, aria-selected.
  await grid.focus();
  await app.page.keyboard.press('ArrowDown');
  const active = await grid.getAttribute('aria-activedescendant');
  assert.ok(active, 'the grid names its active row');
  const row = app.page.locator(`#${active}`);
  assert.equal(await row.getAttribute('role'), 'row');
  assert.equal(await row.getAttribute('aria-selected'), 'true');
  assert.equal(await row.getAttribute('aria-rowindex'), '3', 'the second row, after the header');
  assert.equal(await app.page.locator('[role=row][aria-selected=true]').count(), 1, 'one row selected');
  // What a screen reader reads for it: the accessibility tree names the row.
  const snapshot = await grid.ariaSnapshot();
  assert.match(snapshot, /- grid/);
  assert.match(snapshot, /columnheader "Name"/);
  assert.match(snapshot, /rowheader/);
  await eventually(async () => assert.equal(await app.page.evaluate(() => document.activeElement?.getAttribute('role')), 'grid'));
});
