// Attachments end to end, with and without JavaScript: an image, a PDF and a
// code file reach OpenAI and Anthropic (the real SDKs, talking to the fakes)
// in each API's own format; a file over the limit is refused with 413 and the
// typed text stays; a file's type comes from its bytes, and an SVG holding a
// script never runs, shown in the chat or opened by its link.
import type { Page } from "@playwright/test";
import { createClient } from "@libsql/client";
import { E2E } from "./env";
import { chatIdOf, CHAT_URL, composer, expect, lastAnswer, newChatAndSend, signUp, test, userMessages, waitForAnswer, waitForHydration } from "./fixtures";
import { queueScripts, requestsWith, uniqueMarker } from "./upstream";
import { officeOpenXmlBytes, pdfBytes, pngBytes, zipWithEntry } from "../files";
import { isolate } from "../../app/i18n/isolate";

const PNG = Buffer.from(pngBytes({ width: 40, height: 30, rgb: [20, 120, 220] }));
const PDF = Buffer.from(pdfBytes(["Parley quarterly report", "Revenue grew 12 percent"]));
const CODE = Buffer.from("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n");
const FILES = [
  { name: "chart.png", mimeType: "image/png", buffer: PNG },
  { name: "report.pdf", mimeType: "application/pdf", buffer: PDF },
  { name: "fib.py", mimeType: "text/x-python", buffer: CODE },
];

type Provider = { upstream: "openai" | "anthropic"; search: string; label: string };
const OPENAI: Provider = { upstream: "openai", search: "mini", label: "GPT-4o mini" };
const ANTHROPIC: Provider = { upstream: "anthropic", search: "haiku 4.5", label: "Claude Haiku 4.5" };

async function pickModel(page: Page, provider: Provider) {
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  await page.getByLabel("Search models").fill(provider.search);
  await page.getByRole("listbox").getByRole("option", { name: provider.label }).click();
}

/** The user turn the fake upstream received for the test's marker. */
async function receivedUserTurn(provider: Provider, marker: string): Promise<Array<Record<string, unknown>>> {
  await expect.poll(async () => (await requestsWith(provider.upstream, marker)).length).toBeGreaterThan(0);
  const [request] = await requestsWith(provider.upstream, marker);
  const messages = (request!.body as { messages: Array<{ role: string; content: unknown }> }).messages;
  const turn = messages.filter((m) => m.role === "user").at(-1)!;
  expect(Array.isArray(turn.content)).toBe(true);
  return turn.content as Array<Record<string, unknown>>;
}

function expectProviderFormat(provider: Provider, content: Array<Record<string, unknown>>, marker: string) {
  const png = PNG.toString("base64");
  if (provider.upstream === "openai") {
    // Each image after its name, in the message's order.
    expect(content.map((c) => c.type)).toEqual(["text", "image_url", "text"]);
    expect(content[0]).toEqual({ type: "text", text: "Attached image “chart.png”:" });
    expect(content[1]).toEqual({ type: "image_url", image_url: { url: `data:image/png;base64,${png}` } });
    const text = String(content[2]!.text);
    expect(text).toContain("Attached file “report.pdf” (text of the PDF):");
    expect(text).toContain("Revenue grew 12 percent");
    expect(text).toContain(`Attached file “fib.py”:\n\`\`\`\n${CODE.toString()}\n\`\`\``);
    expect(text).toContain(marker);
  } else {
    expect(content.map((c) => c.type)).toEqual(["text", "image", "document", "document", "text"]);
    expect(content[0]).toEqual({ type: "text", text: "Attached image “chart.png”:" });
    expect(content[1]).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: png } });
    expect(content[2]).toEqual({ type: "document", title: "report.pdf", source: { type: "base64", media_type: "application/pdf", data: PDF.toString("base64") } });
    expect(content[3]).toEqual({ type: "document", title: "fib.py", source: { type: "text", media_type: "text/plain", data: CODE.toString() } });
    expect(String(content[4]!.text)).toContain(marker);
  }
}

