import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser (see docs/toolchain.md). The server is started by
// `cargo leptos end-to-end` (scripts/test.sh) or by hand; BASE_URL points elsewhere if needed.
export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  // One retry, so a single timing hiccup on a loaded CI machine does not sink a whole run; a test that needed
  // it is listed as "flaky" and scripts/test.sh calls it out to be fixed. A test that fails twice fails.
  retries: 1,
  reporter: [["list"]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
