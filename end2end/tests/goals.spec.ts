import { Browser, expect, Page, test } from '@playwright/test';
import { hydrated, screenshot, signInAs } from './helpers';

// The goal-setting journey across three people: the employee on a phone, their manager on a
// desktop, and a teammate who must not see the employee's private goal anywhere. The demo's
// third period (id 3) is the next quarter, which has company and department goals but no
// individual goals yet.

const NEXT = 3;
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function personIn(browser: Browser, role: string, phone: boolean): Promise<Page> {
  const context = await browser.newContext(phone ? PHONE : DESKTOP);
  const page = await context.newPage();
  await signInAs(page, role);
  return page;
}

async function openMyGoals(page: Page) {
  await page.goto(`/goals?period=${NEXT}`);
  await hydrated(page);
}

test('an employee agrees a private goal with their manager, checks in twice, and a teammate never sees it', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'one journey across a phone and a desktop');
  test.setTimeout(180_000);
  const title = `Cut onboarding time ${Date.now()}`;
  const employee = await personIn(browser, 'Employee', true);
  const manager = await personIn(browser, 'Manager', false);

  // The employee drafts a goal with two key results, aligned to a department goal.
  await employee.goto(`/goals/new?period=${NEXT}`);
  await hydrated(employee);
  await employee.getByLabel('Goal', { exact: true }).fill(title);
  const aligned = employee.getByLabel('Aligned to');
  const department = await aligned.locator('option', { hasText: 'Department ·' }).first().getAttribute('value');
  await aligned.selectOption(department!);
  await employee.getByLabel('Who can see it').selectOption('private');
  await employee.getByLabel('Key result', { exact: true }).nth(0).fill('Customers onboarded in a week');
  await employee.getByLabel('Target', { exact: true }).nth(0).fill('40');
  await employee.getByLabel('Key result', { exact: true }).nth(1).fill('Guides published');
  await employee.getByLabel('Target', { exact: true }).nth(1).fill('10');
  await screenshot(employee, testInfo, 'goal-form');
  await employee.getByRole('button', { name: 'Save goal' }).click();
  await expect(employee.getByRole('heading', { level: 1 })).toHaveText(title);
  const goalUrl = employee.url();
  const goalId = goalUrl.split('/').pop();

  await openMyGoals(employee);
  await employee.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(employee.locator('.plan-banner')).toContainText('Submitted');

  // The manager asks for a change.
  await manager.goto(`/goals/team?period=${NEXT}`);
  await hydrated(manager);
  await screenshot(manager, testInfo, 'team-goals');
  await manager.getByRole('link', { name: 'Review goals' }).first().click();
  await expect(manager.getByText(title)).toBeVisible();
  await hydrated(manager);
  await manager.getByLabel('What should change?').fill('Make the target 50 customers.');
  await manager.getByRole('button', { name: 'Request changes' }).click();
  await expect(manager.locator('.page-header')).toContainText('Changes requested');
  await screenshot(manager, testInfo, 'goal-plan');

  // The employee edits and resubmits.
  await openMyGoals(employee);
  await expect(employee.locator('.plan-banner')).toContainText('asked for changes');
  await employee.goto(`${goalUrl}/edit`);
  await hydrated(employee);
  await expect(employee.getByText('Make the target 50 customers.')).toHaveCount(0);
  await employee.getByLabel('Target', { exact: true }).nth(0).fill('50');
  await employee.getByRole('button', { name: 'Save changes' }).click();
  await expect(employee.getByText('Make the target 50 customers.')).toBeVisible();
  await openMyGoals(employee);
  await employee.getByRole('button', { name: 'Resubmit for approval' }).click();
  await expect(employee.locator('.plan-banner')).toContainText('Submitted');

  // The manager approves.
  await manager.reload();
  await hydrated(manager);
  await manager.getByRole('button', { name: 'Approve goals' }).click();
  await expect(manager.locator('.page-header')).toContainText('Approved');

  // The employee checks in twice from the list: "Check in", then "Save check-in".
  await openMyGoals(employee);
  const card = employee.locator('.goal-card', { hasText: title });
  for (const [customers, guides, expected] of [['10', '2', '20%'], ['25', '5', '50%']]) {
    await card.locator('summary', { hasText: 'Check in' }).click();
    await card.getByLabel('Customers onboarded in a week').fill(customers);
    await card.getByLabel('Guides published').fill(guides);
    await card.getByRole('button', { name: 'Save check-in' }).click();
    await expect(card.locator('.goal-pct')).toHaveText(expected);
  }
  await screenshot(employee, testInfo, 'my-goals');

  // The goal page charts both check-ins; the alignment tree shows the new progress.
  await employee.goto(goalUrl);
  await hydrated(employee);
  await expect(employee.locator('.progress-chart .chart-dot')).toHaveCount(2);
  await expect(employee.locator('.card-header .goal-pct').first()).toHaveText('50%');
  await screenshot(employee, testInfo, 'goal-detail');
  const companyId = await companyAbove(employee, department!);
  const treeUrl = `/goals/tree?period=${NEXT}&open=${companyId},${department}`;
  await employee.goto(treeUrl);
  await hydrated(employee);
  const node = employee.locator('.tree-node', { hasText: title });
  await expect(node).toBeVisible();
  await expect(node.locator('.goal-pct')).toHaveText('50%');
  await screenshot(employee, testInfo, 'alignment-tree');

  // A teammate sees it nowhere: not by link, not in the tree, not in search, not in the plan.
  const teammate = await personIn(browser, 'Teammate', true);
  await teammate.goto(goalUrl);
  await expect(teammate.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await teammate.goto(treeUrl);
  await expect(teammate.locator('.tree')).toBeVisible();
  await expect(teammate.getByText(title)).toHaveCount(0);
  await teammate.goto(`/goals/tree?period=${NEXT}&q=${encodeURIComponent(title)}`);
  await expect(teammate.getByText(/0 goals match/)).toBeVisible();
  await expect(teammate.getByText(title, { exact: true })).toHaveCount(0);
  const ownerId = await ownerOf(employee, goalId!);
  await teammate.goto(`/goals/plan/${ownerId}/${NEXT}`);
  await expect(teammate.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
});