/** The message shows its image (loaded from the server) above the text and its other files as download links under it. */
async function expectFilesShown(page: Page) {
  const message = page.getByTestId("user-message").last();
  const image = message.getByRole("img", { name: "chart.png" });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);
  await expect(message.getByTestId("file-part")).toHaveText([/report\.pdf/, /fib\.py/]);
  const href = await message.getByTestId("file-part").first().getAttribute("href");
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("application/pdf");
  expect(response.headers()["content-disposition"]).toContain("attachment");
  expect(Buffer.from(await response.body()).equals(PDF)).toBe(true);
}

for (const provider of [OPENAI, ANTHROPIC]) {
  test(`with JavaScript, an image, a PDF and a code file reach ${provider.label} in its own format`, async ({ page }) => {
    await signUp(page);
    await page.goto("/chats?new=1");
    await pickModel(page, provider);
    const marker = uniqueMarker("files");
    await queueScripts(provider.upstream, marker, { text: "I see a blue chart, a report and a Fibonacci function." });
    await page.getByTestId("file-input").setInputFiles(FILES);
    const chips = page.getByTestId("attachment-chip");
    await expect(chips).toHaveCount(3);
    await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(3);
    await expect(chips.first()).toContainText("chart.png");
    await composer(page).fill(`What do these show? ${marker}`);
    await composer(page).press("Enter");
    await expect(page).toHaveURL(CHAT_URL);
    await waitForAnswer(page);
    await expect(lastAnswer(page)).toContainText("Fibonacci function");
    expectProviderFormat(provider, await receivedUserTurn(provider, marker), marker);
    await expectFilesShown(page);

    // A follow-up in the same chat (the fast path) carries files too, shown at once.
    const again = uniqueMarker("again");
    await page.getByTestId("file-input").setInputFiles([{ name: "second.png", mimeType: "image/png", buffer: Buffer.from(pngBytes({ width: 12, height: 12 })) }]);
    await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
    await composer(page).fill(`And this one? ${again}`);
    await composer(page).press("Enter");
    await expect(page.getByTestId("user-message").last().getByRole("img", { name: "second.png" })).toBeVisible();
    await expect(page.getByTestId("attachment-chip")).toHaveCount(0);
    await waitForAnswer(page);
    const followUp = await receivedUserTurn(provider, again);
    expect(followUp.filter((c) => c.type === (provider.upstream === "openai" ? "image_url" : "image"))).toHaveLength(1);
  });

  test(`without JavaScript, the composer's file input sends an image, a PDF and a code file to ${provider.label}`, async ({ noJsPage: page }) => {
    await signUp(page);
    await page.goto("/chats?new=1");
    await page.getByTestId("model-select").selectOption({ label: provider.label });
    const marker = uniqueMarker("nojs");
    await queueScripts(provider.upstream, marker, { text: "Three files received." });
    await page.getByTestId("file-input").setInputFiles(FILES);
    await composer(page).fill(`Describe them ${marker}`);
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page).toHaveURL(CHAT_URL);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
    await expect(lastAnswer(page)).toContainText("Three files received.");
    expectProviderFormat(provider, await receivedUserTurn(provider, marker), marker);
    await expectFilesShown(page);
  });
}

