import { expect, test } from "@playwright/test";
import { hydrated, login, PASSWORD, register, uniqueName } from "./helpers";

test("registration shows typed errors in the form and keeps what was typed", async ({ page }) => {
  await page.goto("/register");
  await hydrated(page);
  await page.getByTestId("register-username").fill("no spaces allowed");
  await page.getByTestId("register-password").fill(PASSWORD);
  await page.getByTestId("register-submit").click();
  const error = page.getByTestId("register-error");
  await expect(error).toHaveAttribute("data-code", "invalid_input");
  await expect(error).toContainText("letters, digits");
  await expect(page.getByTestId("register-username")).toHaveValue("no spaces allowed");

  const name = uniqueName("shorty");
  await page.getByTestId("register-username").fill(name);
  await page.getByTestId("register-password").fill("short");
  await page.getByTestId("register-submit").click();
  await expect(error).toContainText("at least 8 characters");
  await expect(page).toHaveURL(/\/register/);
});

test("a taken username is refused with its own error", async ({ page, browser }) => {
  const name = uniqueName("taken");
  await register(page, name);
  const other = await (await browser.newContext()).newPage();
  await other.goto("/register");
  await hydrated(other);
  await other.getByTestId("register-username").fill(name.toUpperCase());
  await other.getByTestId("register-password").fill(PASSWORD);
  await other.getByTestId("register-submit").click();
  await expect(other.getByTestId("register-error")).toHaveAttribute("data-code", "username_taken");
});

test("unknown user and wrong password get the same answer; login sets an HttpOnly SameSite cookie", async ({
  page,
  context,
}) => {
  const name = uniqueName("alice");
  await register(page, name);
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login/);

  await login(page, name, "wrong password!");
  const wrong = await page.getByTestId("login-error").innerText();
  await login(page, uniqueName("nobody"), PASSWORD);
  await expect(page.getByTestId("login-error")).toHaveAttribute("data-code", "invalid_credentials");
  expect(await page.getByTestId("login-error").innerText()).toBe(wrong);

  await login(page, name);
  await expect(page).toHaveURL(/\/campaigns$/);
  await expect(page.getByTestId("nav-user")).toHaveText(name);
  const cookie = (await context.cookies()).find((c) => c.name === "tt_session");
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");

  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/campaigns");
  await expect(page).toHaveURL(/\/login\?next=\/campaigns/);
});