/** The company objective a department goal aligns to, read from the goal's page. */
async function companyAbove(page: Page, departmentGoal: string): Promise<string> {
  await page.goto(`/goals/${departmentGoal}`);
  const href = await page.locator('.card p.muted a[href^="/goals/"]').first().getAttribute('href');
  return href!.split('/').pop()!;
}

/** The owner of a goal, from the goal-setting link on its page. */
async function ownerOf(page: Page, goalId: string): Promise<string> {
  await page.goto(`/goals/${goalId}`);
  const href = await page.getByRole('link', { name: 'Goal setting' }).getAttribute('href');
  return href!.split('/')[3];
}

test('the goals pages render for each role', async ({ page }, testInfo) => {
  await signInAs(page, 'HR admin');
  for (const [path, heading] of [['/goals', 'My goals'], ['/goals/tree', 'Alignment'], ['/goals/completion', 'Goal setting'], ['/goals/periods', 'Goal periods']]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await hydrated(page);
    await screenshot(page, testInfo, `hr${path.replaceAll('/', '-')}`);
  }
  await expect(page.locator('table')).toBeVisible();
});

test('a goal of the current quarter shows its history, pace and forecast', async ({ page }, testInfo) => {
  await signInAs(page, 'Employee');
  await page.goto('/goals');
  await hydrated(page);
  await page.locator('.goal-card .goal-title').first().click();
  await expect(page.getByRole('heading', { name: 'Check-ins' })).toBeVisible();
  // The seeded history has check-ins every two weeks or so since the quarter began.
  expect(await page.locator('.progress-chart .chart-dot').count()).toBeGreaterThan(0);
  await expect(page.locator('.progress-chart .chart-pace')).toHaveCount(1);
  await expect(page.locator('.forecast-text').first()).toContainText('chance of reaching the target');
  await expect(page.getByText('Forecast: with three or more check-ins')).toBeVisible();
  await hydrated(page);
  await screenshot(page, testInfo, 'goal-current-quarter');
  // The company objective at the top of its chain lists its aligned goals and how many will miss.
  await page.getByRole('link', { name: 'Show in tree' }).click();
  await expect(page.getByRole('heading', { name: 'Alignment' })).toBeVisible();
  await expect(page.locator('.tree-node').first()).toBeVisible();
  await screenshot(page, testInfo, 'tree-opened');
});
