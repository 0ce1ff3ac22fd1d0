// Layout at the real window's size (1180×760) as well as at the tests'
// usual size: screenshots of both, and no tile's or badge's text wraps, no
// status cell is cut, in English and in Danish.
import { WINDOW, session } from '../lib/app.js';

const app = session('layout');

for (const lang of ['en', 'da']) {
  app.test(`at 1180×760 and at the tests' size nothing wraps or is cut (${lang})`, async () => {
    await app.open();
    await app.setLanguage(lang);
    await app.fits(`overview ${lang}`);
    await app.shot(`layout-${lang}`);
    await app.atSize(WINDOW.width, WINDOW.height, async () => {
      await app.fits(`overview ${lang} at ${WINDOW.width}×${WINDOW.height}`);
      await app.shot(`layout-${lang}-${WINDOW.width}x${WINDOW.height}`);
      // Further down the list: the rows the first screen didn't show.
      await app.page.getByRole('grid').focus();
      await app.page.keyboard.press('End');
      await app.fits(`overview ${lang} at ${WINDOW.width}×${WINDOW.height}, the end of the list`);
      await app.shot(`layout-${lang}-${WINDOW.width}x${WINDOW.height}-end`);
    });
  });
}
