import { expect, test } from '@playwright/test';
import { hydrated, signInAs } from './helpers';

// The Content-Security-Policy forbids inline scripts without the response's nonce: every page
// still hydrates, nothing is refused, and the print button works without an inline handler.

test('pages hydrate under the Content-Security-Policy and nothing is refused', async ({ page }) => {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  page.on('pageerror', (error) => refused.push(error.message));
  await signInAs(page, 'HR admin');
  for (const path of ['/', '/goals', '/goals/tree', '/reviews', '/reviews/admin', '/people', '/org']) {
    const response = await page.goto(path);
    expect(response?.headers()['content-security-policy']).toContain("'nonce-");
    expect(response?.headers()['cache-control']).toBe('no-store');
    await hydrated(page);
  }
  // The printout of the open cycle: its Print button opens the print dialog (stubbed here).
  await page.goto('/reviews/cycles/2/print');
  await hydrated(page);
  await page.evaluate(() => {
    (window as any).printed = 0;
    window.print = () => { (window as any).printed += 1; };
  });
  const print = page.getByRole('button', { name: 'Print' });
  await expect(print).not.toHaveAttribute('onclick', /.*/);
  await print.click();
  expect(await page.evaluate(() => (window as any).printed)).toBe(1);
  expect(refused).toEqual([]);
});
