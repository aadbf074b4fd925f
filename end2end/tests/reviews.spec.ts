import { APIRequestContext, Browser, expect, Page, test } from '@playwright/test';
import { hydrated, screenshot, signInAs } from './helpers';

// The review journey across seven people: HR builds a template and runs a cycle for one
// department (desktop); the employee nominates peers and writes their self review on a phone,
// reloading midway; three peers and the manager write theirs; HR calibrates and releases; the
// employee reads the peers' answers combined and without names and acknowledges; the manager
// signs off; someone from another department sees none of it. Every demo person signs in with
// the demo password.

const PASSWORD = 'keel-demo-2026';
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

type Person = { id: number; name: string; email: string; department_id: number; department: string };

async function person(request: APIRequestContext, id: number): Promise<Person & { manager?: number; reports: number[] }> {
  const reply = await request.post('/api/get_person', { form: { id: String(id) } });
  expect(reply.ok()).toBeTruthy();
  const p = await reply.json();
  return {
    id,
    name: p.card.name,
    email: p.email,
    department_id: p.department_id,
    department: p.card.department,
    manager: p.manager_chain[0]?.id,
    reports: p.direct_reports.map((r: { id: number }) => r.id),
  };
}

async function signInWith(browser: Browser, email: string, phone = false): Promise<Page> {
  const context = await browser.newContext(phone ? PHONE : DESKTOP);
  const page = await context.newPage();
  await page.goto('/login');
  await hydrated(page);
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  return page;
}

async function demoPage(browser: Browser, role: string, phone = false): Promise<Page> {
  const context = await browser.newContext(phone ? PHONE : DESKTOP);
  const page = await context.newPage();
  await signInAs(page, role);
  return page;
}

async function myId(page: Page): Promise<number> {
  const href = await page.locator('a.side-user-link').getAttribute('href');
  return Number(href!.split('/').pop());
}

/** Opens the review of `cycle` listed under "To write" whose title starts with `title`. */
async function openReview(page: Page, cycle: string, title: string) {
  await page.goto('/reviews');
  await hydrated(page);
  const item = page.locator('li.review-item', { hasText: cycle }).filter({ hasText: title });
  await item.getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(title.replace('Your self review', 'Self review'));
  await hydrated(page);
}

function question(page: Page, prompt: string) {
  return page.locator('.review-question', { hasText: prompt });
}

async function answer(page: Page, rating: number, text: string) {
  await question(page, 'How reliably').locator('label.rating-point').nth(rating - 1).click();
  await question(page, 'Describe one result').locator('textarea').fill(text);
  await question(page, 'How well do they collaborate').locator('label.rating-point').nth(rating - 1).click();
  await question(page, 'What should they keep doing').locator('textarea').fill(`${text} Keep it up.`);
}

