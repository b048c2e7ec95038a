import { describe, expect, test } from "vitest";
import { CATALOGUE, describe as describeProblem, LOCALES, localeFromAcceptLanguage } from "./catalogue";
import { continuable, ERROR_STATUS, type ErrorCode, httpStatus } from "./errors";

const codes = Object.keys(ERROR_STATUS) as ErrorCode[];

describe("the message catalogue", () => {
  test("every code has words in every language, different from the other codes' words", () => {
    for (const locale of LOCALES) {
      const texts = codes.map((code) => CATALOGUE[locale][code]({}));
      for (const [i, text] of texts.entries()) expect(text.trim(), `${locale} ${codes[i]}`).not.toBe("");
      // Parameterless texts may repeat only where a code is a legacy alias; none is.
      expect(new Set(texts).size, locale).toBe(texts.length);
    }
    expect(Object.keys(CATALOGUE.ru).sort()).toEqual([...codes].sort());
  });

  test("Russian is not English", () => {
    for (const code of codes) expect(CATALOGUE.ru[code]({ provider: "OpenAI" }), code).not.toBe(CATALOGUE.en[code]({ provider: "OpenAI" }));
  });

  test("parameters are written into the text", () => {
    expect(describeProblem({ code: "upstream_server_error", params: { provider: "Anthropic", status: 529 } })).toBe("Anthropic is overloaded right now (HTTP 529). Wait a moment, then continue or regenerate.");
    expect(describeProblem({ code: "upstream_server_error", params: { provider: "OpenAI", status: 500 } })).toBe("OpenAI had a server error (HTTP 500). Continue or regenerate to try again.");
    // An answer that offers no Continue (nothing written) is told to regenerate only, in both languages.
    expect(describeProblem({ code: "upstream_server_error", params: { provider: "OpenAI", status: 500, continuable: false } })).toBe("OpenAI had a server error (HTTP 500). Regenerate to try again.");
    expect(describeProblem({ code: "upstream_rate_limited", params: { provider: "OpenAI", seconds: 60, continuable: false } })).toBe("OpenAI is rate-limiting requests (HTTP 429) and asks to wait 1 minute. Regenerate after that.");
    expect(describeProblem({ code: "upstream_malformed", params: { provider: "OpenAI" } })).toBe("OpenAI sent a response Parley could not read. Continue or regenerate to try again.");
    expect(describeProblem({ code: "upstream_timeout", params: { provider: "Groq", continuable: false } }, "ru")).toBe("Groq перестал отвечать. Нажмите «Ответить заново».");
    expect(describeProblem({ code: "message_too_long", params: { max: 32000 } }, "en")).toContain("32,000 characters");
    expect(describeProblem({ code: "message_too_long", params: { max: 32000 } }, "ru")).toMatch(/32\s000 символов/);
    expect(describeProblem({ code: "answer_failed", params: { detail: "Kept as it was." } })).toBe("Kept as it was.");
    expect(describeProblem("answer_failed")).toBe("The answer failed unexpectedly. Try regenerating it.");
  });

  test("a refused file's words give the other files of its form refused too, each with its own reason", () => {
    const problem = {
      code: "file_empty" as const,
      params: {
        name: "a.txt",
        alsoRefused: [
          { code: "file_type_mismatch" as const, params: { name: "b.png", type: "HTML" } },
          { code: "too_many_files" as const, params: { name: "c.txt", max: 10 } },
          { code: "file_empty" as const, params: { name: "d.txt" } },
        ],
      },
    };
    expect(describeProblem(problem, "en")).toBe(
      "“a.txt” is empty. “b.png” is not what its name says: by its content it is HTML. Rename it or attach the real file. “d.txt” is empty. These were not attached either: “c.txt”.",
    );
    expect(describeProblem(problem, "ru")).toBe(
      "Файл «a.txt» пуст. Файл «b.png» не то, что обещает имя: по содержимому это HTML. Переименуйте его или приложите настоящий файл. Файл «d.txt» пуст. Не приложены и эти файлы: «c.txt».",
    );
    expect(describeProblem({ code: "file_empty", params: { name: "a.txt", alsoRefused: [] } }, "en")).toBe("“a.txt” is empty.");
  });

  test("the language comes from Accept-Language, English when nothing fits", () => {
    expect(localeFromAcceptLanguage("ru-RU,ru;q=0.9,en-US;q=0.8")).toBe("ru");
    expect(localeFromAcceptLanguage("en-GB,ru;q=0.5")).toBe("en");
    expect(localeFromAcceptLanguage("fr-FR, de;q=0.8")).toBe("en");
    expect(localeFromAcceptLanguage("de;q=0.9, ru;q=0.8")).toBe("ru");
    expect(localeFromAcceptLanguage("ru;q=0, en;q=0.1")).toBe("en");
    expect(localeFromAcceptLanguage(null)).toBe("en");
  });

  test("statuses: input problems are 4xx, a missing chat 404, a read-only chat 403", () => {
    expect(httpStatus("message_too_long")).toBe(413);
    expect(httpStatus("not_found")).toBe(404);
    expect(httpStatus("chat_read_only")).toBe(403);
    expect(httpStatus("answer_in_progress")).toBe(409);
    for (const code of ["invalid_input", "message_empty", "malformed_id", "model_unavailable", "bad_body"] as const) expect(httpStatus(code)).toBe(400);
  });

  // A translation that drops a parameter hides the one fact the reader needs
  // (which provider, which limit, how long to wait).
  test("Russian mentions every parameter the English text mentions", () => {
    const params = { provider: "Zeta-Provider", status: 418, detail: "DETAIL-XYZ", max: 12345, model: "model-qq", requested: 77, newest: 66, seconds: 42 };
    const digitsOnly = (text: string) => text.replace(/(\d)[\s\u00a0\u202f,.](?=\d)/g, "$1");
    for (const code of codes) {
      const en = digitsOnly(describeProblem({ code, params }, "en"));
      const ru = digitsOnly(describeProblem({ code, params }, "ru"));
      // answer_failed with a detail shows the stored words as they are, in any language.
      if (code !== "answer_failed") expect(ru, code).not.toBe(en);
      for (const [key, value] of Object.entries(params)) {
        if (en.includes(String(value))) expect(ru, `${code} ru drops ${key}`).toContain(String(value));
      }
    }
  });

  test("parameters are written into the Russian text too, with Russian number and plural forms", () => {
    expect(describeProblem({ code: "upstream_server_error", params: { provider: "Anthropic", status: 529 } }, "ru")).toBe("Anthropic сейчас перегружен (HTTP 529). Подождите и нажмите «Продолжить» или «Ответить заново».");
    expect(describeProblem({ code: "model_unavailable", params: { model: "openai:gpt-x" } }, "ru")).toBe("Модель «openai:gpt-x» недоступна. Выберите другую.");
    // The demo is named in each language; other models as their providers name them.
    expect(describeProblem({ code: "model_disabled", params: { demo: true } }, "ru")).toBe("Модель «Демо (офлайн)» отключена администратором. Выберите другую модель.");
    expect(describeProblem({ code: "model_disabled", params: { demo: true } }, "en")).toBe("“Demo (offline)” has been turned off by the administrator. Pick another model.");
    expect(describeProblem({ code: "model_disabled", params: { model: "GPT-4o mini" } }, "ru")).toBe("Модель «GPT-4o mini» отключена администратором. Выберите другую модель.");
    expect(describeProblem({ code: "rate_limited", params: { seconds: 1 } }, "ru")).toBe("Слишком много попыток. Попробуйте снова через 1 секунду.");
    expect(describeProblem({ code: "rate_limited", params: { seconds: 3 } }, "ru")).toBe("Слишком много попыток. Попробуйте снова через 3 секунды.");
    expect(describeProblem({ code: "rate_limited", params: { seconds: 11 } }, "ru")).toBe("Слишком много попыток. Попробуйте снова через 11 секунд.");
    expect(describeProblem({ code: "rate_limited", params: { seconds: 125 } }, "ru")).toBe("Слишком много попыток. Попробуйте снова через 3 минуты.");
    expect(describeProblem({ code: "rate_limited", params: { seconds: 1 } }, "en")).toBe("Too many attempts. Try again in 1 second.");
    expect(describeProblem({ code: "last_event_id_ahead", params: { requested: 9, newest: 4 } }, "ru")).toContain("9");
  });

  test("the usage limits count their chats and answers in the right form in both languages", () => {
    expect(describeProblem({ code: "chats_limit_reached", params: { max: 1 } }, "en")).toMatch(/^This server lets you keep 1 chat, and/);
    expect(describeProblem({ code: "chats_limit_reached", params: { max: 5 } }, "en")).toMatch(/^This server lets you keep 5 chats, and/);
    expect(describeProblem({ code: "chats_limit_reached", params: { max: 1 } }, "ru")).toMatch(/хранить 1 чат,/);
    expect(describeProblem({ code: "chats_limit_reached", params: { max: 3 } }, "ru")).toMatch(/хранить 3 чата,/);
    expect(describeProblem({ code: "chats_limit_reached", params: { max: 12 } }, "ru")).toMatch(/хранить 12 чатов,/);
    expect(describeProblem({ code: "messages_limit_reached", params: { max: 21, windowSeconds: 3600, seconds: 60 } }, "ru")).toMatch(/^Вы запросили 21 ответ за последние 60 минут/);
    expect(describeProblem({ code: "messages_limit_reached", params: { max: 10, windowSeconds: 3600, seconds: 60 } }, "ru")).toMatch(/^Вы запросили 10 ответов за/);
  });

  test("fr and de fall back to English; a Russian browser gets Russian", () => {
    expect(localeFromAcceptLanguage("ru-RU,ru;q=0.9")).toBe("ru");
    expect(localeFromAcceptLanguage("fr, de")).toBe("en");
    expect(localeFromAcceptLanguage("")).toBe("en");
    expect(localeFromAcceptLanguage("RU")).toBe("ru");
  });
});

