// "Chrome on Linux": enough of a User-Agent header for a person to recognise
// their own devices in the sessions list. Order matters: Edge and Opera say
// "Chrome" too, Chrome says "Safari", and Android says "Linux".

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\bOPR\/|\bOpera\b/, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\bFirefox\/|\bFxiOS\//, "Firefox"],
  [/\bCriOS\/|\bChrom(e|ium)\/|\bHeadlessChrome\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
  [/^curl\//, "curl"],
];

const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b|\biPad\b|\biPod\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b|\bX11\b/, "Linux"],
];

/** The words around the names, in the page's language ("Chrome on Linux", "Chrome на Linux"). */
export interface DeviceWords {
  on: (names: { browser: string; system: string }) => string;
  aBrowserOn: (names: { system: string }) => string;
  unknown: string;
}

const ENGLISH: DeviceWords = {
  on: ({ browser, system }) => `${browser} on ${system}`,
  aBrowserOn: ({ system }) => `A browser on ${system}`,
  unknown: "Unknown browser",
};

export function describeUserAgent(userAgent: string | null | undefined, words: DeviceWords = ENGLISH): string {
  if (!userAgent) return words.unknown;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return words.on({ browser, system });
  return browser ?? (system ? words.aBrowserOn({ system }) : words.unknown);
}