test('a review cycle from template to sign-off, with anonymous peers', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'one journey across phones and desktops');
  test.setTimeout(300_000);
  const stamp = Date.now();
  const templateName = `Engineering review ${stamp}`;
  const cycleName = `Q4 engineering ${stamp}`;

  const hr = await demoPage(browser, 'HR admin');
  const employee = await demoPage(browser, 'Employee', true);
  const me = await person(hr.request, await myId(employee));
  const manager = await person(hr.request, me.manager!);
  const teammates = manager.reports.filter((id) => id !== me.id).slice(0, 3);
  expect(teammates.length).toBe(3);
  const peers = await Promise.all(teammates.map((id) => person(hr.request, id)));

  // HR builds the template: two sections, a rating and a text question each.
  await hr.goto('/reviews/admin');
  await hydrated(hr);
  await hr.locator('[id="field-name"]').fill(templateName);
  await hr.locator('[id="field-scale_id"]').selectOption({ label: 'Five-point performance' });
  await hr.getByRole('button', { name: 'Create and open the builder' }).click();
  await expect(hr).toHaveURL(/\/reviews\/templates\/\d+$/);
  await hydrated(hr);
  for (const [section, rating, text] of [
    ['Delivery', 'How reliably were commitments met?', 'Describe one result.'],
    ['Behaviour', 'How well do they collaborate?', 'What should they keep doing?'],
  ]) {
    await hr.locator('#add-section-name').fill(section);
    await hr.getByRole('button', { name: 'Add section' }).click();
    const block = hr.locator('.builder-section', { hasText: section }).last();
    await expect(block).toBeVisible();
    await block.locator('.builder-add select[name="kind"]').selectOption('rating');
    await block.locator('.builder-add input[name="prompt"]').fill(rating);
    await block.getByRole('button', { name: 'Add question' }).click();
    await expect(block.getByText(rating).first()).toBeVisible();
    await block.locator('.builder-add select[name="kind"]').selectOption('text');
    await block.locator('.builder-add input[name="prompt"]').fill(text);
    await block.getByRole('button', { name: 'Add question' }).click();
    await expect(block.getByText(text).first()).toBeVisible();
  }
  await screenshot(hr, testInfo, 'template-builder');

  // HR sets up the cycle for the employee's department and launches it.
  await hr.goto('/reviews/cycles/new');
  await hydrated(hr);
  const field = (name: string) => hr.locator(`[name="cycle[${name}]"]`);
  await field('name').fill(cycleName);
  await field('starts_on').fill('2026-07-01');
  await field('ends_on').fill('2026-12-31');
  await field('template_id').selectOption({ label: templateName });
  await hr.locator('input[name="cycle[reviewer_types][3]"]').uncheck();
  // A small team: three peers, so the anonymity threshold goes down to its floor of 3.
  await field('anonymity_threshold').fill('3');
  await field('peer_min').fill('3');
  await field('peer_max').fill('4');
  await hr.locator('input[name="cycle[scope]"][value="department"]').check();
  await field('department_id').selectOption(String(me.department_id));
  await field('nomination_due').fill('2099-01-05');
  await field('writing_due').fill('2099-01-20');
  await field('calibration_due').fill('2099-02-01');
  await field('release_due').fill('2099-02-10');
  await screenshot(hr, testInfo, 'cycle-form');
  await hr.getByRole('button', { name: 'Create cycle' }).click();
  await expect(hr).toHaveURL(/\/reviews\/cycles\/\d+$/);
  const cycleUrl = hr.url();
  await hydrated(hr);
  await hr.getByRole('button', { name: 'Launch cycle' }).click();
  await expect(hr.getByRole('button', { name: 'Move to Writing' })).toBeVisible();

  // The employee, on a phone, nominates their three teammates from the notification.
  await employee.goto('/notifications');
  await hydrated(employee);
  await employee.getByRole('link', { name: `Choose your peer reviewers for ${cycleName}` }).click();
  await hydrated(employee);
  for (const p of peers) {
    await employee.locator('label.peer-option', { hasText: p.name }).locator('input').check();
  }
  await screenshot(employee, testInfo, 'nominate');
  await employee.getByRole('button', { name: 'Send to my manager' }).click();
  await expect(employee.locator('label.peer-option', { hasText: peers[0].name })).toContainText('Awaiting approval');

  // The manager approves them.
  const boss = await signInWith(browser, manager.email);
  await boss.goto('/reviews');
  await hydrated(boss);
  await boss.getByRole('link', { name: `Peers for ${me.name}` }).first().click();
  await hydrated(boss);
  for (const p of peers) {
    const row = boss.locator('li.peer-decision', { hasText: p.name });
    await row.getByRole('button', { name: 'Approve' }).click();
    await expect(row).toContainText('Approved');
  }
  await hr.goto(cycleUrl);
  await hydrated(hr);
  await hr.getByRole('button', { name: 'Move to Writing' }).click();
  await expect(hr.getByRole('button', { name: 'Move to Calibration' })).toBeVisible();

  // The self review on the phone: answers survive a reload midway.
  await openReview(employee, cycleName, 'Your self review');
  await question(employee, 'How reliably').locator('label.rating-point').nth(3).click();
  await question(employee, 'Describe one result').locator('textarea').fill('Shipped the new build pipeline.');
  await expect(employee.locator('.save-status')).toContainText('Saved');
  await employee.reload();
  await hydrated(employee);
  await expect(question(employee, 'Describe one result').locator('textarea')).toHaveValue('Shipped the new build pipeline.');
  await expect(question(employee, 'How reliably').locator('input[type="radio"]').nth(3)).toBeChecked();
  // Submitting with an open required question is refused next to it.
  await employee.getByRole('button', { name: 'Submit review' }).click();
  await expect(question(employee, 'How well do they collaborate').locator('.field-error')).toHaveText('This question needs an answer.');
  await question(employee, 'How well do they collaborate').locator('label.rating-point').nth(3).click();
  await question(employee, 'What should they keep doing').locator('textarea').fill('Pairing with new joiners.');
  await screenshot(employee, testInfo, 'self-review');
  await employee.getByRole('button', { name: 'Submit review' }).click();
  await expect(employee).toHaveURL(/\/reviews$/);

  // Three peers write theirs; after two, the manager sees the peer answers withheld.
  let participantUrl = '';
  for (const [i, p] of peers.entries()) {
    const page = await signInWith(browser, p.email);
    await openReview(page, cycleName, `Peer review of ${me.name}`);
    await expect(page.getByText('Your answers are anonymous', { exact: false })).toBeVisible();
    await answer(page, 3 + (i % 2), `Peer note ${i}.`);
    await page.getByRole('button', { name: 'Submit review' }).click();
    await expect(page).toHaveURL(/\/reviews$/);
    await page.context().close();
    if (i === 1) {
      await boss.goto('/reviews');
      await hydrated(boss);
      const team = boss.locator('section', { has: boss.locator('#team-heading') });
      await team.locator('li.review-item', { hasText: cycleName }).filter({ hasText: me.name }).getByRole('link').first().click();
      await expect(boss).toHaveURL(/\/reviews\/results\/\d+$/);
      await expect(boss.getByText('shown once writing has closed, and only if at least 3 peer reviewers answered')).toBeVisible();
      await expect(boss.getByText('submitted so far')).toHaveCount(0);
      participantUrl = boss.url();
    }
  }
  expect(participantUrl).toMatch(/\/reviews\/results\/\d+$/);

  // The manager's review.
  await openReview(boss, cycleName, `Review of ${me.name}`);
  await answer(boss, 3, 'Delivered the pipeline.');
  await boss.getByRole('button', { name: 'Submit review' }).click();
  await expect(boss).toHaveURL(/\/reviews$/);

  // HR calibrates: one rating changes, with a justification.
  await hr.goto(cycleUrl);
  await hydrated(hr);
  await hr.getByRole('button', { name: 'Move to Calibration' }).click();
  await expect(hr.getByRole('button', { name: 'Move to Released' })).toBeVisible();
  await hr.goto(`${cycleUrl}/calibration?manager=${manager.id}`);
  await hydrated(hr);
  await expect(hr.locator('svg').first()).toBeVisible();
  const row = hr.locator('tr', { hasText: me.name });
  await row.locator('summary').click();
  await row.getByLabel('Final rating').selectOption('4');
  await row.getByLabel('Why the change?').fill('Led the pipeline work across two teams.');
  await row.getByRole('button', { name: 'Save rating' }).click();
  await expect(hr.locator('tr', { hasText: me.name })).toContainText('Exceeds expectations');
  await screenshot(hr, testInfo, 'calibration');
  await hr.goto(cycleUrl);
  await hydrated(hr);
  await hr.getByRole('button', { name: 'Move to Released' }).click();
  await expect(hr.getByRole('button', { name: 'Move to Closed' })).toBeVisible();

  // The employee reads the result: peers combined, no names; acknowledges.
  await employee.goto(participantUrl.replace(/^https?:\/\/[^/]+/, ''));
  await hydrated(employee);
  await expect(employee.getByText('Combined answers of 3 reviewers')).toBeVisible();
  await expect(employee.getByText('Peer note 0. Keep it up.')).toBeVisible();
  await expect(employee.locator('.overall-rating')).toContainText('Exceeds expectations');
  for (const p of peers) {
    await expect(employee.getByText(p.name)).toHaveCount(0);
  }
  await screenshot(employee, testInfo, 'review-result');
  await employee.getByLabel('Your comment (optional)').fill('Thanks, a fair picture of the half.');
  await employee.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(employee.getByText('Acknowledged', { exact: false }).first()).toBeVisible();

  // The manager signs off.
  await boss.goto(participantUrl.replace(/^https?:\/\/[^/]+/, ''));
  await hydrated(boss);
  await boss.getByRole('button', { name: 'Sign off review' }).click();
  await expect(boss.getByText('Signed off', { exact: false }).first()).toBeVisible();

  // Someone from another department sees none of it.
  const others = await hr.request.post('/api/list_people', { form: { search: '', include_left: 'false', page: '1' } });
  const outsiderCard = (await others.json()).people.find(
    (p: { id: number; department: string; report_count: number }) =>
      p.department !== me.department && p.report_count === 0 && p.id !== me.id,
  );
  const outsider = await person(hr.request, outsiderCard.id);
  const stranger = await signInWith(browser, outsider.email, true);
  await stranger.goto('/reviews');
  await hydrated(stranger);
  await expect(stranger.getByText(cycleName)).toHaveCount(0);
  await stranger.goto(participantUrl.replace(/^https?:\/\/[^/]+/, ''));
  await expect(stranger.getByRole('heading', { name: 'Not found' })).toBeVisible();
});

