/** The words of a search box, lowercased ("claude 4.5" → ["claude", "4.5"]). */
export function searchWords(query: string): string[] {
  return query.trim().toLowerCase().split(/\s+/).filter(Boolean);
}

/** Whether each word is found, in any order, in `text` ("ollama gpt" in "Ollama GPT-OSS gpt-oss:20b"). */
export function hasEveryWord(text: string, words: string[]): boolean {
  const haystack = text.toLowerCase();
  return words.every((word) => haystack.includes(word));
}