test("the demo model lists what it was given, and an image enlarges on click", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("file-input").setInputFiles(FILES);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(3);
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("You attached 3 files: an image (image/png");
  await expect(lastAnswer(page)).toContainText("report.pdf, a PDF I can read page by page whose text starts “Parley quarterly report”");
  // A small image is shown at its own size, never stretched (enlarged, it would look smaller).
  const thumbnail = page.getByRole("link", { name: `Enlarge image ${isolate("chart.png")}` }).locator("img");
  await expect.poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).complete && img.getBoundingClientRect().width)).toBe(40);
  await page.getByRole("link", { name: `Enlarge image ${isolate("chart.png")}` }).click();
  const dialog = page.getByRole("dialog", { name: "chart.png" });
  await expect(dialog).toBeVisible();
  // In the middle of the window, not in its corner.
  const box = (await dialog.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(Math.abs(box.x + box.width / 2 - viewport.width / 2)).toBeLessThan(2);
  expect(Math.abs(box.y + box.height / 2 - viewport.height / 2)).toBeLessThan(2);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("files uploaded for a draft come back with it after a reload, and go with it once sent", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await composer(page).fill("What is in these?");
  await page.getByTestId("file-input").setInputFiles(FILES.slice(1));
  const ready = page.locator('[data-testid="attachment-chip"][data-status="ready"]');
  await expect(ready).toHaveCount(2);
  // One taken out again stays out.
  await page.getByRole("button", { name: `Remove ${isolate("fib.py")}` }).click();
  await expect(ready).toHaveCount(1);

  await page.reload();
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("What is in these?");
  await expect(ready).toHaveCount(1);
  await expect(ready).toContainText("report.pdf");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  await expect(page.getByTestId("user-message").last().getByTestId("file-part")).toHaveText([/report\.pdf/]);
  await expect(lastAnswer(page)).toContainText("report.pdf, a PDF I can read page by page");

  // Sent: a new draft starts empty.
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("");
  expect(await page.getByTestId("attachment-chip").count()).toBe(0);
});

test("a draft's image keeps its thumbnail after a reload, served to its uploader only", async ({ page, newContext, browserErrors }) => {
  browserErrors.allowStatus(404);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("file-input").setInputFiles([FILES[0]!]);
  const chip = page.locator('[data-testid="attachment-chip"][data-status="ready"]');
  await expect(chip).toHaveCount(1);
  await page.reload();
  await waitForHydration(page);
  await expect(chip).toContainText("chart.png");
  const thumbnail = chip.locator("img");
  await expect(thumbnail).toHaveAttribute("src", /^\/attachments\/[0-9a-z]{20}$/);
  await expect.poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(40);
  // The address is the uploader's alone: another person gets a 404.
  const src = (await thumbnail.getAttribute("src"))!;
  const own = await page.request.get(src);
  expect(own.status()).toBe(200);
  expect(own.headers()["cache-control"]).toMatch(/^private, no-store/);
  expect(own.headers()["x-content-type-options"]).toBe("nosniff");
  expect(own.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  const other = await (await newContext()).newPage();
  await signUp(other);
  expect((await other.request.get(src)).status()).toBe(404);
});

test("a draft's file the server removed meanwhile (unsent for a day) is named when the send is refused, and the text stays", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(404);
  await signUp(page);
  await newChatAndSend(page, "First, a question");
  await waitForAnswer(page);
  const unique = `swept-${Date.now().toString(36)}.txt`;
  await page.getByTestId("file-input").setInputFiles([{ name: unique, mimeType: "text/plain", buffer: Buffer.from("Notes\n") }]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await composer(page).fill("And these notes?");
  // The server's sweep of uploads no message took up, as a day later.
  const db = createClient({ url: E2E.serverEnv.DATABASE_URL });
  try {
    await db.execute({ sql: "DELETE FROM attachments WHERE name = ?", args: [unique] });
  } finally {
    db.close();
  }
  await composer(page).press("Enter");
  await expect(page.getByRole("alert")).toHaveText(`“${unique}” is no longer on the server (an upload not sent within a day is removed). Attach it again, then send.`);
  await expect(composer(page)).toHaveValue("And these notes?");
  await expect(page.getByTestId("attachment-chip")).toHaveCount(0);
  await expect(userMessages(page)).toHaveCount(1);
});

test("without JavaScript, a file over the limit answers 413, names every file refused, and keeps the typed text and the other files", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(413);
  await signUp(page);
  await page.goto("/chats?new=1");
  const big = Buffer.alloc(2 * 1024 * 1024 + 1, 7);
  big.set(PNG.subarray(0, 33));
  const program = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "latin1"), Buffer.alloc(64)]);
  await page.getByTestId("file-input").setInputFiles([
    FILES[2]!,
    { name: "huge.png", mimeType: "image/png", buffer: big },
    { name: "tool.exe", mimeType: "application/octet-stream", buffer: program },
  ]);
  await composer(page).fill("Please keep this text");
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Send" }).click()]);
  expect(response.status()).toBe(413);
  // Each refused file with its own reason.
  await expect(page.getByRole("alert")).toHaveText(
    /^“huge\.png” is larger than 2 MB, the most one file may be\. Attach a smaller file\. “tool\.exe” \([^)]+\) is not a kind of file Parley can read\. Attach images/,
  );
  await expect(composer(page)).toHaveValue("Please keep this text");
  // The file that was fine stays attached: sending again takes it along.
  const kept = page.getByRole("checkbox", { name: /fib\.py/ });
  await expect(kept).toBeChecked();
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(CHAT_URL);
  await expect(page.getByTestId("user-message").getByTestId("file-part")).toHaveText([/fib\.py/]);
  await expect(userMessages(page)).toHaveText(["Please keep this text"]);
});