test('every review page renders for its role on this viewport', async ({ page }, testInfo) => {
  await signInAs(page, 'HR admin');
  for (const [path, name, heading] of [
    ['/reviews/admin', 'review-admin', 'Cycles and templates'],
    ['/reviews/templates/1', 'template', 'Performance review'],
    ['/reviews/cycles/2', 'cycle-open', 'performance review'],
    ['/reviews/cycles/1', 'cycle-closed', 'performance review'],
    ['/reviews/cycles/1/calibration', 'calibration-demo', 'Calibration'],
    ['/reviews/cycles/new', 'cycle-new', 'New review cycle'],
    ['/notifications', 'notifications', 'Notifications'],
  ]) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(heading);
    // Wide tables scroll inside their card: the page itself never scrolls sideways.
    const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(width[0], `${path} is wider than the screen`).toBeLessThanOrEqual(width[1]);
    await screenshot(page, testInfo, name);
  }
  await page.goto('/reviews/cycles/1/print');
  await expect(page.locator('.print-page').first()).toBeVisible();
  // 200 reviews, one per printed page: far too long for a full-page capture.
  await screenshot(page, testInfo, 'print', false);
});

test('the demo employee finds a review to write and last half\'s results', async ({ page }, testInfo) => {
  await signInAs(page, 'Employee');
  await page.locator('a[href="/reviews"]:visible').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reviews');
  await expect(page.getByText('Your self review').first()).toBeVisible();
  await screenshot(page, testInfo, 'my-reviews');
  await page.locator('li.review-item', { hasText: 'H1' }).getByRole('link').first().click();
  await expect(page.locator('.overall-rating')).toBeVisible();
  await screenshot(page, testInfo, 'demo-result');
  await page.goto('/reviews');
  await page.locator('li.review-item', { hasText: 'Your self review' }).getByRole('link').first().click();
  await hydrated(page);
  await expect(page.locator('.save-status')).toBeVisible();
  await screenshot(page, testInfo, 'write-review');
});
