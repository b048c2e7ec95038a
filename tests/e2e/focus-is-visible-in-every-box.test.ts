// Where the keyboard is must show in the boxes that draw their own focus
// (the message box, the edit box, form fields), in both themes, and on a
// field marked invalid too, whose red border would otherwise look the same
// focused or not.
import type { Locator } from "@playwright/test";
import { composer, expect, signUp, test, waitForHydration } from "./fixtures";

/** The look that tells a focused box from the same box without focus. */
const look = (box: Locator) => box.evaluate((element) => {
  const style = getComputedStyle(element);
  return { border: style.borderColor, ring: style.boxShadow, outline: style.outlineStyle === "none" ? "none" : style.outlineColor };
});

for (const colorScheme of ["dark", "light"] as const) {
  test(`${colorScheme} theme: the message box and a form field show their focus, an invalid field too`, async ({ page, browserErrors }) => {
    browserErrors.allowStatus(400);
    await page.emulateMedia({ colorScheme });
    await signUp(page);
    await page.goto("/chats?new=1");
    await waitForHydration(page);
    const wrapper = composer(page).locator("xpath=ancestor::div[contains(@class,'rounded-2xl')][1]");
    await composer(page).blur();
    const blurred = await look(wrapper);
    await composer(page).focus();
    const focused = await look(wrapper);
    expect(focused).not.toEqual(blurred);
    expect(focused.ring).not.toBe("none");

    await page.goto("/settings/profile");
    const name = page.getByLabel("Name");
    await name.fill("");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(name).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Email").focus();
    const invalidBlurred = await look(name);
    await name.focus();
    const invalidFocused = await look(name);
    expect(invalidFocused.ring).not.toBe("none");
    expect(invalidFocused).not.toEqual(invalidBlurred);
  });
}
