import { expect, test } from '@playwright/test';
import { hydrated, screenshot, signInAs } from './helpers';

// Every page an HR admin can reach renders, hydrates, and shows its real content.

test('the people directory filters as you type', async ({ page }, testInfo) => {
  await signInAs(page, 'HR admin');
  await page.goto('/people');
  await hydrated(page);
  const count = page.locator('.results-count');
  await expect(count).toContainText('people');
  const before = await count.innerText();
  // Typing without submitting narrows the list: only the hydrated page does this.
  await page.locator('#people-search').pressSequentially('employee@', { delay: 30 });
  await expect(page).toHaveURL(/search=employee%40/);
  await expect(count).toContainText('1 person');
  expect(await count.innerText()).not.toEqual(before);
  await screenshot(page, testInfo, 'people-search');
});

test('profile, edit form, new person form and org chart render', async ({ page }, testInfo) => {
  await signInAs(page, 'HR admin');
  await page.goto('/people');
  await hydrated(page);
  await screenshot(page, testInfo, 'people');
  await page.locator('.person-link').first().click();
  await expect(page.getByRole('heading', { name: 'Reporting line' })).toBeVisible();
  await hydrated(page);
  await screenshot(page, testInfo, 'profile');
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeVisible();
  await screenshot(page, testInfo, 'edit-person');
  await page.goto('/people/new');
  await hydrated(page);
  await page.locator('#field-name').focus();
  await page.locator('#field-email').focus();
  await expect(page.locator('#field-name-error')).toHaveText("Enter the person's name.");
  await screenshot(page, testInfo, 'new-person');
  await page.goto('/org');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: /Direct reports/ })).toBeVisible();
  await page.locator('.org-card').first().click();
  await expect(page.getByText(/Up to /)).toBeVisible();
  await screenshot(page, testInfo, 'org-chart');
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'This page does not exist' })).toBeVisible();
  await screenshot(page, testInfo, 'not-found');
});

test('HR adds a person, who then appears in the directory', async ({ page }, testInfo) => {
  await signInAs(page, 'HR admin');
  await page.goto('/people/new');
  await hydrated(page);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  await page.locator('#field-name').fill('Robin Example');
  await page.locator('#field-email').fill(`robin.${stamp}@northwind.example`);
  await page.locator('#field-title').fill('Data Engineer');
  await page.locator('#field-department_id').selectOption({ label: 'Engineering' });
  await page.locator('#field-manager_email').fill('manager@northwind.example');
  await page.locator('#field-hire_date').fill('2026-11-02');
  await page.locator('#field-location').fill('Lisbon');
  // An impossible manager is refused at the field first, and nothing is created.
  await page.locator('#field-manager_email').fill('nobody@northwind.example');
  await page.getByRole('button', { name: 'Add person' }).click();
  await expect(page.locator('#field-manager_email-error')).toHaveText('Nobody active in Keel has this email.');
  await page.locator('#field-manager_email').fill('manager@northwind.example');
  await page.getByRole('button', { name: 'Add person' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Robin Example');
  await expect(page.getByText('Data Engineer · Engineering')).toBeVisible();
  await page.goto(`/people?search=robin.${stamp}`);
  await expect(page.locator('.results-count')).toContainText('1 person');
});

test('the login page lists the demo accounts', async ({ page }, testInfo) => {
  await page.goto('/login');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Demo accounts' })).toBeVisible();
  await expect(page.locator('li.demo-account')).toHaveCount(6);
  await screenshot(page, testInfo, 'login');
});
