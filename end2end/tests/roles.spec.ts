import { expect, test } from '@playwright/test';
import { hydrated, screenshot, signInAs, signOut } from './helpers';

// Each role signs in on the phone and the desktop viewport, sees its own home page with real
// names from the demo company, and signs out.

test('an employee sees their profile, manager and team', async ({ page }, testInfo) => {
  const account = await signInAs(page, 'Employee');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Your manager' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your team' })).toBeVisible();
  await expect(page.getByText(account.email).first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Headcount by department' })).toHaveCount(0);
  await screenshot(page, testInfo, 'employee-home');
  await signOut(page);
});

test('a manager sees their reports, including the demo employee', async ({ page }, testInfo) => {
  await page.goto('/login');
  const employeeName = (await page.locator('li.demo-account[data-role="Employee"] .demo-name').innerText()).trim();
  await signInAs(page, 'Manager');
  const reports = page.locator('section', { has: page.getByRole('heading', { name: 'Your reports' }) });
  await expect(reports).toBeVisible();
  await expect(reports.getByText(employeeName)).toBeVisible();
  await screenshot(page, testInfo, 'manager-home');
  // Hydrated navigation: the report's profile opens from the list.
  await reports.getByText(employeeName).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(employeeName);
  await signOut(page);
});

for (const role of ['HR admin', 'Executive']) {
  test(`${role} sees headcount by department as a chart and a table`, async ({ page }, testInfo) => {
    await signInAs(page, role);
    await expect(page.getByRole('heading', { name: 'Headcount by department' })).toBeVisible();
    const chart = page.locator('#headcount-chart');
    await expect(chart.locator('svg[role="img"]')).toBeVisible();
    await expect(chart.locator('table tbody tr').first()).toBeVisible();
    await expect(chart.locator('table')).toContainText('Engineering');
    await screenshot(page, testInfo, `${role.toLowerCase().replace(' ', '-')}-home`);
    await signOut(page);
  });
}

test('a wrong password shows an error next to the form and signs nobody in', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.locator('#field-email').fill('employee@northwind.example');
  await page.locator('#field-password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('#field-password-error')).toHaveText("That email and password don't match.");
  await expect(page).toHaveURL(/\/login$/);
});

test('the browser checks an email as soon as the field is left', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.locator('#field-email').fill('not-an-email');
  await page.locator('#field-password').focus();
  await expect(page.locator('#field-email-error')).toContainText('valid email address');
});
