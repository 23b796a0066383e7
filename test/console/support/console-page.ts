import type { Locator, Page } from 'playwright-core';

/** The cells of the table row whose header cell (or first cell) reads `rowName`, by column header. */
export async function tableRow(table: Locator, rowName: string): Promise<Record<string, string>> {
  return table.evaluate((element, name) => {
    const headers = [...element.querySelectorAll('thead th')].map((th) => th.firstChild?.textContent?.trim() ?? '');
    const row = [...element.querySelectorAll('tbody tr')].find((tr) => tr.children[0]?.textContent?.trim() === name);
    if (!row)
      throw new Error(
        `no row ${name} in the table; rows: ${[...element.querySelectorAll('tbody tr')].map((tr) => tr.children[0]?.textContent).join(', ')}`,
      );
    return Object.fromEntries([...row.children].map((cell, i) => [headers[i], cell.textContent?.trim() ?? '']));
  }, rowName);
}

/** The metric figures of the chart's tooltip (label → shown value), after hovering bucket `index` of `count`. */
export async function hoverBucket(page: Page, index: number, count: number): Promise<{ range: string; values: Record<string, string> }> {
  const chart = page.getByTestId('chart');
  await chart.locator('canvas').first().waitFor();
  await chartRendered(page);
  const box = (await chart.boundingBox())!;
  // The grid spans the chart less 56 px on the left and 24 on the right; categories share it equally.
  const left = box.x + 56;
  const width = box.width - 80;
  await page.mouse.move(left + width * ((index + 0.5) / count), box.y + box.height * 0.55);
  return readTooltip(page);
}

export async function readTooltip(page: Page): Promise<{ range: string; values: Record<string, string> }> {
  const tooltip = page.getByTestId('chart-tooltip');
  await tooltip.waitFor({ state: 'visible' });
  return tooltip.evaluate((element) => ({
    range: element.querySelector('.tip-range')?.textContent ?? '',
    values: Object.fromEntries([...element.querySelectorAll('td[data-metric]')].map((td) => [td.getAttribute('data-metric'), td.textContent ?? ''])),
  }));
}

/** Waits until the chart has drawn its data (it sets `data-rendered`). */
export async function chartRendered(page: Page): Promise<void> {
  await page.waitForFunction(`document.querySelector('[data-testid="chart"]')?.getAttribute('data-rendered') === 'true'`);
}