test("without JavaScript, files past the limit are named in the refusal, and the ten that fit stay checked", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(413);
  await signUp(page);
  await page.goto("/chats?new=1");
  const notes = Array.from({ length: 11 }, (_, i) => ({ name: `note-${i + 1}.txt`, mimeType: "text/plain", buffer: Buffer.from(`note ${i + 1}\n`) }));
  await page.getByTestId("file-input").setInputFiles(notes);
  await composer(page).fill("Eleven notes");
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Send" }).click()]);
  expect(response.status()).toBe(413);
  await expect(page.getByRole("alert")).toHaveText("A message can carry at most 10 files. Remove some and send again. Not attached: “note-11.txt”.");
  await expect(page.getByRole("checkbox", { name: /note-\d+\.txt/ })).toHaveCount(10);
  await expect(page.getByRole("checkbox", { name: /note-11\.txt/ })).toHaveCount(0);
  await expect(composer(page)).toHaveValue("Eleven notes");
});

test("a refused file's chip names office files in words, keeps its words inside it, and shows its name cleaned", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(415);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  // A right-to-left override would show this name reversed from it on; the name runs long with nowhere to break.
  const longName = `quarterly_figures_for_the_board_of_directors_final\u202Etxt.exe_version_2026.txt`;
  await page.getByTestId("file-input").setInputFiles([
    { name: "plan.docx", mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", buffer: Buffer.from(officeOpenXmlBytes("wordprocessingml.document")) },
    { name: longName, mimeType: "text/plain", buffer: Buffer.alloc(0) },
    { name: "drawing.odg", mimeType: "application/vnd.oasis.opendocument.graphics", buffer: Buffer.from(zipWithEntry("mimetype", "application/vnd.oasis.opendocument.graphics")) },
  ]);
  const chips = page.getByTestId("attachment-chip");
  await expect(chips.and(page.locator('[data-status="error"]'))).toHaveCount(3);
  await expect(chips.nth(0)).toContainText("“plan.docx”: Word documents (.docx) cannot be read here. To attach it, save it as PDF and attach that.");
  await expect(chips.nth(0)).not.toContainText("application/vnd");
  const cleaned = longName.replace("\u202E", "");
  await expect(chips.nth(1).locator("[title]")).toHaveText(cleaned);
  await expect(chips.nth(1)).toContainText(`“${cleaned}” is empty.`);
  await expect(chips.nth(2)).toContainText("(application/vnd.oasis.opendocument.graphics) is not a kind of file Parley can read.");
  // Each chip's words stay within it, however long their longest word.
  for (const index of [0, 1, 2]) {
    const chip = (await chips.nth(index).boundingBox())!;
    const words = (await chips.nth(index).locator(".text-red-300").boundingBox())!;
    expect(words.x + words.width).toBeLessThanOrEqual(chip.x + chip.width + 0.5);
  }
});