describe("a limit's noun agrees with its number", () => {
  test("in Russian the genitive after a number: 1 and 21 take the singular, 2, 5 and 11 the plural", () => {
    const ru = (code: "too_many_files" | "message_too_long", max: number) => describeProblem({ code, params: { max } }, "ru");
    expect(ru("too_many_files", 21)).toBe("К сообщению можно приложить не больше 21 файла. Уберите лишние и отправьте снова.");
    expect(ru("too_many_files", 1)).toContain("не больше 1 файла.");
    expect(ru("too_many_files", 11)).toContain("не больше 11 файлов.");
    expect(ru("too_many_files", 5)).toContain("не больше 5 файлов.");
    expect(ru("message_too_long", 1001)).toContain("не длиннее 1\u00a0001 символа.");
    expect(ru("message_too_long", 32000)).toContain("не длиннее 32\u00a0000 символов.");
    // With the message's length: how long it is, and how much to cut.
    expect(describeProblem({ code: "message_too_long", params: { max: 32000, length: 33008 } }, "en")).toBe("This message is 33,008 characters long, 1,008 over the limit of 32,000. Shorten it or split it in two.");
  });

  test("in English one file, many files; and a limit is what may be reached", () => {
    expect(describeProblem({ code: "too_many_files", params: { max: 1 } }, "en")).toBe("A message can carry at most 1 file. Remove some and send again.");
    expect(describeProblem({ code: "custom_instructions_too_long", params: { max: 4000 } }, "en")).toBe("Keep custom instructions to 4,000 characters or fewer.");
    expect(describeProblem({ code: "custom_instructions_too_long", params: { max: 4000 } }, "ru")).toBe("Собственные инструкции могут быть не длиннее 4\u00a0000 символов.");
  });
});

describe("which failed answers offer Continue", () => {
  test("an answer cut off can go on; one the provider refused, request or key, would be refused again", () => {
    for (const code of ["upstream_server_error", "upstream_timeout", "upstream_connection_lost", "upstream_rate_limited", "stopped", "interrupted_by_restart"] as const) {
      expect(continuable({ code }), code).toBe(true);
    }
    expect(continuable(undefined)).toBe(true);
    for (const code of ["upstream_rejected", "own_key_refused", "server_key_refused"] as const) expect(continuable({ code, params: { status: 401 } }), code).toBe(false);
  });
});
