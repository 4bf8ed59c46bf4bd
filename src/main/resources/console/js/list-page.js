// A page that loads admin API lists and shows each as a table: the starting point the richer pages build on.
import { get, itemsOf, showError, errorText } from './api.js';
import { shell, table, columnsOf, el } from './shell.js';

/** @param sources [{title, path, name}] — name: the list's field in answers that predate {items, next_cursor} */
export async function listPage(page, sources) {
  await shell(page);
  const main = document.querySelector('main');
  for (const { title, path, name } of sources) {
    const section = el('section', { 'aria-label': title }, el('h2', { text: title }));
    main.append(section);
    try {
      const rows = itemsOf(await get(path), name);
      section.append(rows.length ? table(rows, columnsOf(rows)) : el('p', { class: 'notice', text: 'Nothing to show.' }));
    } catch (e) {
      showError(e);
      section.append(el('p', { class: 'error', text: errorText(e) }));
    }
  }
}
