import { expect, Page, TestInfo } from '@playwright/test';

/** Waits until the wasm has hydrated the page (the app marks <html data-hydrated>). */
export async function hydrated(page: Page) {
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
}

/** Saves a screenshot (the full page unless it is too long to capture) into the test output. */
export async function screenshot(page: Page, testInfo: TestInfo, name: string, fullPage = true) {
  const path = testInfo.outputPath(`${name}-${testInfo.project.name}.png`);
  await page.screenshot({ path, fullPage });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export type DemoAccount = { role: string; name: string; email: string };

/**
 * Signs in with a demo account by tapping its "Use" button, which fills the form: that only
 * works once the page has hydrated. Returns the account as the login page lists it.
 */
export async function signInAs(page: Page, role: string): Promise<DemoAccount> {
  await page.goto('/login');
  await hydrated(page);
  const row = page.locator(`li.demo-account[data-role="${role}"]`);
  const account = {
    role,
    name: (await row.locator('.demo-name').innerText()).trim(),
    email: (await row.locator('.demo-email').innerText()).trim(),
  };
  await row.getByRole('button', { name: 'Use' }).click();
  await expect(page.locator('#field-email')).toHaveValue(account.email);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Welcome back, ${account.name.split(' ')[0]}`);
  return account;
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}
