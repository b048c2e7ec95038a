import { describe, expect, test } from "vitest";
import { describe as describeProblem } from "~/protocol/catalogue";
import { createI18n } from "./i18n";
import { RESOURCES } from "./resources.server";
import type { Resource } from "./types";

/** Every key of a resource, nested keys joined by dots. */
function keysOf(resource: Resource, prefix = ""): string[] {
  return Object.entries(resource).flatMap(([key, value]) => (typeof value === "string" ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`)));
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** The keys a language must have, given the English ones and that language's plural forms. */
function expectedKeys(english: string[], locale: string): string[] {
  const forms = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  return english.flatMap((key) => {
    if (key.endsWith("_one") && english.includes(key.replace(/_one$/, "_other"))) return [];
    if (key.endsWith("_other")) return forms.map((form) => key.replace(/_other$/, `_${form}`));
    return [key];
  });
}

describe("the interface's languages", () => {
  const english = keysOf(RESOURCES.en);

  test("English plurals come as _one and _other pairs", () => {
    for (const key of english.filter((k) => PLURAL.test(k))) {
      const base = key.replace(PLURAL, "");
      expect(english, key).toContain(`${base}_one`);
      expect(english, key).toContain(`${base}_other`);
    }
  });

  test("Russian has exactly the English keys, each plural in its four forms (one, few, many, other)", () => {
    const russian = keysOf(RESOURCES.ru);
    const expected = expectedKeys(english, "ru");
    expect(new Intl.PluralRules("ru").resolvedOptions().pluralCategories.sort()).toEqual(["few", "many", "one", "other"]);
    expect(russian.filter((key) => !expected.includes(key)), "keys Russian has and should not").toEqual([]);
    expect(expected.filter((key) => !russian.includes(key)), "keys Russian lacks").toEqual([]);
  });

  test("no text is empty, and a translation keeps its placeholders", () => {
    const russian = keysOf(RESOURCES.ru);
    const lookup = (resource: Resource, key: string) => key.split(".").reduce<Resource | string>((node, part) => (node as Resource)[part]!, resource) as string;
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of russian) {
      const text = lookup(RESOURCES.ru, key);
      expect(text.trim(), key).not.toBe("");
      const englishKey = key.replace(PLURAL, (_, form: string) => (form === "one" ? "_one" : "_other"));
      const englishText = lookup(RESOURCES.en, english.includes(englishKey) ? englishKey : key.replace(PLURAL, "_other"));
      // A plural may say "one" in words instead of {{count}}; every other placeholder stays.
      const expected = placeholders(englishText).filter((name) => !(PLURAL.test(key) && name === "count"));
      expect(placeholders(text).filter((name) => !(PLURAL.test(key) && name === "count")), key).toEqual(expected);
    }
  });

  test("a title, a name or a search put in a sentence with markup is isolated in <bdi>", () => {
    // Such a sentence is rendered through Trans, which draws <bdi>; a plain one's values are isolated by its caller.
    const written = /\{\{(title|name|author|q|term|note)\}\}/g;
    for (const [locale, resource] of Object.entries(RESOURCES)) {
      for (const key of keysOf(resource)) {
        const text = key.split(".").reduce<Resource | string>((node, part) => (node as Resource)[part]!, resource) as string;
        if (!/<[a-z]+>/.test(text)) continue;
        for (const match of text.matchAll(written)) expect(text.slice(0, match.index).endsWith("<bdi>") && text.slice(match.index + match[0].length).startsWith("</bdi>"), `${locale} ${key}`).toBe(true);
      }
    }
  });

  test("i18next picks the Russian form by the number", () => {
    const t = createI18n("ru", RESOURCES.ru).t;
    expect(t("composer.tooManyFiles", { count: 1 })).toContain("1 файла");
    expect(t("composer.tooManyFiles", { count: 3 })).toContain("3 файлов");
    expect(t("composer.tooManyFiles", { count: 11 })).toContain("11 файлов");
    expect(t("composer.tooManyFiles", { count: 21 })).toContain("21 файла");
    const en = createI18n("en", RESOURCES.en).t;
    expect(en("composer.tooManyFiles", { count: 1 })).toBe("A message can carry at most 1 file.");
    expect(en("composer.tooManyFiles", { count: 5 })).toBe("A message can carry at most 5 files.");
  });

  test("a message over the limit says its length with the noun that number takes, and how far over it is", () => {
    const ru = (length: number) => describeProblem({ code: "message_too_long", params: { length, max: 32000 } }, "ru");
    expect(ru(32001)).toBe("В сообщении 32\u00a0001 символ — на 1 больше предела в 32\u00a0000. Сократите его или разделите на два.");
    expect(ru(32002)).toMatch(/^В сообщении 32\u00a0002 символа — на 2 больше/);
    expect(ru(32005)).toMatch(/^В сообщении 32\u00a0005 символов — на 5 больше/);
    expect(describeProblem({ code: "message_too_long", params: { length: 33500, max: 32000 } }, "en")).toBe(
      "This message is 33,500 characters long, 1,500 over the limit of 32,000. Shorten it or split it in two.",
    );
  });
});