test("with JavaScript, a file over the limit is refused before upload and the typed text stays", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await composer(page).fill("Text typed before the file");
  await page.getByTestId("file-input").setInputFiles([{ name: "huge.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(2 * 1024 * 1024 + 1, 1) }]);
  const chip = page.getByTestId("attachment-chip");
  await expect(chip).toHaveAttribute("data-status", "error");
  await expect(chip).toContainText("Larger than 2 MB, the most one file may be.");
  await expect(composer(page)).toHaveValue("Text typed before the file");
  await chip.getByRole("button", { name: `Remove ${isolate("huge.pdf")}` }).click();
  await expect(chip).toHaveCount(0);
});

test("with JavaScript, files refused before upload take no room, and files past the limit are named, not dropped", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const notes = Array.from({ length: 11 }, (_, i) => ({ name: `note-${i + 1}.txt`, mimeType: "text/plain", buffer: Buffer.from(`note ${i + 1}\n`) }));
  await page.getByTestId("file-input").setInputFiles([
    { name: "huge.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(2 * 1024 * 1024 + 1, 1) },
    { name: "blank.txt", mimeType: "text/plain", buffer: Buffer.alloc(0) },
    ...notes,
  ]);
  // Ten files may go with a message: the ten first notes, not the two refused files.
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(10);
  const refused = page.locator('[data-testid="attachment-chip"][data-status="error"]');
  await expect(refused).toHaveCount(3);
  await expect(refused.nth(0)).toContainText("Larger than 2 MB, the most one file may be.");
  await expect(refused.nth(1)).toContainText("“blank.txt” is empty.");
  await expect(refused.nth(2)).toContainText("note-11.txt");
  await expect(refused.nth(2)).toContainText("A message can carry at most 10 files.");
});

test("a file whose bytes are not what its name says is refused, and the server's words show on its chip", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(415);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("file-input").setInputFiles([{ name: "cat.png", mimeType: "image/png", buffer: Buffer.from("<html><script>alert(1)</script></html>") }]);
  const chip = page.getByTestId("attachment-chip");
  await expect(chip).toHaveAttribute("data-status", "error");
  await expect(chip).toContainText("“cat.png” is not what its name says: by its content it is text/plain.");
});

test("an SVG holding a script is a text file: it never runs, in the chat or opened by its link", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" onload="document.title='pwned'"><script>alert('pwned'); document.title='pwned'</script></svg>`;
  page.on("dialog", (dialog) => {
    throw new Error(`a script ran: ${dialog.message()}`);
  });
  await page.getByTestId("file-input").setInputFiles([{ name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from(svg) }]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await composer(page).fill("What is this logo?");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  const link = page.getByTestId("user-message").getByTestId("file-part");
  await expect(link).toHaveText(/logo\.svg/);
  await expect(page.getByTestId("user-message").getByRole("img")).toHaveCount(0);

  const href = (await link.getAttribute("href"))!;
  for (const url of [href, href.replace("?download", "")]) {
    const response = await page.request.get(url);
    expect(response.headers()["content-type"]).toBe("text/plain; charset=utf-8");
    expect(response.headers()["content-disposition"]).toMatch(/^attachment;/);
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
    expect(response.headers()["content-security-policy"]).toContain("sandbox");
    // A chat's file is the session's business: no copy stays in the browser's cache after logging out.
    expect(response.headers()["cache-control"]).toBe("private, no-store");
    expect(await response.text()).toBe(svg);
  }
  // Opened by its link, it downloads; the page's title is untouched.
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toBe("logo.svg");
  await expect(page).toHaveTitle(/Parley/);
  expect(chatIdOf(page)).toMatch(/^[0-9a-z]{20}$/);
});

test("a dropped file and a pasted screenshot become chips, a slow upload shows its progress, and a message sent meanwhile waits for it", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const png = [...PNG];
  // Drop a code file on the composer, paste an image into the message box.
  await page.evaluate((bytes) => {
    const form = document.querySelector("form[enctype='multipart/form-data']")!;
    const drop = new DataTransfer();
    drop.items.add(new File(["console.log('dropped')\n"], "dropped.js", { type: "text/javascript" }));
    form.dispatchEvent(new DragEvent("dragover", { dataTransfer: drop, bubbles: true, cancelable: true }));
    form.dispatchEvent(new DragEvent("drop", { dataTransfer: drop, bubbles: true, cancelable: true }));
    const paste = new DataTransfer();
    paste.items.add(new File([new Uint8Array(bytes)], "image.png", { type: "image/png" }));
    document.querySelector("#composer")!.dispatchEvent(new ClipboardEvent("paste", { clipboardData: paste, bubbles: true, cancelable: true }));
  }, png);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(2);
  await expect(page.getByTestId("attachment-chip")).toHaveText([/dropped\.js/, /image\.png/]);
  await expect(page.getByTestId("attachment-chip").nth(1).locator("img")).toBeVisible();

  // At 16 KB/s a 96 KB upload takes seconds: the bar shows how far it got, and a message sent meanwhile waits for it.
  // (The file stays within what the demo model reads, 32,000 tokens: a larger one is refused at the send.)
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 16 * 1024 });
  const big = Buffer.alloc(96 * 1024, 120);
  await page.getByTestId("file-input").setInputFiles([{ name: "big.txt", mimeType: "text/plain", buffer: big }]);
  const bar = page.getByRole("progressbar", { name: `Uploading ${isolate("big.txt")}` });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 20_000 }).toBeGreaterThan(0);

  // Removing a chip takes the file out of the message.
  await page.getByRole("button", { name: `Remove ${isolate("dropped.js")}` }).click();
  await composer(page).fill("A picture and a big file");
  await composer(page).press("Enter");
  await expect(page.getByTestId("queued-send")).toContainText("Sends when the files are uploaded.");
  await expect(page).toHaveURL(/\/chats\?new=1$/);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(page).toHaveURL(CHAT_URL, { timeout: 30_000 });
  await waitForAnswer(page);
  await expect(page.getByTestId("user-message").getByTestId("file-part")).toHaveText([/big\.txt/]);
  await expect(page.getByTestId("user-message").getByRole("img", { name: "image.png" })).toBeVisible();
  await expect(lastAnswer(page)).toContainText("You attached 2 files");
});

