import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// Three instances behind HAProxy (scripts/e2e-cluster.sh starts them): one worker, in order, no retry, since
// the last test kills an instance.
export default defineConfig({
  ...base,
  testDir: "./cluster",
  fullyParallel: false,
  workers: 1,
  retries: 0,
});
