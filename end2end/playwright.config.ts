import { defineConfig, devices } from '@playwright/test';

// The release server, started from the workspace root on a free port with a fresh demo
// database (scripts/e2e.sh picks both). Debian's Chromium; nothing is downloaded.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: { baseURL, trace: 'off', actionTimeout: 15_000, navigationTimeout: 30_000, launchOptions: chromium },
  projects: [
    {
      name: 'phone',
      use: { ...devices['Pixel 7'], viewport: { width: 390, height: 844 }, browserName: 'chromium', launchOptions: chromium },
    },
    {
      name: 'desktop',
      use: { viewport: { width: 1280, height: 800 }, browserName: 'chromium', launchOptions: chromium },
    },
  ],
  webServer: {
    command: 'exec ./target/release/server serve',
    cwd: '..',
    url: `${baseURL}/login`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      KEEL_ADDR: '127.0.0.1',
      KEEL_DEMO: '1',
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? 'sqlite://data/e2e.db',
      KEEL_SITE_ROOT: 'target/site',
      // One line per request would bury the test report.
      KEEL_LOG: 'info,sqlx=warn,keel::request=warn',
    },
  },
});