test("in a chat, a message sent while its file uploads goes once, with the file, when the upload ends", async ({ page }) => {
  await signUp(page);
  await newChatAndSend(page, "A first question");
  await waitForAnswer(page);
  await waitForHydration(page);
  const sends: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && /\/chats\/[0-9a-z]{20}\/messages$/.test(new URL(request.url()).pathname)) sends.push(request.postData() ?? "");
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 16 * 1024 });
  await page.getByTestId("file-input").setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.alloc(64 * 1024, 121) }]);
  await expect(page.getByRole("progressbar", { name: `Uploading ${isolate("notes.txt")}` })).toBeVisible();
  await composer(page).fill("The notes, once they are up");
  await composer(page).press("Enter");
  await expect(page.getByTestId("queued-send")).toContainText("Sends when the files are uploaded.");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(userMessages(page)).toHaveText(["A first question", "The notes, once they are up"], { timeout: 30_000 });
  await waitForAnswer(page);
  await expect(page.getByTestId("user-message").last().getByTestId("file-part")).toHaveText([/notes\.txt/]);
  await page.waitForTimeout(500);
  expect(sends).toHaveLength(1);
  expect(new URLSearchParams(sends[0]).getAll("attachmentId")).toHaveLength(1);
  // And the chat holds it once, with its file, after a reload.
  await page.reload();
  await expect(userMessages(page)).toHaveText(["A first question", "The notes, once they are up"]);
  await expect(page.getByTestId("user-message").last().getByTestId("file-part")).toHaveText([/notes\.txt/]);
});

test("an upload the connection or the server dropped can be tried again from its chip, and then goes with the message", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(502);
  browserErrors.allow(/net::ERR_FAILED|ERR_CONNECTION/);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  // The first try loses its connection, the second meets a failing proxy; the third gets through.
  let tries = 0;
  await page.route("**/attachments", async (route) => {
    tries += 1;
    if (tries === 1) return route.abort("connectionreset");
    if (tries === 2) return route.fulfill({ status: 502, contentType: "text/html", body: "<h1>Bad gateway</h1>" });
    return route.continue();
  });
  await page.getByTestId("file-input").setInputFiles([{ name: "plan.txt", mimeType: "text/plain", buffer: Buffer.from("The plan, in one line.\n") }]);
  const chip = page.getByTestId("attachment-chip");
  await expect(chip).toHaveAttribute("data-status", "error");
  await expect(chip).toContainText("The upload failed: the connection was lost.");
  await chip.getByRole("button", { name: `Upload ${isolate("plan.txt")} again` }).click();
  await expect(chip).toContainText("The upload failed (HTTP 502).");
  await chip.getByRole("button", { name: `Upload ${isolate("plan.txt")} again` }).click();
  await expect(chip).toHaveAttribute("data-status", "ready");
  await expect(chip.getByRole("button", { name: `Upload ${isolate("plan.txt")} again` })).toHaveCount(0);
  expect(tries).toBe(3);
  await composer(page).fill("What is the plan?");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  await expect(page.getByTestId("user-message").getByTestId("file-part")).toHaveText([/plan\.txt/]);
});

test("a file refused for what it is offers no retry: trying again would only be refused again", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("file-input").setInputFiles([{ name: "empty.txt", mimeType: "text/plain", buffer: Buffer.alloc(0) }]);
  const chip = page.getByTestId("attachment-chip");
  await expect(chip).toHaveAttribute("data-status", "error");
  await expect(chip.getByRole("button", { name: /again/ })).toHaveCount(0);
});

test("a model that cannot see images is named before sending, and Send waits for another choice", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("file-input").setInputFiles([FILES[0]!]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await pickModel(page, { upstream: "openai", search: "o3-mini", label: "o3-mini" });
  await expect(page.getByTestId("vision-warning")).toHaveText("o3-mini cannot see images. Pick a model that can (👁 in the list), or remove the images.");
  await expect(page.getByRole("button", { name: "Send" })).toBeDisabled();
  await pickModel(page, OPENAI);
  await expect(page.getByTestId("vision-warning")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();
});

test("a later question to a model that cannot see images goes with their names, and the answer says so", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await pickModel(page, OPENAI);
  await page.getByTestId("file-input").setInputFiles([FILES[0]!]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await composer(page).fill("What colour is this?");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  // Seen by the model that answered it: nothing to say.
  await expect(lastAnswer(page).getByTestId("answer-stats")).toBeVisible();
  await expect(lastAnswer(page).getByTestId("answer-left-out")).toHaveCount(0);
  // Answering that question again is refused for a model that cannot see its image: its files stay with it.
  const regenerateWith = lastAnswer(page).locator('summary[aria-label="Regenerate with another model"]');
  await regenerateWith.click();
  await lastAnswer(page).getByLabel("Model", { exact: true }).selectOption("openai:o3-mini");
  await lastAnswer(page).getByRole("button", { name: "Regenerate", exact: true }).last().click();
  await expect(page.getByRole("alert")).toHaveText("“o3-mini” cannot see images. Pick a model that can.");
  // The composer keeps the model it had: nothing was sent with the other.
  await expect(page.getByTestId("model-picker")).toContainText("GPT-4o mini");
  await regenerateWith.click();
  await expect(lastAnswer(page).getByLabel("Model", { exact: true })).toBeHidden();
  await pickModel(page, { upstream: "openai", search: "o3-mini", label: "o3-mini" });
  const marker = uniqueMarker("blind-later");
  await composer(page).fill(`And what was it? ${marker}`);
  await composer(page).press("Enter");
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await waitForAnswer(page);
  await expect(lastAnswer(page).getByTestId("answer-left-out")).toHaveText("o3-mini cannot see images: it was given only the name of the image.");
  const [request] = await requestsWith("openai", marker);
  const first = (request!.body as { messages: Array<{ role: string; content: unknown }> }).messages.find((m) => m.role === "user")!;
  expect(first.content).toBe("[Image “chart.png”: not shown, this model cannot see images]\n\nWhat colour is this?");
  // Still said after a reload: it is kept with the answer.
  await page.reload();
  await expect(lastAnswer(page).getByTestId("answer-left-out")).toHaveText("o3-mini cannot see images: it was given only the name of the image.");
});

test("messages left out to fit the model's context are said under the answer", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await pickModel(page, OPENAI);
  // About 86,000 tokens each, as Parley counts: one fits GPT-4o mini's 128,000, two do not.
  const log = (n: number) => ({ name: `day${n}.log`, mimeType: "text/plain", buffer: Buffer.from(`day ${n} line of the log\n`.repeat(12_500)) });
  await page.getByTestId("file-input").setInputFiles([log(1)]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  // Short answers: the fake's echo of a log this long would take the browser long to write out.
  const first = uniqueMarker("first-log");
  await queueScripts("openai", first, { text: "The first log is read." });
  await composer(page).fill(`Read the first log. ${first}`);
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  await expect(lastAnswer(page).getByTestId("answer-stats")).toBeVisible();
  await expect(lastAnswer(page).getByTestId("answer-left-out")).toHaveCount(0);
  await page.getByTestId("file-input").setInputFiles([log(2)]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  const marker = uniqueMarker("second-log");
  await queueScripts("openai", marker, { text: "The second log is read." });
  await composer(page).fill(`And the second. ${marker}`);
  await composer(page).press("Enter");
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await waitForAnswer(page);
  await expect(lastAnswer(page).getByTestId("answer-left-out")).toHaveText(
    "The earliest 2 messages of this chat were not sent with it: the chat is longer than GPT-4o mini reads at once.",
  );
  const [request] = await requestsWith("openai", marker);
  const sent = (request!.body as { messages: Array<{ role: string }> }).messages;
  expect(sent.map((m) => m.role)).toEqual(["system", "user"]);
});

test("without JavaScript, an image sent to a model that cannot see is refused before anything goes upstream, and nothing is lost", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await page.goto("/chats?new=1");
  await page.getByTestId("model-select").selectOption({ label: "o3-mini" });
  const marker = uniqueMarker("blind");
  await page.getByTestId("file-input").setInputFiles([FILES[0]!]);
  await composer(page).fill(`What is this? ${marker}`);
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Send" }).click()]);
  expect(response.status()).toBe(400);
  await expect(page.getByRole("alert")).toHaveText("“o3-mini” cannot see images. Pick a model that can, or remove the images.");
  await expect(composer(page)).toHaveValue(`What is this? ${marker}`);
  await expect(page.getByRole("checkbox", { name: /chart\.png/ })).toBeChecked();
  expect(await requestsWith("openai", marker)).toHaveLength(0);
  // The model chosen stays chosen; another that sees goes, with the image.
  await expect(page.getByTestId("model-select").locator("option:checked")).toHaveText("o3-mini");
  await page.getByTestId("model-select").selectOption({ label: "GPT-4o mini" });
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(CHAT_URL);
  await expect.poll(async () => (await requestsWith("openai", marker)).length).toBe(1);
});
